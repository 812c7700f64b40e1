package dev.idmint.serve;

/** The service's endpoints, as they appear in the {@code route} label of the metrics. */
enum Route {
  IDS("/v1/ids"),
  DECODE("/v1/ids/{id}"),
  INFO("/v1/info"),
  HEALTHZ("/healthz"),
  READYZ("/readyz"),
  METRICS("/metrics"),
  /** Unknown paths and requests that are not HTTP. */
  OTHER("other");

  final String label;

  Route(String label) {
    this.label = label;
  }
}
