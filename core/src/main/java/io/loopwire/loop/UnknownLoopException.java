package io.loopwire.loop;

import java.util.List;

/**
 * No installed {@link LoopProvider} has the requested name. The message lists the available loops and, for
 * a loop that Loopwire knows but that is not on the class path, the Maven artifact that provides it,
 * for example:
 * {@code no loop named "netty-epoll": add the Maven artifact io.loopwire:loopwire-netty to the class path
 * (available loops: [nio])}.
 */
public final class UnknownLoopException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String loopName;
  private final List<String> available;
  private final String artifact;

  UnknownLoopException(String loopName, List<String> available, String artifact) {
    super(message(loopName, available, artifact));
    this.loopName = loopName;
    this.available = List.copyOf(available);
    this.artifact = artifact;
  }

  private static String message(String loopName, List<String> available, String artifact) {
    String head = "no loop named \"" + loopName + "\"";
    if (artifact != null) {
      return head + ": add the Maven artifact " + artifact + " to the class path (available loops: "
          + available + ")";
    }
    return head + "; available loops: " + available;
  }

  /** The name that was asked for. */
  public String loopName() {
    return loopName;
  }

  /** The names of the installed loops. */
  public List<String> available() {
    return available;
  }

  /** The Maven coordinates ({@code groupId:artifactId}) that provide the loop, or {@code null} if unknown. */
  public String artifact() {
    return artifact;
  }
}
