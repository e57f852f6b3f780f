package io.uptimemesh.core.etcd;

import java.util.Locale;

/**
 * How a core node judges its view of etcd. The write guard accepts writes only in {@link #OK} and
 * {@link #DEGRADED}; reads are served from the watch cache in every state.
 */
public enum EtcdHealthState {
  /** Quorum answers quickly and every endpoint is healthy. */
  OK,
  /** Quorum answers, but slowly or with some endpoints unhealthy. */
  DEGRADED,
  /** No good answer for longer than the stale threshold: the cache may be behind. */
  STALE,
  /** No good answer for longer than the down threshold, or never. */
  DOWN;

  public boolean acceptsWrites() {
    return this == OK || this == DEGRADED;
  }

  /** Lower-case name used in JSON, logs and metric labels. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
