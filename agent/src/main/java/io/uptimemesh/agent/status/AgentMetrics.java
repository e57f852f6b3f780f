package io.uptimemesh.agent.status;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.uptimemesh.wireguard.failover.MeshPath;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The agent's Prometheus metrics: path failovers and failbacks, time to detect a failed path and
 * time to switch (decision to routes changed) as histograms, probe round-trip time per path, and
 * each peer's active path (0 primary, 1 secondary).
 */
public final class AgentMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter failovers;
  private final Counter failbacks;
  private final Timer timeToDetect;
  private final Timer timeToSwitch;
  private final Timer rttPrimary;
  private final Timer rttSecondary;
  private final Counter probesLost;
  private final Map<String, AtomicInteger> activePath = new ConcurrentHashMap<>();
  private final Counter zoneRenders;
  private final Counter reloadsOk;
  private final Counter reloadsFailed;
  private final Counter becameHealthy;
  private final Counter becameUnhealthy;

  public AgentMetrics() {
    failovers =
        Counter.builder("uptimemesh_agent_path_failovers")
            .description("Switches away from a failed path")
            .register(registry);
    failbacks =
        Counter.builder("uptimemesh_agent_path_failbacks")
            .description("Switches back to a stable primary path")
            .register(registry);
    timeToDetect =
        Timer.builder("uptimemesh_agent_path_time_to_detect")
            .description("First failed probe to the failover decision")
            .publishPercentileHistogram()
            .register(registry);
    timeToSwitch =
        Timer.builder("uptimemesh_agent_path_time_to_switch")
            .description("Failover decision to routes changed")
            .publishPercentileHistogram()
            .register(registry);
    rttPrimary = rtt("primary");
    rttSecondary = rtt("secondary");
    probesLost =
        Counter.builder("uptimemesh_agent_probes_lost")
            .description("Path probes without an echo in time")
            .register(registry);
    zoneRenders =
        Counter.builder("uptimemesh_agent_discovery_zone_renders")
            .description("Discovery zone files written with a new serial")
            .register(registry);
    reloadsOk = reloads("ok");
    reloadsFailed = reloads("failed");
    becameHealthy = transitions("healthy");
    becameUnhealthy = transitions("unhealthy");
  }

  private Counter reloads(String result) {
    return Counter.builder("uptimemesh_agent_discovery_reloads")
        .description("Runs of the discovery reload command")
        .tag("result", result)
        .register(registry);
  }

  private Counter transitions(String to) {
    return Counter.builder("uptimemesh_agent_endpoint_health_transitions")
        .description("Endpoint health verdicts (the first one and each change)")
        .tag("to", to)
        .register(registry);
  }

  public void zoneRendered() {
    zoneRenders.increment();
  }

  public void zoneReloaded(boolean ok) {
    (ok ? reloadsOk : reloadsFailed).increment();
  }

  public void endpointVerdict(boolean healthy) {
    (healthy ? becameHealthy : becameUnhealthy).increment();
  }

  private Timer rtt(String path) {
    return Timer.builder("uptimemesh_agent_probe_rtt")
        .description("Round-trip time of path probes")
        .tag("path", path)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry);
  }

  public void failover(Duration detect) {
    failovers.increment();
    timeToDetect.record(detect);
  }

  public void failback() {
    failbacks.increment();
  }

  public void switched(Duration decisionToApplied) {
    timeToSwitch.record(decisionToApplied);
  }

  public void probe(MeshPath path, Duration rtt) {
    (path == MeshPath.PRIMARY ? rttPrimary : rttSecondary).record(rtt);
  }

  public void probeLost() {
    probesLost.increment();
  }

  /** Records {@code peer}'s active path. */
  public void activePath(String peer, MeshPath path) {
    activePath
        .computeIfAbsent(
            peer,
            p -> {
              AtomicInteger value = new AtomicInteger();
              Gauge.builder("uptimemesh_agent_peer_active_path", value, AtomicInteger::get)
                  .description("Active path per peer: 0 primary, 1 secondary")
                  .tag("peer", p)
                  .register(registry);
              return value;
            })
        .set(path == MeshPath.PRIMARY ? 0 : 1);
  }

  public long failovers() {
    return (long) failovers.count();
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }
}
