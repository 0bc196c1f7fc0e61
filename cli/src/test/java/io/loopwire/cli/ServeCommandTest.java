package io.loopwire.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code serve}'s options that fail before anything starts. */
class ServeCommandTest {

  private static String stderrOf(Runnable r) {
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setErr(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aRootThatIsNotADirectoryIsRefused() {
    int[] code = new int[1];
    String err = stderrOf(() -> code[0] = Main.run("serve", "--port", "0", "--root", "/no/such/dir"));
    assertThat(code[0]).isEqualTo(2);
    assertThat(err).contains("--root /no/such/dir is not a directory");
  }

  @Test
  void aNegativeBodyLimitIsRefused() {
    int[] code = new int[1];
    String err = stderrOf(() -> code[0] = Main.run("serve", "--port", "0", "--max-body-bytes", "-1"));
    assertThat(code[0]).isEqualTo(2);
    assertThat(err).contains("--max-body-bytes must not be negative");
  }

  @Test
  void theHelpNamesTheNewOptions() {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      assertThat(Main.run("serve", "--help")).isZero();
    } finally {
      System.setOut(old);
    }
    assertThat(buf.toString(StandardCharsets.UTF_8)).contains("--root=DIR").contains("--max-body-bytes=N")
        .contains("1048576");
  }
}
