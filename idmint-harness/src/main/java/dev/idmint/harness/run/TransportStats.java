package dev.idmint.harness.run;

import java.util.List;
import java.util.Map;

/** What the transport saw, as the checkers and the report read it. */
public interface TransportStats {
  List<Violation> violations();

  long violationCount();

  /** Adds the transport's sections to results.json, in place of Maelstrom's {@code net}. */
  void addResults(Map<String, Object> results, int attempted);

  /** The transport's lines of the summary, after the nemesis line. */
  List<String> summary();

  /** What broke in the transport itself (e.g. the balancer died), or null. */
  default String failure() {
    return null;
  }
}
