package io.uptimemesh.agent.status;

import io.uptimemesh.core.mesh.DesiredState;
import io.uptimemesh.core.mesh.MeshPlanner;
import io.uptimemesh.wireguard.WgInterfaceState;
import io.uptimemesh.wireguard.WgPeerState;
import io.uptimemesh.wireguard.failover.FailoverState;
import io.uptimemesh.wireguard.failover.PathHealth;
import io.uptimemesh.wireguard.mesh.MeshObservation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The per-peer {@code paths} list of the heartbeat summary: which path each peer uses, each path's
 * state and handshake. Every value is <em>stable</em>: it changes only when something actually
 * changes (a path going down, a handshake going stale, a switch), never with the mere passing of
 * time, because the server writes a node's status document only when it differs from the last one
 * (DESIGN.md §9: steady-state etcd writes near zero). So no ages and no probe counters here: a
 * handshake is {@code fresh}, {@code stale} with the (fixed) time of the latest handshake, or
 * {@code none}; a path is {@code up}, {@code down} (failed the failover threshold in a row) or
 * {@code unknown} (no probe result yet). The browser computes ages itself.
 */
final class PeerPaths {
  /**
   * WireGuard's session limit (REJECT_AFTER_TIME): a handshake older than this means the session is
   * gone. Keepalives renew it every two minutes on a healthy link.
   */
  static final Duration FRESH = Duration.ofSeconds(180);

  private PeerPaths() {}

  /** One entry per peer, in peer id order; never a key of any kind. */
  static List<Object> of(
      Map<String, FailoverState> failover,
      int failoverThreshold,
      Optional<DesiredState> desired,
      Optional<MeshObservation> observation,
      Instant now) {
    List<Object> out = new ArrayList<>();
    new TreeMap<>(failover)
        .forEach(
            (peer, s) -> {
              Map<String, Object> p = new LinkedHashMap<>();
              p.put("peer", peer);
              p.put("active", s.active().name().toLowerCase());
              p.put(
                  "primary",
                  path(
                      s.primary(),
                      failoverThreshold,
                      handshake(
                          peer,
                          observation.flatMap(MeshObservation::primary),
                          desired.map(DesiredState::primaryPeers).orElse(List.of()),
                          now)));
              p.put(
                  "secondary",
                  path(
                      s.secondary(),
                      failoverThreshold,
                      handshake(
                          peer,
                          observation.flatMap(MeshObservation::secondary),
                          desired.map(DesiredState::secondaryPeers).orElse(List.of()),
                          now)));
              p.put("failovers", s.failovers());
              p.put("failbacks", s.failbacks());
              p.put("last_switch", s.lastSwitchAt().map(Instant::toString).orElse(null));
              out.add(p);
            });
    return out;
  }

  private static Map<String, Object> path(
      PathHealth health, int threshold, Map<String, Object> handshake) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("state", health.unknown() ? "unknown" : health.down(threshold) ? "down" : "up");
    out.putAll(handshake);
    return out;
  }

  /** {@code handshake}: fresh, stale (+ {@code handshake_at}), none, or unknown (not observed). */
  static Map<String, Object> handshake(
      String peer,
      Optional<WgInterfaceState> iface,
      List<MeshPlanner.Peer> desiredPeers,
      Instant now) {
    Map<String, Object> out = new LinkedHashMap<>();
    Optional<String> key =
        desiredPeers.stream()
            .filter(d -> d.nodeId().equals(peer))
            .map(MeshPlanner.Peer::publicKey)
            .findFirst();
    Optional<WgPeerState> state =
        key.flatMap(
            k ->
                iface.flatMap(
                    i ->
                        i.peers().stream()
                            .filter(p -> p.publicKey().base64().equals(k))
                            .findFirst()));
    if (state.isEmpty()) {
      out.put("handshake", "unknown");
      return out;
    }
    Optional<Instant> latest = state.get().latestHandshake();
    if (latest.isEmpty()) {
      out.put("handshake", "none");
    } else if (Duration.between(latest.get(), now).compareTo(FRESH) < 0) {
      out.put("handshake", "fresh");
    } else {
      out.put("handshake", "stale");
      out.put("handshake_at", latest.get().toString());
    }
    return out;
  }
}
