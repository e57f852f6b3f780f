package io.uptimemesh.web.identity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The path switches between two accepted statuses of one node: a peer whose active WireGuard path
 * went from primary to secondary is a {@code path_failover}, back a {@code path_failback}. Read
 * from the {@code wireguard.paths} list of the agent's heartbeat summary.
 *
 * <p>A switch counts only if the agent's own counter for it moved (and is not zero): an agent that
 * restarts starts again on the primary with its counters at zero, which is not a failback, and a
 * peer absent from the previous status (a new peer, or no previous status at all) has nothing to
 * switch from.
 */
final class PathEvents {
  static final String FAILOVER = "path_failover";
  static final String FAILBACK = "path_failback";

  /** One switch: {@code name} is {@link #FAILOVER} or {@link #FAILBACK}. */
  record Switch(String name, String peer, String from, String to, String at) {}

  private PathEvents() {}

  /** The switches from {@code before} (null: none known) to {@code after}. */
  static List<Switch> between(Map<String, Object> before, Map<String, Object> after) {
    List<Switch> out = new ArrayList<>();
    if (before == null || after == null) {
      return out;
    }
    Map<String, Map<?, ?>> old = byPeer(before);
    byPeer(after)
        .forEach(
            (peer, now) -> {
              Map<?, ?> was = old.get(peer);
              if (was == null) {
                return;
              }
              Object from = was.get("active");
              Object to = now.get("active");
              if (Objects.equals(from, to)) {
                return;
              }
              String counter;
              String name;
              if ("primary".equals(from) && "secondary".equals(to)) {
                counter = "failovers";
                name = FAILOVER;
              } else if ("secondary".equals(from) && "primary".equals(to)) {
                counter = "failbacks";
                name = FAILBACK;
              } else {
                return;
              }
              long count = number(now.get(counter));
              if (count == 0 || count == number(was.get(counter))) {
                return; // the agent restarted: its counters began again
              }
              Object at = now.get("last_switch");
              out.add(
                  new Switch(
                      name, peer, (String) from, (String) to, at == null ? null : at.toString()));
            });
    return out;
  }

  private static Map<String, Map<?, ?>> byPeer(Map<String, Object> status) {
    Map<String, Map<?, ?>> out = new LinkedHashMap<>();
    if (status.get("wireguard") instanceof Map<?, ?> wg && wg.get("paths") instanceof List<?> l) {
      for (Object o : l) {
        if (o instanceof Map<?, ?> m && m.get("peer") instanceof String peer) {
          out.put(peer, m);
        }
      }
    }
    return out;
  }

  private static long number(Object o) {
    return o instanceof Number n ? n.longValue() : 0;
  }
}
