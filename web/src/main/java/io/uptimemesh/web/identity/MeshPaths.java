package io.uptimemesh.web.identity;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * The mesh as the Network page draws it: the nodes with their state, and every link as reported by
 * the node at each end (a link between two nodes appears twice, once per end, because each end has
 * its own view: its active path, its probes, its handshakes). Read from each node's last accepted
 * status ({@code wireguard.paths}), so it costs no etcd request.
 */
final class MeshPaths {
  /** A node and its last reported status (null before its first report). */
  record Node(
      String nodeId, String name, String meshIp, String state, Map<String, Object> status) {}

  private MeshPaths() {}

  static JsonObject json(List<Node> nodes) {
    JsonArray nodesOut = new JsonArray();
    JsonArray links = new JsonArray();
    for (Node n : nodes) {
      nodesOut.add(
          new JsonObject()
              .put("node_id", n.nodeId())
              .put("name", n.name())
              .put("mesh_ip", n.meshIp())
              .put("state", n.state())
              .put("reported", paths(n) != null));
      List<?> paths = paths(n);
      if (paths == null) {
        continue;
      }
      for (Object o : paths) {
        if (!(o instanceof Map<?, ?> p) || !(p.get("peer") instanceof String peer)) {
          continue;
        }
        links.add(
            new JsonObject()
                .put("from", n.nodeId())
                .put("to", peer)
                .put("active", p.get("active"))
                .put("primary", side(p.get("primary")))
                .put("secondary", side(p.get("secondary")))
                .put("failovers", p.get("failovers"))
                .put("failbacks", p.get("failbacks"))
                .put("last_switch", p.get("last_switch")));
      }
    }
    return new JsonObject().put("nodes", nodesOut).put("links", links);
  }

  /** A path's state and handshake: only these known fields are passed on. */
  private static JsonObject side(Object o) {
    JsonObject out = new JsonObject();
    if (o instanceof Map<?, ?> m) {
      out.put("state", m.get("state") == null ? "unknown" : String.valueOf(m.get("state")));
      out.put(
          "handshake", m.get("handshake") == null ? "unknown" : String.valueOf(m.get("handshake")));
      if (m.get("handshake_at") != null) {
        out.put("handshake_at", String.valueOf(m.get("handshake_at")));
      }
    } else {
      out.put("state", "unknown").put("handshake", "unknown");
    }
    return out;
  }

  private static List<?> paths(Node n) {
    if (n.status() != null
        && n.status().get("wireguard") instanceof Map<?, ?> wg
        && wg.get("paths") instanceof List<?> l) {
      return l;
    }
    return null;
  }
}
