package dev.idmint.harness.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MarkupTest {
  @Test
  void textAndAttributes_areEscapedAsTheyAreAdded() {
    Markup m = new Markup(64);
    m.open("p").attr("title", "a\"<b>&").text("1 < 2 & \"3\" > 0").close();
    assertEquals(
        "<p title=\"a&quot;&lt;b&gt;&amp;\">1 &lt; 2 &amp; &quot;3&quot; &gt; 0</p>", m.toString());
  }

  @Test
  void emptyElements_closeAsHtmlReadsThem_selfClosedOnlyInSvgOrWhenVoid() {
    Markup m = new Markup(64);
    m.open("i").close().open("meta").close().open("svg").open("rect").close().close();
    assertEquals("<i></i><meta/><svg><rect/></svg>", m.toString());
  }

  @Test
  void aStyleSheet_thatCouldCloseItsElement_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Markup(8).style("a{}</style><b>"));
  }

  @Test
  void anUnclosedElement_isABug_notAPage() {
    Markup m = new Markup(8).open("p");
    assertThrows(IllegalStateException.class, m::toString);
  }
}
