package dev.idmint.harness.report;

import dev.idmint.harness.text.Text;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * HTML and SVG written element by element. Text and attribute values are escaped as they are added,
 * so nothing a node printed can become markup; the only text not escaped is our own CSS and markup
 * built by another {@code Markup}.
 */
public final class Markup {
  /** HTML's void elements that a page here uses. */
  private static final Set<String> VOID = Set.of("meta", "br");

  private final StringBuilder out;
  private final Deque<String> open = new ArrayDeque<>();

  /** Whether the last start tag is still open for attributes. */
  private boolean inTag;

  Markup(int capacity) {
    this.out = new StringBuilder(capacity);
  }

  /** Opens element {@code name}; attributes may follow until anything else is added. */
  Markup open(String name) {
    endTag();
    out.append('<').append(name);
    open.push(name);
    inTag = true;
    return this;
  }

  Markup attr(String name, String value) {
    if (!inTag) {
      throw new IllegalStateException("attribute " + name + " outside a start tag");
    }
    out.append(' ').append(name).append("=\"");
    escape(value);
    out.append('"');
    return this;
  }

  Markup attr(String name, long value) {
    return attr(name, Long.toString(value));
  }

  /** A coordinate or length, to a tenth. */
  Markup attr(String name, double value) {
    return attr(name, Text.fixed(value, 1));
  }

  Markup text(String s) {
    endTag();
    escape(s);
    return this;
  }

  /**
   * Closes the innermost open element: {@code <x/>} if nothing was added to it and it may be
   * written so (in SVG, or an HTML void element); HTML would read {@code <i/>} as {@code <i>}.
   */
  Markup close() {
    String name = open.pop();
    if (inTag && (open.contains("svg") || VOID.contains(name))) {
      out.append("/>");
    } else {
      endTag();
      out.append("</").append(name).append('>');
    }
    inTag = false;
    return this;
  }

  /** An element with only text in it: {@code <name>text</name>}. */
  Markup element(String name, String text) {
    return open(name).text(text).close();
  }

  /** A line break in the source, for people reading it. */
  Markup newline() {
    endTag();
    out.append('\n');
    return this;
  }

  /** Our own style sheet, as a style element's content, which HTML takes as it is. */
  Markup style(String css) {
    if (css.indexOf('<') >= 0 || css.indexOf('&') >= 0) {
      throw new IllegalArgumentException("a style sheet with < or & would need escaping");
    }
    open("style");
    endTag();
    out.append(css);
    return close();
  }

  /** Markup built elsewhere with this class, so already escaped. */
  Markup embed(Markup other) {
    endTag();
    if (!other.open.isEmpty()) {
      throw new IllegalStateException("embedding unclosed " + other.open.peek());
    }
    out.append(other.out);
    return this;
  }

  /** A doctype or similar declaration: ours, never anyone else's text. */
  Markup declaration(String decl) {
    endTag();
    out.append("<!").append(decl).append(">\n");
    return this;
  }

  @Override
  public String toString() {
    if (!open.isEmpty()) {
      throw new IllegalStateException("unclosed " + open.peek());
    }
    return out.toString();
  }

  private void endTag() {
    if (inTag) {
      out.append('>');
      inTag = false;
    }
  }

  private void escape(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        default -> out.append(c);
      }
    }
  }
}
