package io.uptimemesh.web.identity;

import io.uptimemesh.core.error.UptimeMeshException;
import java.util.Map;
import java.util.regex.Pattern;

/** Label rules: keys and values short and plain, so they are safe in keys, logs and the UI. */
final class Labels {
  private static final Pattern KEY = Pattern.compile("[a-z0-9]([a-z0-9._/-]{0,61}[a-z0-9])?");
  private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9._:/@ -]{0,63}");

  private Labels() {}

  static void validate(Map<String, String> labels) {
    if (labels.size() > 32) {
      throw UptimeMeshException.invalid("at most 32 labels, not " + labels.size());
    }
    labels.forEach(
        (k, v) -> {
          if (!KEY.matcher(k).matches()) {
            throw UptimeMeshException.invalid(
                "label key '" + k + "' is not allowed: lower-case letters, digits, . _ / -");
          }
          if (v == null || !VALUE.matcher(v).matches()) {
            throw UptimeMeshException.invalid(
                "label "
                    + k
                    + " has a value that is not allowed: up to 63 of A-Z a-z 0-9 . _ : / @ - and space");
          }
        });
  }
}
