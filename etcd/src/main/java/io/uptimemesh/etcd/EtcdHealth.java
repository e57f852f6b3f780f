package io.uptimemesh.etcd;

import io.uptimemesh.core.etcd.EtcdHealthState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the health monitor knows about etcd after its latest probe round. Immutable.
 *
 * @param state the grade
 * @param reachable true if the latest quorum probe answered
 * @param revision the cluster revision seen by the latest good probe (0 if none yet)
 * @param endpoints each configured endpoint and whether its /health answered healthy
 * @param lastLatency duration of the latest good quorum probe
 * @param lastGoodProbe when quorum last answered, or null if never
 * @param stateSince when {@code state} was entered
 * @param lastError why the latest probe failed, or null
 */
public record EtcdHealth(
    EtcdHealthState state,
    boolean reachable,
    long revision,
    List<EndpointHealth> endpoints,
    Duration lastLatency,
    Instant lastGoodProbe,
    Instant stateSince,
    String lastError) {

  /** One endpoint's latest answer. */
  public record EndpointHealth(String endpoint, boolean healthy, String error) {}

  public static EtcdHealth initial(List<String> endpoints, Instant now) {
    return new EtcdHealth(
        EtcdHealthState.DOWN,
        false,
        0,
        endpoints.stream().map(e -> new EndpointHealth(e, false, "not probed yet")).toList(),
        Duration.ZERO,
        null,
        now,
        "not probed yet");
  }

  public long healthyEndpoints() {
    return endpoints.stream().filter(EndpointHealth::healthy).count();
  }
}
