package io.loopwire.protocol.uri;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads the text vectors under vectors/uri/: one case a line, # comments, backslash-x and backslash-u escapes. */
final class UriVectors {

  private UriVectors() {}

  static List<String> lines(String name) {
    try (InputStream in = UriVectors.class.getResourceAsStream("/vectors/uri/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing vector file vectors/uri/" + name);
      }
      List<String> out = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1)) {
        if (!line.isBlank() && !line.startsWith("#")) {
          out.add(line);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String unescape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && s.startsWith("x", i + 1) && i + 3 < s.length()) {
        sb.append((char) Integer.parseInt(s.substring(i + 2, i + 4), 16));
        i += 3;
      } else if (c == '\\' && s.startsWith("u", i + 1) && i + 5 < s.length()) {
        sb.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
        i += 5;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
