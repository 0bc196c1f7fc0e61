package io.loopwire;

import java.time.Duration;

/** Argument checks shared by the config records. */
final class Checks {

  private Checks() {}

  static <T> T notNull(String name, T value) {
    if (value == null) {
      throw new ConfigException(name + " must not be null");
    }
    return value;
  }

  static Duration notNegative(String name, Duration value) {
    notNull(name, value);
    if (value.isNegative()) {
      throw new ConfigException(name + " must not be negative, got " + value + " (use Duration.ZERO for off)");
    }
    return value;
  }

  static int port(String name, int port) {
    if (port < 0 || port > 65535) {
      throw new ConfigException(name + " " + port + " is outside 0..65535 (0 picks a free port)");
    }
    return port;
  }
}
