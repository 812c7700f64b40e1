package dev.idmint.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MediaTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "*/*|JSON",
        "application/json|JSON",
        "text/plain|TEXT",
        "TEXT/PLAIN; charset=utf-8|TEXT",
        "text/*|TEXT",
        "text/plain, application/json|JSON", // a tie goes to JSON
        "text/plain, application/json;q=0.5|TEXT",
        "application/json;q=0.4, text/plain;q=0.9|TEXT",
        "text/plain;q=0, */*|JSON",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8|JSON", // a browser
        "application/*|JSON",
        "text/plain;q=0.25, application/json;q=0.125|TEXT",
        "text/plain;Q=1.000|TEXT",
        // A malformed weight anywhere: the whole Accept is ignored, never read as q=1.
        "text/plain;q=oops|JSON",
        "text/plain;q=, application/json;q=0.5|JSON",
        "text/plain;q=1e0, application/json;q=0.5|JSON",
        "text/plain;q=2, application/json;q=0.5|JSON",
        "text/plain;q=0.5x, application/json;q=0.4|JSON",
        "text/plain;q=0.1234, application/json;q=0.1|JSON",
        "text/plain;q=NaN, application/json;q=0.1|JSON",
        "text/plain, application/json;q=-0|JSON",
      })
  void negotiate_prefersWhatAcceptRanksHighest(String accept, Media expected) {
    assertEquals(expected, Media.negotiate(accept));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"text/html", "image/png, text/csv", "application/json;q=0, text/plain;q=0"})
  void negotiate_neitherAcceptable_isNull(String accept) {
    assertNull(Media.negotiate(accept));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "*/*"})
  void negotiate_noPreference_isJson(String accept) {
    assertEquals(Media.JSON, Media.negotiate(accept));
    assertEquals(Media.JSON, Media.negotiate(null));
  }
}
