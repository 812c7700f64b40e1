package dev.idmint.cli;

import java.io.PrintWriter;
import java.util.List;
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
    })
final class Cli implements Callable<Integer> {
  /** Exit code for bad arguments, as Maelstrom uses it. */
  static final int BAD_ARGUMENTS = 254;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The subcommands, in the order help lists them. */
  private static final List<String> SUBCOMMANDS = List.of("node", "serve", "test", "inspect");

  /**
   * The command line for {@code args}: with only the subcommand they name, or all of them. picocli
   * reflects over every option of every command it is given; building the three that will not run
   * cost {@code idmint serve} about 50 ms of start-up.
   */
  static CommandLine commandLine(String... args) {
    CommandLine cmd = new CommandLine(new Cli());
    String first = args.length > 0 ? args[0] : "";
    for (String name : SUBCOMMANDS) {
      if (name.equals(first) || !SUBCOMMANDS.contains(first)) {
        cmd.addSubcommand(
            switch (name) {
              case "node" -> new NodeCommand();
              case "serve" -> new ServeCommand();
              case "test" -> new TestCommand();
              default -> new InspectCommand();
            });
      }
    }
    return cmd;
  }

  static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cmd = commandLine(args).setOut(out).setErr(err);
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
