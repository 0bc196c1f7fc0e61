package io.loopwire.cli.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The independent implementations the interop tests run against, and whether this machine has them.
 *
 * <p>A missing peer fails the test when the environment variable {@code CI} is {@code true} (CI must
 * install every peer, so a gap there is a bug), and otherwise skips it with a loud message on stderr
 * that says how to install the peer.
 */
final class Peers {

  /** One peer: what it is, how to tell it is present, and how to install it. */
  enum Peer {
    NODE_WS("node + npm ws (interop/node_modules/ws)",
        "apt-get install -y nodejs npm && (cd interop && npm ci)"),
    PYTHON_WEBSOCKETS("/usr/bin/python3 with Debian's websockets 10.x",
        "apt-get install -y python3-websockets (and run it with /usr/bin/python3, not a pyenv python3)"),
    LWS_TEST_SERVER("/usr/bin/libwebsockets-test-server", "apt-get install -y libwebsockets-test-server"),
    LWS_TEST_CLIENT("/usr/bin/libwebsockets-test-client", "apt-get install -y libwebsockets-test-server"),
    CURL("curl", "apt-get install -y curl"),
    WRK("wrk", "apt-get install -y wrk"),
    NGINX("/usr/sbin/nginx", "apt-get install -y nginx-light");

    final String description;
    final String install;

    Peer(String description, String install) {
      this.description = description;
      this.install = install;
    }
  }

  static final String PYTHON = "/usr/bin/python3";
  static final String LWS_SERVER = "/usr/bin/libwebsockets-test-server";
  static final String LWS_CLIENT = "/usr/bin/libwebsockets-test-client";
  static final String NGINX_BIN = "/usr/sbin/nginx";

  private static final Map<Peer, String> MISSING = new ConcurrentHashMap<>();
  private static final Map<Peer, Boolean> CHECKED = new ConcurrentHashMap<>();

  private Peers() {}

  /** The repository's {@code interop/} directory, found from the working directory upwards. */
  static Path interopDir() {
    Path dir = Path.of("").toAbsolutePath();
    for (int i = 0; i < 5 && dir != null; i++, dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("interop/README.md"))) {
        return dir.resolve("interop");
      }
    }
    throw new IllegalStateException("no interop/README.md above " + Path.of("").toAbsolutePath());
  }

  /** Makes the test fail (CI) or skip (elsewhere) unless {@code peer} is present. */
  static void require(Peer peer) {
    CHECKED.computeIfAbsent(peer, p -> {
      String why = check(p);
      if (why != null) {
        MISSING.put(p, why);
      }
      return true;
    });
    String why = MISSING.get(peer);
    if (why == null) {
      return;
    }
    String message = "interop peer missing: " + peer.description + " (" + why + "); install: " + peer.install;
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail(message + " [CI=true, so this is a failure]");
    }
    System.err.println();
    System.err.println("!!!!!!!! SKIPPED: " + message);
    System.err.println();
    Assumptions.abort(message);
  }

  /** Null if present, else what is missing. */
  private static String check(Peer peer) {
    return switch (peer) {
      case NODE_WS -> {
        if (!runs(List.of("node", "--version"))) {
          yield "no node on PATH";
        }
        Path ws = interopDir().resolve("node_modules/ws/package.json");
        yield Files.isRegularFile(ws) ? null : ws + " does not exist";
      }
      case PYTHON_WEBSOCKETS -> runs(List.of(PYTHON, "-c", "import websockets.client, websockets.server"))
          ? null : PYTHON + " cannot import websockets";
      case LWS_TEST_SERVER -> Files.isExecutable(Path.of(LWS_SERVER)) ? null : LWS_SERVER + " is not executable";
      case LWS_TEST_CLIENT -> Files.isExecutable(Path.of(LWS_CLIENT)) ? null : LWS_CLIENT + " is not executable";
      case CURL -> runs(List.of("curl", "--version")) ? null : "no curl on PATH";
      case WRK -> runs(List.of("sh", "-c", "command -v wrk")) ? null : "no wrk on PATH";
      case NGINX -> Files.isExecutable(Path.of(NGINX_BIN)) ? null : NGINX_BIN + " is not executable";
    };
  }

  private static boolean runs(List<String> command) {
    Process p = null;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      if (p != null) {
        p.destroyForcibly();
      }
    }
  }
}
