package io.uptimemesh.web.workload;

import io.uptimemesh.core.discovery.EndpointHealthRecord;
import io.uptimemesh.core.discovery.EndpointState;
import io.uptimemesh.core.identity.NodeRecord;
import io.uptimemesh.core.workload.ReplicaRecord;
import io.uptimemesh.etcd.CacheSnapshot;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.KeyLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The health of a replica: the health of its discovery endpoints ({@code <replica id>-<port name>},
 * ADR 0014) under the one rule of ADR 0013, read from one watch-cache snapshot. The replica
 * listing, the scheduler and the rollout all judge a replica by this.
 *
 * @param endpoints one per host port, in port-name order
 * @param health {@code none} (no ports), {@code unhealthy} (one is), {@code healthy} (all are),
 *     else {@code unknown}
 */
public record ReplicaHealth(List<Endpoint> endpoints, String health) {
  public static final String NONE = "none";

  /** One endpoint of the replica: its id, port name, state and why. */
  public record Endpoint(String id, String portName, EndpointState.Health state, String reason) {}

  public boolean healthy() {
    return EndpointState.Health.HEALTHY.text().equals(health);
  }

  public boolean unhealthy() {
    return EndpointState.Health.UNHEALTHY.text().equals(health);
  }

  public static ReplicaHealth of(CacheSnapshot snapshot, EtcdStore store, ReplicaRecord r) {
    KeyLayout keys = store.layout();
    Optional<NodeRecord> node =
        snapshot.get(keys.node(r.nodeId())).map(e -> store.decode(e, NodeRecord.class).value());
    boolean alive = snapshot.get(keys.alive(r.nodeId())).map(e -> e.lease() != 0).orElse(false);
    List<Endpoint> endpoints = new ArrayList<>();
    int healthy = 0;
    int unhealthy = 0;
    for (String portName : r.hostPorts().keySet()) {
      String id = r.id() + "-" + portName;
      Optional<CacheSnapshot.Entry> entry = snapshot.get(keys.endpoint(id));
      if (entry.isEmpty()) {
        endpoints.add(new Endpoint(id, portName, EndpointState.Health.UNKNOWN, "no endpoint"));
        continue;
      }
      EndpointHealthRecord report =
          snapshot
              .get(keys.endpointHealth(id))
              .map(e -> store.decode(e, EndpointHealthRecord.class).value())
              .orElse(null);
      EndpointState state =
          EndpointState.of(
              node.isPresent(),
              node.map(NodeRecord::revoked).orElse(false),
              alive,
              entry.get().createRevision(),
              report);
      healthy += state.published() ? 1 : 0;
      unhealthy += state.health() == EndpointState.Health.UNHEALTHY ? 1 : 0;
      endpoints.add(new Endpoint(id, portName, state.health(), state.reason()));
    }
    String health =
        endpoints.isEmpty()
            ? NONE
            : unhealthy > 0
                ? EndpointState.Health.UNHEALTHY.text()
                : healthy == endpoints.size()
                    ? EndpointState.Health.HEALTHY.text()
                    : EndpointState.Health.UNKNOWN.text();
    return new ReplicaHealth(List.copyOf(endpoints), health);
  }
}
