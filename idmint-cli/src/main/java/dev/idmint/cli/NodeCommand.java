package dev.idmint.cli;

import dev.idmint.id.Scheme;
import dev.idmint.node.NodeConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code idmint node}: the node, with flags that override the {@code IDMINT_*} variables. */
@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    description = {
      "Run the Maelstrom unique-ids node on stdin/stdout (the same as no arguments).",
      "Each flag overrides the environment variable named with it."
    })
final class NodeCommand implements Callable<Integer> {
  @Option(
      names = "--scheme",
      paramLabel = "counter|snowflake|hlc",
      converter = SchemeConverter.class,
      description = "ID scheme (IDMINT_SCHEME; default counter).")
  Scheme scheme;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description = "Keep durable state in DIR so restarts never reissue an ID (IDMINT_STATE_DIR).")
  Path stateDir;

  @Option(
      names = "--worker-id",
      paramLabel = "0..1023",
      description = "Snowflake worker number (IDMINT_WORKER_ID; default derived from node ids).")
  Integer workerId;

  @Option(
      names = "--max-lead-ms",
      paramLabel = "MS",
      description =
          "Warn when snowflake or HLC IDs lead the wall clock by more (IDMINT_MAX_LEAD_MS;"
              + " default 10000).")
  Long maxLeadMillis;

  @Override
  public Integer call() {
    return Main.runNode(new NodeConfig.Overrides(scheme, stateDir, workerId, maxLeadMillis));
  }

  /** The scheme, or picocli's error that names the flag with what it allows. */
  static final class SchemeConverter implements picocli.CommandLine.ITypeConverter<Scheme> {
    @Override
    public Scheme convert(String value) {
      try {
        return Scheme.parse(value);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
