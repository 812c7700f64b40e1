/**
 * {@code idmint test}: runs unique-ids nodes or HTTP ID services as real processes under faults and
 * checks every acknowledged ID. The command line reaches it through the facade ({@code
 * dev.idmint.harness}) and the settings ({@code dev.idmint.harness.config}); the rest is inside.
 */
module dev.idmint.harness {
  requires com.fasterxml.jackson.core;
  requires java.net.http;

  exports dev.idmint.harness;
  exports dev.idmint.harness.config;
}
