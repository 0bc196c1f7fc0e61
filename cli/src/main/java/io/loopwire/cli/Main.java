package io.loopwire.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./loopwire}: the command-line entry point. */
@Command(name = "loopwire", mixinStandardHelpOptions = true, version = "loopwire 0.1.0-SNAPSHOT",
    description = "WebSocket and HTTP/1.1 on any event loop.",
    subcommands = {ServeCommand.class, ClientCommand.class, BenchCommand.class, AutobahnCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns the exit code (for tests). */
  public static int run(String... args) {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(Main::badArgument).execute(args);
  }

  /**
   * A setting the user got wrong (an unknown loop, a bad address or file) is said in one line that names
   * what to fix, with exit code 2; anything else is a bug and keeps its stack trace.
   */
  private static int badArgument(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) throws Exception {
    if (!(e instanceof IllegalArgumentException)) {
      throw e;
    }
    cmd.getErr().println(cmd.getCommandName().equals("loopwire") ? "loopwire: " + e.getMessage()
        : "loopwire " + cmd.getCommandName() + ": " + e.getMessage());
    return 2;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
