package io.uptimemesh.web.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PathEventsTest {
  @Test
  void aSwitchToTheSecondaryIsAFailoverAndBackAFailback() {
    Map<String, Object> primary = status(path("n2", "primary", 0, 0, null));
    Map<String, Object> secondary = status(path("n2", "secondary", 1, 0, "2026-11-22T12:00:00Z"));
    Map<String, Object> back = status(path("n2", "primary", 1, 1, "2026-11-22T12:05:00Z"));

    assertThat(PathEvents.between(primary, secondary))
        .containsExactly(
            new PathEvents.Switch(
                "path_failover", "n2", "primary", "secondary", "2026-11-22T12:00:00Z"));
    assertThat(PathEvents.between(secondary, back))
        .containsExactly(
            new PathEvents.Switch(
                "path_failback", "n2", "secondary", "primary", "2026-11-22T12:05:00Z"));
    assertThat(PathEvents.between(secondary, secondary)).isEmpty();
  }

  @Test
  void anAgentRestartOrAFirstStatusInventsNoSwitch() {
    Map<String, Object> secondary = status(path("n2", "secondary", 3, 2, "2026-11-22T12:00:00Z"));
    // Restarted: back on the primary with its counters at zero.
    Map<String, Object> restarted = status(path("n2", "primary", 0, 0, null));

    assertThat(PathEvents.between(secondary, restarted)).isEmpty();
    assertThat(PathEvents.between(null, secondary)).isEmpty();
    assertThat(PathEvents.between(Map.of("wireguard", Map.of("peers", 0)), secondary)).isEmpty();
    // Restarted, then failed over at once: a real failover although the counter went down.
    Map<String, Object> primaryBefore = status(path("n2", "primary", 5, 5, null));
    assertThat(PathEvents.between(primaryBefore, status(path("n2", "secondary", 1, 0, "t"))))
        .extracting(PathEvents.Switch::name)
        .containsExactly("path_failover");
  }

  @Test
  void onlyThePeerThatSwitchedIsNamed() {
    Map<String, Object> before =
        status(path("n2", "primary", 0, 0, null), path("n3", "primary", 0, 0, null));
    Map<String, Object> after =
        status(path("n2", "primary", 0, 0, null), path("n3", "secondary", 1, 0, "t"));
    assertThat(PathEvents.between(before, after))
        .extracting(PathEvents.Switch::peer)
        .containsExactly("n3");
  }

  private static Map<String, Object> status(Map<String, Object>... paths) {
    return Map.of("wireguard", Map.of("paths", List.of(paths)));
  }

  private static Map<String, Object> path(
      String peer, String active, long failovers, long failbacks, String lastSwitch) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("peer", peer);
    out.put("active", active);
    out.put("primary", Map.of("state", "up", "handshake", "fresh"));
    out.put("secondary", Map.of("state", "up", "handshake", "fresh"));
    // Decoded JSON gives Integers for small numbers: the diff must not care.
    out.put("failovers", (int) failovers);
    out.put("failbacks", failbacks);
    out.put("last_switch", lastSwitch);
    return out;
  }
}
