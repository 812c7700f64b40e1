package dev.idmint.cli.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** idmint test's command line, as a Maelstrom user would type it. */
@Timeout(120)
class CliIT {
  @TempDir Path store;

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "-w broadcast                                  | only -w unique-ids",
        "--concurrency lots                            | --concurrency",
        "--nemesis partition,hammer                    | unknown fault 'hammer'",
        "--nemesis pause                               | the pause fault stops HTTP instances",
        "--http --nemesis registry                     | it needs --registry etcd",
        "--registry etcd                               | it needs --http",
        "--http --registry zookeeper                   | --registry must be etcd",
        "--http --worker-ids 0-2                       | --worker-ids is the range",
        "--http --registry etcd --worker-ids 3-1       | --worker-ids must be LO-HI",
        "--http --registry etcd --worker-ids 0-1024    | --worker-ids must be LO-HI",
        "--http --registry etcd --registry-ttl-ms 1500 | --registry-ttl-ms must be whole seconds",
        "--http --registry-ttl-ms 2000                 | needs --registry etcd",
        "--availability 1.5                            | --availability",
        "--rate fast                                   | --rate",
        "--bin ./no-such-node                          | no such file",
        "--latency-dist normal                         | --latency-dist",
        "--node-count 0                                | --node-count",
        "--availability 3/2                            | --availability",
        "--topology ring                               | --topology must be one of grid",
        "--test-count 0                                | --test-count",
        "--username root                               | Jepsen's SSH flags",
        "--ssh-private-key /root/.ssh/id_rsa           | no host to log in to",
        "--no-ssh                                      | Jepsen's SSH flags",
        "--nodes n1,n2,n3                              | use --node-count",
        "-nn1                                          | -n is Jepsen's list of hosts",
        "-n=n1                                         | -n is Jepsen's list of hosts",
        "--frobnicate                                  | unknown option '--frobnicate'",
        "stray                                         | unexpected argument 'stray'",
      })
  void badArguments_exit254_withAClearMessage(String args, String expected) throws Exception {
    HarnessRun r = HarnessRun.run(store, args.trim().split("\\s+"));
    assertEquals(254, r.exit, r.toString());
    assertTrue(r.stderr.contains(expected), r.toString());
    assertTrue(r.stderr.contains("idmint test --help"), "says where to look");
    assertTrue(r.stdout.isEmpty(), r.stdout);
    assertTrue(!Files.exists(store.resolve("latest")), "no run was started");
  }

  @Test
  void optionForTheNode_mustFollowDoubleDash_andTheMessageSaysSo() throws Exception {
    HarnessRun r = HarnessRun.run(store, "--bin", HarnessRun.fixture("good.py"), "--gossip");
    assertEquals(254, r.exit);
    assertTrue(r.stderr.contains("--bin CMD -- --gossip"), r.stderr);
  }

  @Test
  void maelstromCommandLine_isAccepted_asIs() throws Exception {
    // The Gossip Glomers line, with Maelstrom's logging flag, shortened to keep the test quick.
    HarnessRun r =
        HarnessRun.run(
            store,
            "-w",
            "unique-ids",
            "--bin",
            HarnessRun.fixture("good.py"),
            "--time-limit",
            "2",
            "--rate",
            "100",
            "--node-count",
            "3",
            "--availability",
            "total",
            "--nemesis",
            "partition",
            "--concurrency",
            "2n",
            "--log-stderr");
    assertEquals(0, r.exit, r.toString());
    assertEquals(6L, r.count("test", "concurrency"));
    assertEquals(List.of("n0", "n1", "n2"), r.result("test", "node_ids"));
  }

  @Test
  void help_listsTheFlags() throws Exception {
    HarnessRun r = HarnessRun.run(store, "--help");
    assertEquals(0, r.exit);
    for (String flag :
        new String[] {
          "--bin",
          "--node-count",
          "--time-limit",
          "--rate",
          "--concurrency",
          "--latency",
          "--latency-dist",
          "--nemesis",
          "--nemesis-interval",
          "--availability",
          "--seed",
          "--store",
          "--test-count",
          "--log-stderr",
          "--log-net-send",
          "--log-net-recv",
          "--topology",
          "--registry",
          "--worker-ids",
          "--registry-ttl-ms"
        }) {
      assertTrue(r.stdout.contains(flag), flag);
    }
  }
}
