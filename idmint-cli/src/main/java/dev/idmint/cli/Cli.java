package dev.idmint.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code idmint} command and its subcommands. */
@Command(
    name = "idmint",
    mixinStandardHelpOptions = true,
    versionProvider = Cli.Version.class,
    description = {
      "Coordination-free unique IDs.",
      "With no arguments, idmint is a Maelstrom unique-ids node on stdin/stdout."
    },
    subcommands = {NodeCommand.class, ServeCommand.class, TestCommand.class, InspectCommand.class})
final class Cli implements Callable<Integer> {
  /** Exit code for bad arguments, as Maelstrom uses it. */
  static final int BAD_ARGUMENTS = 254;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cmd = new CommandLine(new Cli()).setOut(out).setErr(err);
    cmd.setParameterExceptionHandler(
        (ex, a) -> {
          CommandLine c = ex.getCommandLine();
          c.getErr().println("idmint: " + ex.getMessage());
          c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help'.");
          return BAD_ARGUMENTS;
        });
    return cmd.execute(args);
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Cli.class.getPackage().getImplementationVersion();
      return new String[] {"idmint " + (v == null ? "(development build)" : v)};
    }
  }
}
