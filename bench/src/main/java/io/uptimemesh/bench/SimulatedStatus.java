package io.uptimemesh.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The status a simulated node reports in its heartbeats: the agent's {@code wireguard} summary
 * (StatusReport.heartbeatSummary, with PeerPaths' per-peer {@code paths}) for {@code peers}
 * neighbours in id order, so the console's listings carry what a real cluster's would. Values are
 * stable, like the agent's: sending the same status again writes nothing.
 */
final class SimulatedStatus {
  private SimulatedStatus() {}

  /**
   * Node {@code index} of {@code nodes} with its next {@code peers} nodes (wrapping) as peers, all
   * on the primary path; with {@code failedOver}, its first peer on the secondary after one
   * failover at {@code switchedAt} (the server records a {@code path_failover} for it).
   */
  static Map<String, Object> of(
      int index, int nodes, int peers, boolean failedOver, Instant switchedAt) {
    List<Object> paths = new ArrayList<>();
    List<String> onSecondary = new ArrayList<>();
    int count = Math.min(peers, nodes - 1);
    for (int k = 1; k <= count; k++) {
      String peer = "sim-" + ((index + k) % nodes);
      boolean switched = failedOver && k == 1;
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("peer", peer);
      p.put("active", switched ? "secondary" : "primary");
      p.put("primary", switched ? down(switchedAt) : up());
      p.put("secondary", up());
      p.put("failovers", switched ? 1 : 0);
      p.put("failbacks", 0);
      p.put("last_switch", switched ? switchedAt.toString() : null);
      paths.add(p);
      if (switched) {
        onSecondary.add(peer);
      }
    }
    Map<String, Object> wg = new LinkedHashMap<>();
    wg.put("peers", count);
    wg.put("peers_on_primary", count - onSecondary.size());
    wg.put("peers_on_secondary", onSecondary.size());
    wg.put("secondary_peers", onSecondary);
    wg.put("failovers", onSecondary.size());
    wg.put("failbacks", 0);
    wg.put("degraded", false);
    wg.put("desired_revision_applied", 42);
    wg.put("key_generation", 1);
    wg.put("paths", paths);
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("wireguard", wg);
    return status;
  }

  private static Map<String, Object> up() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("state", "up");
    out.put("handshake", "fresh");
    return out;
  }

  private static Map<String, Object> down(Instant lastHandshake) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("state", "down");
    out.put("handshake", "stale");
    out.put("handshake_at", lastHandshake.minusSeconds(200).toString());
    return out;
  }
}
