package io.uptimemesh.core.events;

import java.util.Arrays;
import java.util.Locale;

/** How much an event matters to an operator. */
public enum EventLevel {
  INFO,
  WARNING,
  ERROR;

  /** The lower-case name used in JSON and storage, e.g. {@code warning}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** True if {@code s} is the wire name of a level. */
  public static boolean isKnown(String s) {
    return Arrays.stream(values()).anyMatch(l -> l.wireName().equals(s));
  }
}
