package io.uptimemesh.web.identity;

import io.uptimemesh.core.error.UptimeMeshException;
import java.net.URI;
import java.net.URISyntaxException;

/** Checks URLs that nodes announce about themselves. */
final class Urls {
  private Urls() {}

  /** Accepts null or blank; otherwise an absolute http(s) URL with a host and a port. */
  static void validateOptional(String field, String value) {
    if (value == null || value.isBlank()) {
      return;
    }
    try {
      URI uri = new URI(value);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null
          || uri.getPort() < 1) {
        throw UptimeMeshException.invalid(
            field + " must be an http(s) URL with host and port, like http://10.0.0.5:8010");
      }
    } catch (URISyntaxException e) {
      throw UptimeMeshException.invalid(field + " is not a URL: " + e.getReason());
    }
  }
}
