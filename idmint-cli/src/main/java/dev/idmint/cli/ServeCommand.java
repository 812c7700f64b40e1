package dev.idmint.cli;

import dev.idmint.id.Scheme;
import dev.idmint.serve.ServeConfig;
import dev.idmint.serve.Server;
import dev.idmint.serve.Signals;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code idmint serve}: the ID service over HTTP. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Serve IDs over HTTP/1.1: GET or POST /v1/ids[?count=N][&format=number][&after=ID], GET"
          + " /v1/ids/{id}, /v1/info, /healthz, /readyz, /metrics.",
      "Run a fleet with one worker id per instance, given (--worker-id) or leased from etcd"
          + " (--registry); no coordinator is needed.",
      "Each flag overrides the environment variable named with it.",
      "Exit status: 0 after SIGTERM or SIGINT (after the shutdown delay, requests in flight"
          + " finish, at most 5 s, then the leased worker is released), 254 for bad settings, state"
          + " that is unusable, or a worker (node) that another process holds."
    })
final class ServeCommand implements Callable<Integer> {
  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "Port to listen on; 0 picks a free one (IDMINT_PORT; default 8080).")
  Integer port;

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      description = "Address to listen on; 0.0.0.0 for all (IDMINT_BIND; default 127.0.0.1).")
  String bind;

  @Option(
      names = "--scheme",
      paramLabel = "snowflake|counter|hlc",
      converter = NodeCommand.SchemeConverter.class,
      description = "ID scheme (IDMINT_SCHEME; default snowflake).")
  Scheme scheme;

  @Option(
      names = "--worker-id",
      paramLabel = "0..1023",
      description = "This instance's worker id, unique in the fleet (IDMINT_WORKER_ID).")
  Integer workerId;

  @Option(
      names = "--worker-id-from-hostname",
      paramLabel = "NAME",
      description =
          "Take the worker id from a host name whose first label is exactly NAME-<ordinal>, as"
              + " Kubernetes names the pods of StatefulSet NAME (IDMINT_WORKER_ID_FROM_HOSTNAME)."
              + " Anything else stops it at start-up.")
  String workerIdFromHostname;

  @Option(
      names = "--node",
      paramLabel = "NAME",
      description =
          "Counter IDs read <NAME>-<n>, HLC IDs <pt>_<lc>_<NAME>; also names a counter's or HLC's"
              + " state file, <NAME>.state (a snowflake's is w<worker>.state) (IDMINT_NODE; default"
              + " w<worker>).")
  String node;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description =
          "Keep durable state in DIR, so that a restart never reissues an ID (IDMINT_STATE_DIR).")
  Path stateDir;

  @Option(
      names = "--registry",
      paramLabel = "etcd://HOST:PORT[,HOST:PORT...]",
      description =
          "Lease the worker from etcd: a free one in --worker-ids, or exactly --worker-id, its time"
              + " kept in etcd so that no later holder reissues an ID (IDMINT_REGISTRY). Snowflake"
              + " only, without --state-dir. The service listens at once; /readyz is 503 until it"
              + " holds a worker.")
  String registry;

  @Option(
      names = "--fleet",
      paramLabel = "NAME",
      description =
          "The registry's fleet: its workers are keys under /idmint/NAME/ (IDMINT_FLEET; default"
              + " default).")
  String fleet;

  @Option(
      names = "--instance",
      paramLabel = "NAME",
      description =
          "This instance's name in the registry: it gets its last worker back when that one is"
              + " free (IDMINT_INSTANCE; default the host name).")
  String instance;

  @Option(
      names = "--worker-ids",
      paramLabel = "LO-HI",
      description = "The workers the registry chooses from (IDMINT_WORKER_IDS; default 0-1023).")
  String workerIds;

  @Option(
      names = "--registry-ttl-ms",
      paramLabel = "MS",
      description =
          "How long a worker stays held after its holder stops renewing (dies, or is cut off from"
              + " etcd); whole seconds from 2000 (IDMINT_REGISTRY_TTL_MS; default 10000).")
  Long registryTtlMillis;

  @Option(
      names = "--max-lead-ms",
      paramLabel = "MS",
      description =
          "How far ahead of the wall clock demand may run snowflake and HLC IDs, 1 to 86400000;"
              + " past it a request waits for the clock (at most 50 ms) or gets 503, and a restart"
              + " without --state-dir starts this far ahead; also how far ahead an after= ID may be"
              + " (IDMINT_MAX_LEAD_MS; default 10000).")
  Long maxLeadMillis;

  @Option(
      names = "--max-count",
      paramLabel = "N",
      description = "The largest count one request may ask for (IDMINT_MAX_COUNT; default 10000).")
  Integer maxCount;

  @Option(
      names = "--max-connections",
      paramLabel = "N",
      description =
          "Close connections beyond this many at once (IDMINT_MAX_CONNECTIONS; default 4096).")
  Integer maxConnections;

  @Option(
      names = "--shutdown-delay-ms",
      paramLabel = "MS",
      description =
          "On SIGTERM, answer /readyz with 503 and go on serving for this long before the drain,"
              + " so that load balancers stop sending first (IDMINT_SHUTDOWN_DELAY_MS; default 0).")
  Long shutdownDelayMillis;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    ServeConfig config;
    try {
      config =
          ServeConfig.resolve(
              new ServeConfig.Flags(
                  port,
                  bind,
                  scheme,
                  workerId,
                  workerIdFromHostname,
                  node,
                  stateDir,
                  maxLeadMillis,
                  maxCount,
                  maxConnections,
                  shutdownDelayMillis),
              new ServeConfig.RegistryFlags(
                  registry, fleet, instance, workerIds, registryTtlMillis),
              System.getenv(),
              ServeCommand::hostname);
    } catch (IllegalArgumentException e) {
      err.println("idmint serve: " + e.getMessage());
      return Cli.BAD_ARGUMENTS;
    }
    if (config.workerSource() == null
        && config.scheme() == Scheme.SNOWFLAKE
        && config.registry() == null) {
      err.println(
          "idmint serve: no worker id given, so this is worker 0; a fleet needs one worker id per"
              + " instance (--worker-id N or --worker-id-from-hostname=NAME)");
    }
    CountDownLatch stop = new CountDownLatch(1);
    Signals.onTerminate(stop::countDown);
    Server server;
    try {
      server = Server.start(config, err::println);
    } catch (Server.StartException e) {
      err.println("idmint serve: " + e.getMessage());
      return Cli.BAD_ARGUMENTS;
    }
    err.println(server.describe());
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long delay = config.limits().shutdownDelay().toMillis();
    if (delay > 0) {
      err.println(
          "idmint serve: stopping: /readyz answers 503; serving on for the shutdown delay ("
              + delay
              + " ms), then draining");
    }
    int cut = server.drain();
    server.close();
    err.println(
        "idmint serve: stopped"
            + (cut == 0 ? "" : "; " + cut + " connection(s) were cut after the drain timeout"));
    return 0;
  }

  /** The host name: Kubernetes sets HOSTNAME to the pod's name; else the kernel's. */
  static String hostname() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII)
          .trim();
    } catch (IOException | RuntimeException e) {
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (IOException ex) {
        return "";
      }
    }
  }
}
