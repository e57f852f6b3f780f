package io.uptimemesh.core.events;

import java.util.Map;

/**
 * Records cluster events. Services get one of these and never see where events go (etcd, through
 * the event log, on a core node). Recording never fails and never waits: it is fire and forget, and
 * a failure to store an event is logged, not passed to the caller, so the operation that records it
 * is never held up or failed by the event log.
 *
 * <p>Never put a secret in {@code fields}; see {@link EventRecord}.
 */
public interface Events {
  /** Records something that happened now. */
  void record(
      EventCategory category,
      String name,
      EventLevel level,
      String actor,
      Map<String, String> fields);

  /** Records something that happened at {@code timeMs}, earlier (noticed or written late). */
  void recordAt(
      long timeMs,
      EventCategory category,
      String name,
      EventLevel level,
      String actor,
      Map<String, String> fields);

  default void info(EventCategory category, String name, String actor, Map<String, String> fields) {
    record(category, name, EventLevel.INFO, actor, fields);
  }

  default void warning(
      EventCategory category, String name, String actor, Map<String, String> fields) {
    record(category, name, EventLevel.WARNING, actor, fields);
  }

  /** Records nothing: for tools and tests that do not keep an event log. */
  Events NONE =
      new Events() {
        @Override
        public void record(
            EventCategory c, String n, EventLevel l, String a, Map<String, String> f) {}

        @Override
        public void recordAt(
            long t, EventCategory c, String n, EventLevel l, String a, Map<String, String> f) {}
      };

  /** The actor for an operator: {@code user:<name>}. */
  static String user(String username) {
    return "user:" + (username == null || username.isBlank() ? "unknown" : username);
  }

  /** The actor for a node acting with its own identity: {@code node:<id>}. */
  static String node(String nodeId) {
    return "node:" + nodeId;
  }

  /** The actor for the control plane itself. */
  String SYSTEM = "system";
}
