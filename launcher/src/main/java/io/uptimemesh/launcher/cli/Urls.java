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
}
