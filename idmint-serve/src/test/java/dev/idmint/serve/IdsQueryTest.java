package dev.idmint.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IdsQueryTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      nullValues = "null",
      value = {
        "null|null|1|false",
        "''|null|1|false",
        "count=3|null|3|false",
        "count=10000|null|10000|false",
        "format=number|null|1|true",
        "format=string&count=2|null|2|false",
        "&&count=5&|null|5|false",
        "count=%35|null|5|false",
        "null|count=4&format=number|4|true",
        "count=2|format=number|2|true",
      })
  void parse_validParameters(String query, String form, int count, boolean numbers) {
    IdsQuery q = IdsQuery.parse(query, form, 10_000);
    assertEquals(count, q.count());
    assertEquals(numbers, q.numbers());
    assertEquals(null, q.after());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      nullValues = "null",
      value = {
        "after=384770574901080064|null|384770574901080064|1",
        "count=3&after=n1-5|null|n1-5|3",
        "null|after=1795803525305_0_n%31&count=2|1795803525305_0_n1|2",
        "after=a%2Bb+c|null|a+b c|1",
      })
  void parse_after_keepsTheIdText(String query, String form, String after, int count) {
    IdsQuery q = IdsQuery.parse(query, form, 10_000);
    assertEquals(after, q.after());
    assertEquals(count, q.count());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      nullValues = "null",
      value = {
        "count=0|null|count must be an integer from 1 to 10000, got '0'",
        "count=10001|null|count must be an integer from 1 to 10000, got '10001'",
        "count=-1|null|got '-1'",
        "count=1.5|null|got '1.5'",
        "count=|null|got ''",
        "count|null|got ''",
        "count=99999999999999999999|null|got '99999999999999999999'",
        "count=+3|null|got ' 3'",
        "count=007|null|got '007'",
        "count=01|null|got '01'",
        "count=00|null|got '00'",
        "format=json|null|format must be string or number, got 'json'",
        "cuont=5|null|unknown parameter 'cuont' (parameters: count=1.., format=string|number,"
            + " after=<id>)",
        "after=|null|after must be an ID, got nothing",
        "after=1|after=2|parameter 'after' is given twice",
        "count=1&count=2|null|parameter 'count' is given twice",
        "count=1|count=2|parameter 'count' is given twice",
        "count=%zz|null|bad percent-encoding",
        "count=%3|null|bad percent-encoding",
      })
  void parse_badParameters_say400AndWhy(String query, String form, String message) {
    ApiException e = assertThrows(ApiException.class, () -> IdsQuery.parse(query, form, 10_000));
    assertEquals(400, e.status.code());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }
}
