package io.uptimemesh.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code etcd_health} section of {@code config.yaml}: how the health monitor grades etcd as ok,
 * degraded, stale or down.
 *
 * @param probeInterval how often etcd is probed
 * @param degradedLatency a probe slower than this grades degraded
 * @param staleAfter no good probe for this long grades stale; longer than probeInterval
 * @param downAfter no good probe for this long grades down; longer than staleAfter
 */
public record EtcdHealthConfig(
    Duration probeInterval, Duration degradedLatency, Duration staleAfter, Duration downAfter) {
  public EtcdHealthConfig {
    Objects.requireNonNull(probeInterval, "probeInterval");
    Objects.requireNonNull(degradedLatency, "degradedLatency");
    Objects.requireNonNull(staleAfter, "staleAfter");
    Objects.requireNonNull(downAfter, "downAfter");
  }
}
