package io.uptimemesh.launcher.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people type them (30m, 2h, 7d) and times as people read them. */
final class Times {
  private static final Pattern DURATION = Pattern.compile("([1-9][0-9]*)([smhd])");

  private Times() {}

  static Duration parse(String option, String text) {
    Matcher m = DURATION.matcher(text == null ? "" : text.strip());
    if (!m.matches()) {
      throw new CliException(
          option + " " + text + " is not a duration: use e.g. 90s, 30m, 2h or 7d");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  /** "12s ago", "3m ago", or "-" for 0. */
  static String ago(long epochMs) {
    if (epochMs <= 0) {
      return "-";
    }
    long s = Math.max(0, (System.currentTimeMillis() - epochMs) / 1000);
    return s < 120 ? s + "s ago" : s < 7200 ? (s / 60) + "m ago" : (s / 3600) + "h ago";
  }

  static String at(long epochMs) {
    return epochMs <= 0 ? "-" : Instant.ofEpochMilli(epochMs).toString();
  }
}
