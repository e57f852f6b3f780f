package io.uptimemesh.etcd;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.uptimemesh.core.etcd.EtcdHealthState;
import io.uptimemesh.etcd.managed.ManagedEtcd;
import java.util.Optional;

/**
 * Publishes the etcd layer's state as {@code uptimemesh_etcd_*} gauges. Gauges read the current
 * immutable snapshots, so a scrape never waits on etcd.
 */
public final class EtcdMetrics {
  private EtcdMetrics() {}

  /** Registers the gauges; {@code managed} is empty when the server uses an external cluster. */
  public static void bind(
      MeterRegistry registry,
      EtcdHealthMonitor monitor,
      WatchCache cache,
      Optional<ManagedEtcd> managed) {
    for (EtcdHealthState state : EtcdHealthState.values()) {
      Gauge.builder(
              "uptimemesh.etcd.health.state", monitor, m -> m.current().state() == state ? 1 : 0)
          .description("1 for the etcd health state this core node currently grades, else 0")
          .tag("state", state.wireName())
          .register(registry);
    }
    Gauge.builder("uptimemesh.etcd.reachable", monitor, m -> m.current().reachable() ? 1 : 0)
        .description("1 if the latest quorum probe answered")
        .register(registry);
    Gauge.builder("uptimemesh.etcd.revision", monitor, m -> m.current().revision())
        .description("etcd revision seen by the latest good probe")
        .register(registry);
    Gauge.builder(
            "uptimemesh.etcd.probe.latency.seconds",
            monitor,
            m -> m.current().lastLatency().toNanos() / 1e9)
        .description("duration of the latest good quorum probe")
        .register(registry);
    Gauge.builder("uptimemesh.etcd.endpoints.healthy", monitor, m -> m.current().healthyEndpoints())
        .description("etcd endpoints whose /health answered healthy in the latest round")
        .register(registry);
    Gauge.builder("uptimemesh.etcd.endpoints", monitor, m -> m.current().endpoints().size())
        .description("etcd endpoints configured")
        .register(registry);
    Gauge.builder("uptimemesh.etcd.watch.cache.synced", cache, c -> c.synced() ? 1 : 0)
        .description("1 while the watch cache follows etcd")
        .register(registry);
    Gauge.builder("uptimemesh.etcd.watch.cache.revision", cache, c -> c.snapshot().revision())
        .description("etcd revision the watch cache reflects")
        .register(registry);
    Gauge.builder("uptimemesh.etcd.watch.cache.keys", cache, c -> c.snapshot().size())
        .description("keys held by the watch cache")
        .register(registry);
    Gauge.builder("uptimemesh.etcd.managed", () -> managed.isPresent() ? 1 : 0)
        .description("1 if this server runs its own etcd member")
        .register(registry);
    managed.ifPresent(
        m -> {
          Gauge.builder("uptimemesh.etcd.managed.up", m, e -> e.pid().isPresent() ? 1 : 0)
              .description("1 while the managed etcd process is running")
              .register(registry);
          Gauge.builder("uptimemesh.etcd.managed.restarts", m, ManagedEtcd::restarts)
              .description("restarts of the managed etcd after crashes since the server started")
              .register(registry);
        });
  }
}
