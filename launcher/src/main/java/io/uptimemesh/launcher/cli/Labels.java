package io.uptimemesh.launcher.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code --label k=v} options into a map. */
final class Labels {
  private Labels() {}

  static Map<String, String> parse(List<String> pairs) {
    Map<String, String> out = new LinkedHashMap<>();
    if (pairs == null) {
      return out;
    }
    for (String p : pairs) {
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new CliException("--label " + p + " is not key=value");
      }
      out.put(p.substring(0, eq), p.substring(eq + 1));
    }
    return out;
  }
}
