package io.uptimemesh.web.identity;

import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.identity.LabelRules;
import java.util.Map;

/**
 * Label checks for tokens and joins ({@link LabelRules}): keys short and plain; values free
 * printable text, escaped wherever they are shown.
 */
final class Labels {
  private Labels() {}

  static void validate(Map<String, String> labels) {
    if (labels.size() > 32) {
      throw UptimeMeshException.invalid("at most 32 labels, not " + labels.size());
    }
    labels.forEach(
        (k, v) -> {
          if (!LabelRules.isKey(k)) {
            throw UptimeMeshException.invalid(
                "label key '"
                    + k
                    + "' is not allowed: up to 63 of lower-case letters, digits, . _ / -,"
                    + " starting and ending with a letter or digit");
          }
          LabelRules.valueProblem(v)
              .ifPresent(
                  problem -> {
                    throw UptimeMeshException.invalid("label " + k + " value: " + problem);
                  });
        });
  }
}
