package io.loopwire.loop;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds loops by name through {@link ServiceLoader}. Looks in the thread's context class loader and in
 * the class loader that loaded Loopwire, so it works on the class path, in containers and in plugins.
 */
public final class Loops {

  /** The name of the built-in loop, and the default: {@value}. */
  public static final String DEFAULT = "nio";

  /** Loops Loopwire knows about that live in other artifacts, so a missing one gets a useful message. */
  private static final Map<String, String> KNOWN_ARTIFACTS = Map.of(
      "netty-nio", "io.loopwire:loopwire-netty",
      "netty-epoll", "io.loopwire:loopwire-netty",
      "netty-io_uring", "io.loopwire:loopwire-netty");

  private static final System.Logger LOG = System.getLogger(Loops.class.getName());

  private Loops() {}

  /**
   * Creates a loop with the provider named {@code name}.
   *
   * <p>Thread: any.
   *
   * @throws UnknownLoopException if no installed provider has that name; the message lists the
   *     available names and, for a known loop that is not installed, the artifact that provides it
   * @throws LoopUnavailableException if the provider is installed but cannot run here
   */
  public static Loop create(String name, LoopOptions options) {
    Objects.requireNonNull(options, "options");
    return provider(name).create(options);
  }

  /**
   * The provider named {@code name}.
   *
   * @throws UnknownLoopException as for {@link #create}
   */
  public static LoopProvider provider(String name) {
    Objects.requireNonNull(name, "name");
    Map<String, LoopProvider> providers = providers();
    LoopProvider provider = providers.get(name);
    if (provider == null) {
      throw new UnknownLoopException(name, new ArrayList<>(providers.keySet()), KNOWN_ARTIFACTS.get(name));
    }
    return provider;
  }

  /** The names of the installed loops, in discovery order, without duplicates. Thread: any. */
  public static List<String> available() {
    return List.copyOf(providers().keySet());
  }

  private static Map<String, LoopProvider> providers() {
    Map<String, LoopProvider> byName = new LinkedHashMap<>();
    ClassLoader own = Loops.class.getClassLoader();
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    if (context != null && context != own) {
      collect(ServiceLoader.load(LoopProvider.class, context), byName);
    }
    collect(ServiceLoader.load(LoopProvider.class, own), byName);
    return byName;
  }

  private static void collect(ServiceLoader<LoopProvider> loader, Map<String, LoopProvider> byName) {
    var it = loader.iterator();
    // Bounded: an iterator that keeps failing on a broken configuration file must not hang the caller.
    for (int errors = 0; errors < 16; ) {
      try {
        if (!it.hasNext()) {
          return;
        }
        LoopProvider provider = it.next();
        byName.putIfAbsent(provider.name(), provider);
      } catch (ServiceConfigurationError e) {
        // A broken plugin must not hide the loops that work; say which one failed.
        LOG.log(System.Logger.Level.WARNING, "skipping a loop provider that cannot be loaded", e);
        errors++;
      }
    }
  }
}
