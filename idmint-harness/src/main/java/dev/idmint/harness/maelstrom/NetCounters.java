package dev.idmint.harness.maelstrom;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/** What the network counts as messages pass, as Maelstrom's net checker counts them. */
final class NetCounters {
  final LongAdder clientSent = new LongAdder();
  final LongAdder clientReceived = new LongAdder();

  /** Messages between nodes and services, which Maelstrom's net checker calls servers. */
  final LongAdder serverSent = new LongAdder();

  final LongAdder serverReceived = new LongAdder();
  final LongAdder droppedByLoss = new LongAdder();
  final LongAdder droppedByPartition = new LongAdder();
  final LongAdder unmatchedReplies = new LongAdder();

  NetStats snapshot(NodeViolations violations, List<ServiceNode.Stats> services) {
    return new NetStats(
        clientSent.sum(),
        clientReceived.sum(),
        serverSent.sum(),
        serverReceived.sum(),
        droppedByLoss.sum(),
        droppedByPartition.sum(),
        unmatchedReplies.sum(),
        violations.list(),
        violations.count(),
        List.copyOf(services));
  }
}
