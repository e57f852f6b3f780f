package io.uptimemesh.web;

import io.uptimemesh.core.etcd.EtcdHealthState;
import io.uptimemesh.core.events.EventCategory;
import io.uptimemesh.core.events.EventLevel;
import io.uptimemesh.core.events.Events;
import io.uptimemesh.etcd.EtcdHealth;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Records when this core node's {@link WriteGuard} starts and stops refusing writes. While it
 * refuses, etcd is stale or down for this node, so nothing can be written then: the transition is
 * remembered and both events are written once etcd accepts writes again, {@code
 * write_guard_engaged} stamped with when it happened (it sorts at that time) and {@code
 * write_guard_released} with how long writes were refused and the worst grade seen. If the process
 * stops while refusing, the pair is lost; the log of that node still has the transition.
 *
 * <p>The first grade after start is not a transition (the guard refuses until the first probe).
 * Listens to the health monitor, on its context.
 */
public final class WriteGuardEvents implements Consumer<EtcdHealth> {
  private final Events events;
  private final String coreNode;
  private final Clock clock;
  private boolean accepted;
  private Instant refusingSince;
  private EtcdHealthState firstRefusal;
  private EtcdHealthState worst;

  /**
   * @param coreNode names this core node in the events (its host name)
   */
  public WriteGuardEvents(Events events, String coreNode, Clock clock) {
    this.events = events;
    this.coreNode = coreNode;
    this.clock = clock;
  }

  @Override
  public void accept(EtcdHealth health) {
    EtcdHealthState state = health.state();
    if (state.acceptsWrites()) {
      if (refusingSince != null) {
        recordPair(state);
      }
      accepted = true;
      return;
    }
    if (!accepted) {
      return; // still starting
    }
    if (refusingSince == null) {
      refusingSince = health.stateSince() == null ? clock.instant() : health.stateSince();
      firstRefusal = state;
      worst = state;
    } else if (state == EtcdHealthState.DOWN) {
      worst = state;
    }
  }

  private void recordPair(EtcdHealthState now) {
    long since = refusingSince.toEpochMilli();
    long refusedMs = Math.max(0, clock.millis() - since);
    events.recordAt(
        since,
        EventCategory.ETCD,
        "write_guard_engaged",
        EventLevel.WARNING,
        Events.SYSTEM,
        Map.of("core_node", coreNode, "etcd_status", firstRefusal.wireName()));
    events.record(
        EventCategory.ETCD,
        "write_guard_released",
        EventLevel.INFO,
        Events.SYSTEM,
        Map.of(
            "core_node",
            coreNode,
            "etcd_status",
            now.wireName(),
            "worst_status",
            worst.wireName(),
            "refused_ms",
            Long.toString(refusedMs)));
    refusingSince = null;
  }
}
