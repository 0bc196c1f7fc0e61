package io.loopwire.cli.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A peer run as a child process: its stdout read line by line on a daemon thread, its stderr in a
 * temporary file (or merged into stdout), every wait bounded, and the process always destroyed by
 * {@link #close()} (closing its stdin first, which our peer scripts take as the signal to exit).
 */
final class PeerProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("LISTENING (\\d+)");
  private static final int TAIL_LINES = 300;

  private final String name;
  private final Process process;
  private final Path stderrFile;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final ArrayDeque<String> tail = new ArrayDeque<>();
  private final Thread reader;
  private volatile boolean eof;
  private volatile Duration stdinGrace = Duration.ofSeconds(2);

  private PeerProcess(String name, Process process, Path stderrFile, Predicate<String> keep) {
    this.name = name;
    this.process = process;
    this.stderrFile = stderrFile;
    this.reader = new Thread(() -> read(keep), "peer-stdout-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code command} in {@code dir}, stderr to a temporary file; every stdout line is queued. */
  static PeerProcess start(String name, Path dir, List<String> command) {
    return start(name, dir, command, false, line -> true);
  }

  /**
   * Starts {@code command} in {@code dir}. With {@code mergeStderr} stderr joins stdout (for peers that
   * log to stderr); only stdout lines that pass {@code keep} are queued for {@link #awaitLine}.
   */
  static PeerProcess start(String name, Path dir, List<String> command, boolean mergeStderr, Predicate<String> keep) {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    Path err = null;
    try {
      if (mergeStderr) {
        pb.redirectErrorStream(true);
      } else {
        err = Files.createTempFile("loopwire-peer-" + name + "-", ".stderr");
        pb.redirectError(err.toFile());
      }
      return new PeerProcess(name, pb.start(), err, keep);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command, e);
    }
  }

  private void read(Predicate<String> keep) {
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        synchronized (tail) {
          if (tail.size() == TAIL_LINES) {
            tail.removeFirst();
          }
          tail.addLast(line);
        }
        if (keep.test(line)) {
          lines.add(line);
        }
      }
    } catch (IOException e) {
      // the process went away; what was read is in the tail
    } finally {
      eof = true;
    }
  }

  /** For peers that ignore stdin: how long {@link #close()} waits after closing it (default 2 s). */
  PeerProcess withStdinGrace(Duration grace) {
    this.stdinGrace = grace;
    return this;
  }

  long pid() {
    return process.pid();
  }

  /** Waits for a {@code LISTENING <port>} line and returns the port. */
  int awaitListening(Duration timeout) throws InterruptedException {
    Matcher m = LISTENING.matcher(awaitLine(l -> LISTENING.matcher(l).matches(), timeout, "LISTENING <port>"));
    if (!m.matches()) {
      throw new AssertionError("unreachable");
    }
    return Integer.parseInt(m.group(1));
  }

  /**
   * Returns the next queued line that matches, dropping the ones before it; fails the test with the
   * peer's output if none comes within {@code timeout}.
   */
  String awaitLine(Predicate<String> match, Duration timeout, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String line = lines.poll(Math.max(0, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200))), TimeUnit.NANOSECONDS);
      if (line != null) {
        if (match.test(line)) {
          return line;
        }
        continue;
      }
      if (eof && lines.isEmpty()) {
        throw new AssertionError(name + " ended (exit " + exitValueOrRunning() + ") before printing " + what
            + "\n" + describe());
      }
      if (left <= 0) {
        throw new AssertionError(name + " printed no " + what + " within " + timeout.toMillis() + " ms\n" + describe());
      }
    }
  }

  /** Lines queued so far and not yet taken, without waiting. */
  List<String> drainLines() {
    List<String> out = new ArrayList<>();
    lines.drainTo(out);
    return out;
  }

  /** Waits for the process to exit and returns its exit code; fails the test on timeout. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " did not exit within " + timeout.toMillis() + " ms\n" + describe());
    }
    reader.join(5_000);
    return process.exitValue();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The last lines of stdout and of stderr, for failure messages. */
  String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append("---- ").append(name).append(" stdout (last ").append(TAIL_LINES).append(" lines) ----\n");
    synchronized (tail) {
      for (String l : tail) {
        sb.append(l).append('\n');
      }
    }
    if (stderrFile != null) {
      sb.append("---- ").append(name).append(" stderr ----\n");
      try {
        List<String> err = Files.readAllLines(stderrFile, StandardCharsets.UTF_8);
        for (String l : err.subList(Math.max(0, err.size() - TAIL_LINES), err.size())) {
          sb.append(l).append('\n');
        }
      } catch (IOException | UncheckedIOException e) {
        sb.append("(unreadable: ").append(e).append(")\n");
      }
    }
    return sb.toString();
  }

  private String exitValueOrRunning() {
    return process.isAlive() ? "running" : Integer.toString(process.exitValue());
  }

  /**
   * Closes stdin and gives the process {@code stdinGrace} to exit by itself (our peer scripts do on
   * EOF), then SIGTERM and a second, then destroys it and its children forcibly.
   */
  @Override
  public void close() {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // already gone
    }
    try {
      if (!process.waitFor(stdinGrace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroy();
        process.waitFor(1, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (stderrFile != null) {
      try {
        Files.deleteIfExists(stderrFile);
      } catch (IOException e) {
        // a temp file left behind is harmless
      }
    }
  }
}
