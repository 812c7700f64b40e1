package dev.idmint.protocol;

/**
 * An ID as a request carries it, any JSON number or string: for a number, its exact JSON text (so
 * that it goes back out unchanged); for a string, its value.
 */
public record IdValue(String text, boolean number) {
  public static IdValue number(String jsonText) {
    return new IdValue(jsonText, true);
  }

  public static IdValue string(String value) {
    return new IdValue(value, false);
  }
}
