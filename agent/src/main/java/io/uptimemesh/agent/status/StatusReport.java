package io.uptimemesh.agent.status;

import io.uptimemesh.core.mesh.DesiredState;
import io.uptimemesh.core.mesh.MeshPlanner;
import io.uptimemesh.wireguard.WgInterfaceState;
import io.uptimemesh.wireguard.WgPeerState;
import io.uptimemesh.wireguard.failover.FailoverState;
import io.uptimemesh.wireguard.failover.MeshPath;
import io.uptimemesh.wireguard.failover.PathHealth;
import io.uptimemesh.wireguard.mesh.MeshObservation;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code uptimemesh status} shows, as JSON-ready maps (snake_case): who the node is, which
 * core API it uses, degraded since when, last sync, the desired revision applied, per interface its
 * peers' handshake age and transfer, per peer the active path and failover state, and the last
 * error. Pure: the agent gathers the facts, this lays them out. Never contains a private key.
 *
 * @param failoverThreshold failed probes in a row after which a path counts as down
 * @param observation what the system reports, empty if reading it failed ({@code observeError})
 */
public record StatusReport(
    String nodeId,
    String nodeName,
    Optional<DesiredState> desired,
    Optional<URI> coreApi,
    List<URI> coreApis,
    Optional<Instant> degradedSince,
    Optional<Instant> lastSync,
    long appliedRevision,
    long keyGeneration,
    String primaryIface,
    String secondaryIface,
    Optional<MeshObservation> observation,
    Optional<String> observeError,
    Map<String, FailoverState> failover,
    int failoverThreshold,
    Optional<String> lastError,
    Instant now) {

  /** The whole status document. */
  public Map<String, Object> toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("node_id", nodeId);
    out.put("node_name", nodeName);
    out.put("mesh_ip", desired.map(DesiredState::meshIp).orElse(null));
    out.put("mesh_cidr", desired.map(DesiredState::meshCidr).orElse(null));
    out.put("member", desired.map(DesiredState::member).orElse(null));
    out.put("core_api", coreApi.map(URI::toString).orElse(null));
    out.put("core_apis", coreApis.stream().map(URI::toString).toList());
    out.put("degraded", degradedSince.isPresent());
    out.put("degraded_since", degradedSince.map(Instant::toString).orElse(null));
    out.put("last_sync", lastSync.map(Instant::toString).orElse(null));
    out.put("desired_revision", desired.map(DesiredState::revision).orElse(null));
    out.put("desired_revision_applied", appliedRevision < 0 ? null : appliedRevision);
    out.put("wg_key_generation", keyGeneration);
    List<Object> interfaces = new ArrayList<>();
    interfaces.add(
        iface(
            primaryIface,
            "primary",
            observation.flatMap(MeshObservation::primary),
            desired.map(DesiredState::primaryPeers).orElse(List.of())));
    interfaces.add(
        iface(
            secondaryIface,
            "secondary",
            observation.flatMap(MeshObservation::secondary),
            desired.map(DesiredState::secondaryPeers).orElse(List.of())));
    out.put("interfaces", interfaces);
    List<Object> peers = new ArrayList<>();
    failover.forEach((peer, state) -> peers.add(peer(peer, state)));
    out.put("peers", peers);
    out.put("observe_error", observeError.orElse(null));
    out.put("last_error", lastError.orElse(null));
    return out;
  }

  /** The summary that goes in each heartbeat's status, under {@code wireguard}. */
  public Map<String, Object> heartbeatSummary() {
    Map<String, Object> out = new LinkedHashMap<>();
    long onSecondary =
        failover.values().stream().filter(s -> s.active() == MeshPath.SECONDARY).count();
    out.put("peers", failover.size());
    out.put("peers_on_primary", failover.size() - onSecondary);
    out.put("peers_on_secondary", onSecondary);
    out.put(
        "secondary_peers",
        failover.entrySet().stream()
            .filter(e -> e.getValue().active() == MeshPath.SECONDARY)
            .map(Map.Entry::getKey)
            .toList());
    out.put("failovers", failover.values().stream().mapToLong(FailoverState::failovers).sum());
    out.put("failbacks", failover.values().stream().mapToLong(FailoverState::failbacks).sum());
    out.put("degraded", degradedSince.isPresent());
    out.put("desired_revision_applied", appliedRevision);
    out.put("key_generation", keyGeneration);
    out.put("paths", PeerPaths.of(failover, failoverThreshold, desired, observation, now));
    return out;
  }

  private Map<String, Object> iface(
      String name,
      String path,
      Optional<WgInterfaceState> state,
      List<MeshPlanner.Peer> desiredPeers) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", name);
    out.put("path", path);
    out.put("up", state.isPresent());
    state.ifPresent(
        s -> {
          out.put("listen_port", s.listenPort());
          out.put("public_key", s.publicKey().map(Object::toString).orElse(null));
          List<Object> peers = new ArrayList<>();
          for (WgPeerState p : s.peers()) {
            Map<String, Object> peer = new LinkedHashMap<>();
            peer.put(
                "node_id",
                desiredPeers.stream()
                    .filter(d -> d.publicKey().equals(p.publicKey().base64()))
                    .map(MeshPlanner.Peer::nodeId)
                    .findFirst()
                    .orElse(null));
            peer.put("public_key", p.publicKey().base64());
            peer.put("endpoint", p.endpoint().map(Object::toString).orElse(null));
            peer.put(
                "latest_handshake_age_seconds",
                p.latestHandshake().map(h -> Duration.between(h, now).toSeconds()).orElse(null));
            peer.put("rx_bytes", p.rxBytes());
            peer.put("tx_bytes", p.txBytes());
            peers.add(peer);
          }
          out.put("peers", peers);
        });
    return out;
  }

  private static Map<String, Object> peer(String nodeId, FailoverState s) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("node_id", nodeId);
    out.put("active_path", s.active().name().toLowerCase());
    out.put("primary", health(s.primary()));
    out.put("secondary", health(s.secondary()));
    out.put("failovers", s.failovers());
    out.put("failbacks", s.failbacks());
    out.put("last_switch", s.lastSwitchAt().map(Instant::toString).orElse(null));
    out.put("hold_down_until", s.holdDownUntil().map(Instant::toString).orElse(null));
    return out;
  }

  private static Map<String, Object> health(PathHealth h) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("consecutive_successes", h.consecutiveSuccesses());
    out.put("consecutive_failures", h.consecutiveFailures());
    out.put("last_probe", h.lastProbe().map(Instant::toString).orElse(null));
    return out;
  }
}
