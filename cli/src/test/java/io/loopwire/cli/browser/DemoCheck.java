package io.loopwire.cli.browser;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs {@code interop/node/demo-check.js} (playwright-core driving Debian's Chromium) against a URL as a
 * child process, bounded in time, and collects its JSON lines and {@code RESULT} line. Output goes to
 * {@code cli/target/browser/NAME.log}, the screenshot to {@code cli/target/browser/NAME.png}.
 */
final class DemoCheck {

  /** The script's own limit; it prints "RESULT FAIL timeout" when it is reached. */
  static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(90);
  /** Ours, longer, for a script that hangs anyway (or a browser that will not close). */
  static final Duration PROCESS_TIMEOUT = SCRIPT_TIMEOUT.plusSeconds(45);

  private DemoCheck() {}

  /** What one run printed. */
  record Result(int exitCode, List<String> lines, Path log, Path screenshot) {

    String lastLine() {
      return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1);
    }

    boolean ok() {
      return exitCode == 0 && lastLine().equals("RESULT OK");
    }

    /** The whole output, for a failure message. */
    String transcript() {
      return "demo-check.js exit " + exitCode + ", log " + log + ":\n" + String.join("\n", lines);
    }
  }

  /** The repository root: the first directory up from the working directory that has the script. */
  static Path repoRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("interop/node/demo-check.js"))) {
        return d;
      }
    }
    throw new IllegalStateException("no interop/node/demo-check.js in " + dir + " or above");
  }

  static Path outputDir() {
    return repoRoot().resolve("cli/target/browser");
  }

  /**
   * The peers this test drives: {@code node}, {@code interop/node_modules/playwright-core} and
   * Chromium ({@code CHROMIUM}, else {@code /usr/bin/chromium}). Missing ones fail the test when
   * {@code CI=true} (so CI never goes green by skipping) and skip it loudly otherwise: a line on
   * stderr and an aborted test, which Maven counts as skipped.
   */
  static void requirePeers() {
    List<String> missing = new ArrayList<>();
    if (findOnPath("node") == null) {
      missing.add("node on PATH (apt-get install nodejs npm)");
    }
    if (!Files.isDirectory(repoRoot().resolve("interop/node_modules/playwright-core"))) {
      missing.add("interop/node_modules/playwright-core (cd interop && npm ci)");
    }
    String chromium = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
    if (!Files.isExecutable(Path.of(chromium))) {
      missing.add(chromium + " (apt-get install chromium)");
    }
    if (missing.isEmpty()) {
      return;
    }
    String message = "browser test peers missing: " + String.join("; ", missing);
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(message + " (CI=true: .ci/run installs them)");
    }
    System.err.println("SKIPPED " + message);
    Assumptions.abort(message);
  }

  /** The wss run also needs NSS's certutil (Debian: libnss3-tools); missing, as for {@link #requirePeers}. */
  static void requireCertutil() {
    if (findOnPath("certutil") != null) {
      return;
    }
    String message = "browser test peer missing: certutil (apt-get install libnss3-tools)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(message + " (CI=true: .ci/run installs it)");
    }
    System.err.println("SKIPPED " + message);
    Assumptions.abort(message);
  }

  private static Path findOnPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /**
   * Runs the check on {@code url}; {@code name} names the log and the screenshot. Never returns with
   * the process (or the browser it started) still running.
   */
  static Result run(String url, String name, String... extraArgs) throws IOException, InterruptedException {
    Path root = repoRoot();
    Path out = outputDir();
    Files.createDirectories(out);
    Path log = out.resolve(name + ".log");
    Path png = out.resolve(name + ".png");
    Files.deleteIfExists(png);
    List<String> command = new ArrayList<>(List.of("node", "interop/node/demo-check.js", url,
        "--screenshot", png.toString(), "--timeout", Long.toString(SCRIPT_TIMEOUT.toSeconds())));
    command.addAll(List.of(extraArgs));
    ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
    Process process = pb.start();
    try {
      if (!process.waitFor(PROCESS_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        fail("demo-check.js still running after " + PROCESS_TIMEOUT.toSeconds() + " s:\n"
            + String.join("\n", lines));
      }
      return new Result(process.exitValue(), Files.readAllLines(log, StandardCharsets.UTF_8), log, png);
    } finally {
      // Chromium is node's grandchild: take the whole tree, children first.
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
