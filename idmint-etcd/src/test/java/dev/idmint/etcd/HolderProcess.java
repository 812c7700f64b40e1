package dev.idmint.etcd;

import dev.idmint.id.IdFactory;
import dev.idmint.id.IdGenerator;
import dev.idmint.id.IdStateException;
import dev.idmint.id.Scheme;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A holder in a JVM of its own, for the pause test: {@code URL FLEET INSTANCE LO-HI TTL_S
 * CLOCK_OFFSET_MS}. It claims a worker, says {@code worker N}, then answers one line per command on
 * stdin: {@code ids N} ({@code ids a b c ...} or {@code error ...}), {@code state}, {@code quit}.
 */
public final class HolderProcess {
  private HolderProcess() {}

  public static void main(String[] args) throws Exception {
    long offset = Long.parseLong(args[5]);
    EtcdRegistry registry =
        EtcdRegistry.builder(args[0])
            .fleet(args[1])
            .instance(args[2])
            .workerIds(args[3])
            .ttl(Duration.ofSeconds(Long.parseLong(args[4])))
            .build();
    IdGenerator ids =
        IdFactory.builder()
            .scheme(Scheme.SNOWFLAKE)
            .node(args[2])
            .registry(registry)
            .clock(() -> System.currentTimeMillis() + offset)
            .events(e -> {})
            .build();
    System.out.println("worker " + registry.status().worker());
    System.out.flush();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      if (line.startsWith("ids ")) {
        int n = Integer.parseInt(line.substring(4));
        StringBuilder out = new StringBuilder("ids");
        try {
          long[] batch = new long[n];
          ids.nextLongs(batch, 0, n);
          for (long id : batch) {
            out.append(' ').append(id);
          }
        } catch (IdStateException e) {
          out = new StringBuilder("error " + e.getMessage().replace('\n', ' '));
        }
        System.out.println(out);
      } else if (line.equals("state")) {
        System.out.println("state " + registry.status().state());
      } else if (line.equals("quit")) {
        ids.close();
        registry.close();
        System.out.println("bye");
        System.out.flush();
        return;
      }
      System.out.flush();
    }
  }
}
