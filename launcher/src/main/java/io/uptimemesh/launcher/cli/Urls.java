package io.uptimemesh.launcher.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Path segments and query values as the user typed them, encoded for a URL. */
final class Urls {
  private Urls() {}

  static String segment(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String query(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  /**
   * A query string of filters, {@code ?a=1&b=2}, from name/value pairs; null values are left out,
   * and with none left it is empty.
   */
  static String filters(String... namesAndValues) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
      if (namesAndValues[i + 1] != null) {
        out.add(namesAndValues[i] + "=" + query(namesAndValues[i + 1]));
      }
    }
    return out.isEmpty() ? "" : "?" + String.join("&", out);
  }
}
