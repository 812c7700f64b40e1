package dev.idmint.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {
  private static final JsonFactory JACKSON = new JsonFactory();

  @Test
  void quote_escapesQuotesBackslashesAndControls() {
    // DEL needs no escape in JSON, and the library's escaper writes it as it is.
    assertEquals("\"a\\\"b\\\\c\\n\\u0001\u007f\"", quote("a\"b\\c\n\u0001\u007f"));
  }

  @Test
  void quote_loneSurrogate_isEscapedExactly_asTheLibraryWritesIt() {
    assertEquals("\"x\\ud800y\"", quote("x\ud800y"));
    assertEquals("\"\ud83d\ude00\"", quote("\ud83d\ude00"));
  }

  @ParameterizedTest
  @ValueSource(longs = {7, 8, 9})
  void quote_anyString_isValidJsonThatReadsBackTheSame(long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < 5_000; i++) {
      StringBuilder sb = new StringBuilder();
      int n = random.nextInt(12);
      for (int k = 0; k < n; k++) {
        sb.append((char) (random.nextBoolean() ? random.nextInt(128) : random.nextInt(0x10000)));
      }
      String s = sb.toString();
      byte[] json = quote(s).getBytes(StandardCharsets.UTF_8);
      try (JsonParser p = JACKSON.createParser(json)) {
        assertEquals(JsonToken.VALUE_STRING, p.nextToken());
        assertEquals(s, p.getText());
      }
    }
  }

  @Test
  void clip_longInput_isCutTo64Characters() {
    assertEquals(64, Json.clip("x".repeat(100)).length());
    assertEquals("short", Json.clip("short"));
  }

  private static String quote(String s) {
    return new Json().string(s).text();
  }
}
