package io.uptimemesh.core.events;

import io.uptimemesh.core.error.UptimeMeshException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What part of the cluster an event is about; filters in the API, the CLI and the UI use it. */
public enum EventCategory {
  /** A node joined, was revoked, renewed its certificate. */
  NODE,
  /** A join token was created, used or revoked. */
  TOKEN,
  /** Operator logins. */
  AUTH,
  /** The cluster as a whole: bootstrap, leader changes. */
  CLUSTER,
  /** etcd as seen by a core node: the write guard engaging and releasing. */
  ETCD,
  /** etcd snapshots taken and restored. */
  SNAPSHOT,
  /** Services and endpoints created and deleted, endpoint health transitions. */
  DISCOVERY,
  /** Workload specs applied and rolled back, nodes cordoned, uncordoned and drained. */
  WORKLOADS;

  /** The lower-case name used in JSON, storage and the CLI, e.g. {@code node}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Reads a category name, ignoring case and surrounding whitespace.
   *
   * @param parameter the parameter or field named in the error
   * @throws UptimeMeshException (invalid) naming {@code parameter} and the allowed values
   */
  public static EventCategory parse(String parameter, String s) {
    if (s != null) {
      for (EventCategory c : values()) {
        if (c.wireName().equalsIgnoreCase(s.strip())) {
          return c;
        }
      }
    }
    throw UptimeMeshException.invalid(
        parameter
            + ": unknown event category; allowed values: "
            + Arrays.stream(values())
                .map(EventCategory::wireName)
                .collect(Collectors.joining(", ")));
  }

  /** True if {@code s} is the wire name of a category. */
  public static boolean isKnown(String s) {
    return Arrays.stream(values()).anyMatch(c -> c.wireName().equals(s));
  }
}
