package dev.idmint.harness.maelstrom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.idmint.harness.config.Config;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrafficTest {
  @TempDir Path dir;

  private static byte[] message(long id, String src, String dest, String body) {
    return ("{\"id\":"
            + id
            + ",\"src\":\""
            + src
            + "\",\"dest\":\""
            + dest
            + "\",\"body\":"
            + body
            + "}")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void flows_keepTheLoadsFirstThousand_andLearnTheFateOfLateDeliveries() {
    Traffic t = Traffic.none();
    byte[] init = message(1, "c0", "n0", "{\"type\":\"init\",\"msg_id\":1}");
    t.sent(1, "c0", "n0", "init", init, init.length, 5);
    t.loadStarted(10);
    for (long id = 2; id <= 1500; id++) {
      byte[] m = message(id, "n0", "n1", "{\"type\":\"gossip\",\"n\":" + id + "}");
      if (t.on()) {
        t.sent(id, "n0", "n1", "gossip", m, m.length, 10 + id);
      }
    }
    byte[] second = message(3, "n0", "n1", "{\"type\":\"gossip\",\"n\":3}");
    t.delivered(3, second, second.length, 5000); // delayed: arrives after the diagram filled up
    t.dropped(4, "loss", second, second.length, 14);
    List<Traffic.Flow> flows = t.flows();
    assertEquals(Traffic.FLOW_LIMIT, flows.size(), "init is left out, and no more than 1000");
    assertEquals(2, flows.get(0).id());
    assertEquals("gossip {\"n\":2}", flows.get(0).label());
    assertNull(flows.get(0).fate(), "never delivered");
    assertEquals("recv", flows.get(1).fate());
    assertEquals(5000, flows.get(1).doneAt());
    assertEquals("loss", flows.get(2).fate());
  }

  @Test
  void journal_writesSendsDeliveriesAndDrops_timedFromTheLoadsStart() throws Exception {
    Path file = dir.resolve("net.jsonl");
    Traffic t = new Traffic(new Config.Logging(false, true, true), file);
    byte[] init = message(1, "c0", "n0", "{\"type\":\"init\",\"msg_id\":1}");
    t.sent(1, "c0", "n0", "init", init, init.length, 100);
    t.delivered(1, init, init.length, 100);
    t.loadStarted(1000);
    byte[] g = message(2, "n0", "n1", "{\"type\":\"gossip\"}");
    t.sent(2, "n0", "n1", "gossip", g, g.length, 1500);
    t.dropped(2, "partition", g, g.length, 2500);
    t.close();
    assertEquals(
        List.of(
            "{\"time\":-900,\"type\":\"send\",\"message\":"
                + new String(init, StandardCharsets.UTF_8)
                + "}",
            "{\"time\":-900,\"type\":\"recv\",\"message\":"
                + new String(init, StandardCharsets.UTF_8)
                + "}",
            "{\"time\":500,\"type\":\"send\",\"message\":"
                + new String(g, StandardCharsets.UTF_8)
                + "}",
            "{\"time\":1500,\"type\":\"drop\",\"cause\":\"partition\",\"message\":"
                + new String(g, StandardCharsets.UTF_8)
                + "}"),
        Files.readAllLines(file));
  }
}
