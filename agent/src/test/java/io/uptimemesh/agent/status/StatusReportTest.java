package io.uptimemesh.agent.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.agent.stream.States;
import io.uptimemesh.core.json.Json;
import io.uptimemesh.core.mesh.DesiredState;
import io.uptimemesh.wireguard.WgInterfaceState;
import io.uptimemesh.wireguard.WgKeyPair;
import io.uptimemesh.wireguard.WgKeys;
import io.uptimemesh.wireguard.WgPeerState;
import io.uptimemesh.wireguard.WgPublicKey;
import io.uptimemesh.wireguard.failover.FailoverSettings;
import io.uptimemesh.wireguard.failover.FailoverState;
import io.uptimemesh.wireguard.failover.MeshPath;
import io.uptimemesh.wireguard.failover.PathFailover;
import io.uptimemesh.wireguard.mesh.MeshObservation;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class StatusReportTest {
  private final Instant now = Instant.parse("2026-11-22T12:00:00Z");

  @Test
  @SuppressWarnings("unchecked")
  void theStatusNamesEveryFieldTheIssueAsksFor() throws Exception {
    DesiredState desired = States.of(States.member("n1", 1), 42, States.member("n2", 2));
    WgKeyPair own = WgKeys.generate();
    WgPeerState peer =
        new WgPeerState(
            WgPublicKey.parse(desired.primaryPeers().get(0).publicKey()),
            false,
            Optional.empty(),
            new TreeSet<>(),
            Optional.of(now.minusSeconds(17)),
            1000,
            2000,
            0);
    MeshObservation observed =
        new MeshObservation(
            Optional.of(
                new WgInterfaceState(
                    Optional.of(own.privateKey()),
                    Optional.of(own.publicKey()),
                    51820,
                    0,
                    List.of(peer))),
            Optional.empty(),
            List.of());
    PathFailover failover =
        new PathFailover(FailoverSettings.DEFAULTS, Clock.fixed(now, ZoneOffset.UTC));
    for (int i = 0; i < 3; i++) {
      failover.onProbe(MeshPath.PRIMARY, false);
    }
    StatusReport report =
        new StatusReport(
            "n1",
            "Node one",
            Optional.of(desired),
            Optional.of(URI.create("http://10.0.0.1:8010")),
            List.of(URI.create("http://10.0.0.1:8010"), URI.create("http://10.0.0.2:8010")),
            Optional.of(now.minusSeconds(60)),
            Optional.of(now.minusSeconds(61)),
            42,
            3,
            "umesh0",
            "umesh1",
            Optional.of(observed),
            Optional.empty(),
            Map.of("n2", failover.state()),
            3,
            Optional.of("no core node reachable"),
            now);

    Map<String, Object> json = report.toJson();
    String text = Json.mapper().writeValueAsString(json);

    assertThat(json)
        .containsEntry("node_id", "n1")
        .containsEntry("node_name", "Node one")
        .containsEntry("mesh_ip", "10.200.0.1")
        .containsEntry("core_api", "http://10.0.0.1:8010")
        .containsEntry("degraded", true)
        .containsEntry("degraded_since", "2026-11-22T11:59:00Z")
        .containsEntry("last_sync", "2026-11-22T11:58:59Z")
        .containsEntry("desired_revision_applied", 42L)
        .containsEntry("last_error", "no core node reachable");
    List<Map<String, Object>> ifaces = (List<Map<String, Object>>) json.get("interfaces");
    assertThat(ifaces.get(0)).containsEntry("name", "umesh0").containsEntry("up", true);
    assertThat(ifaces.get(1)).containsEntry("name", "umesh1").containsEntry("up", false);
    Map<String, Object> p = ((List<Map<String, Object>>) ifaces.get(0).get("peers")).get(0);
    assertThat(p)
        .containsEntry("node_id", "n2")
        .containsEntry("latest_handshake_age_seconds", 17L)
        .containsEntry("rx_bytes", 1000L)
        .containsEntry("tx_bytes", 2000L);
    Map<String, Object> state = ((List<Map<String, Object>>) json.get("peers")).get(0);
    assertThat(state)
        .containsEntry("node_id", "n2")
        .containsEntry("active_path", "secondary")
        .containsEntry("failovers", 1L);
    assertThat(text).doesNotContain(own.privateKey().reveal());

    Map<String, Object> summary = report.heartbeatSummary();
    assertThat(summary)
        .containsEntry("peers_on_secondary", 1L)
        .containsEntry("secondary_peers", List.of("n2"))
        .containsEntry("failovers", 1L)
        .containsEntry("degraded", true);
  }

  @Test
  @SuppressWarnings("unchecked")
  void theHeartbeatPathsAreStableWhileNothingChanges() {
    DesiredState desired =
        States.of(States.member("n1", 1), 42, States.member("n2", 2), States.member("n3", 3));
    PathFailover toN2 =
        new PathFailover(FailoverSettings.DEFAULTS, Clock.fixed(now, ZoneOffset.UTC));
    PathFailover toN3 =
        new PathFailover(FailoverSettings.DEFAULTS, Clock.fixed(now, ZoneOffset.UTC));
    for (int i = 0; i < 3; i++) {
      toN2.onProbe(MeshPath.PRIMARY, true);
      toN2.onProbe(MeshPath.SECONDARY, true);
      toN3.onProbe(MeshPath.PRIMARY, false);
      toN3.onProbe(MeshPath.SECONDARY, true);
    }
    Instant staleAt = now.minusSeconds(400);
    MeshObservation observed =
        observation(
            List.of(
                peer(desired.primaryPeers().get(0).publicKey(), Optional.of(now.minusSeconds(5))),
                peer(desired.primaryPeers().get(1).publicKey(), Optional.of(staleAt))));
    Map<String, FailoverState> states = Map.of("n2", toN2.state(), "n3", toN3.state());

    Map<String, Object> first = summary(desired, observed, states, now);
    // A minute later, the handshake to n2 renewed (as keepalives do), n3's still as old.
    MeshObservation later =
        observation(
            List.of(
                peer(desired.primaryPeers().get(0).publicKey(), Optional.of(now.plusSeconds(55))),
                peer(desired.primaryPeers().get(1).publicKey(), Optional.of(staleAt))));
    Map<String, Object> second = summary(desired, later, states, now.plusSeconds(60));

    assertThat(second).isEqualTo(first);
    List<Map<String, Object>> paths = (List<Map<String, Object>>) first.get("paths");
    assertThat(paths).hasSize(2);
    assertThat(paths.get(0))
        .containsEntry("peer", "n2")
        .containsEntry("active", "primary")
        .containsEntry("failovers", 0L)
        .containsEntry("primary", Map.of("state", "up", "handshake", "fresh"))
        .containsEntry("secondary", Map.of("state", "up", "handshake", "unknown"));
    assertThat(paths.get(1))
        .containsEntry("peer", "n3")
        .containsEntry("active", "secondary")
        .containsEntry("failovers", 1L)
        .containsEntry("last_switch", now.toString())
        .containsEntry(
            "primary",
            Map.of("state", "down", "handshake", "stale", "handshake_at", staleAt.toString()));
    assertThat(first.toString()).doesNotContain(desired.primaryPeers().get(0).publicKey());

    // A handshake that turns stale is a change worth one write.
    Map<String, Object> muchLater = summary(desired, observed, states, now.plus(PeerPaths.FRESH));
    assertThat(muchLater).isNotEqualTo(first);
  }

  private Map<String, Object> summary(
      DesiredState desired,
      MeshObservation observed,
      Map<String, FailoverState> states,
      Instant at) {
    return new StatusReport(
            "n1",
            "Node one",
            Optional.of(desired),
            Optional.empty(),
            List.of(),
            Optional.empty(),
            Optional.empty(),
            42,
            1,
            "umesh0",
            "umesh1",
            Optional.of(observed),
            Optional.empty(),
            states,
            3,
            Optional.empty(),
            at)
        .heartbeatSummary();
  }

  private static MeshObservation observation(List<WgPeerState> peers) {
    WgKeyPair own = WgKeys.generate();
    return new MeshObservation(
        Optional.of(
            new WgInterfaceState(
                Optional.of(own.privateKey()), Optional.of(own.publicKey()), 51820, 0, peers)),
        Optional.empty(),
        List.of());
  }

  private static WgPeerState peer(String publicKey, Optional<Instant> handshake) {
    return new WgPeerState(
        WgPublicKey.parse(publicKey),
        false,
        Optional.empty(),
        new TreeSet<>(),
        handshake,
        1,
        2,
        25);
  }
}
