package io.uptimemesh.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.token.NodeRole;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentSettingsTest {
  @TempDir Path dir;

  @Test
  void defaultsNeedOnlyTheNodeId() {
    AgentSettings s = AgentSettings.load(Map.of("RUNTIME_NODE_ID", "edge-1"), null);

    assertThat(s.nodeId()).isEqualTo("edge-1");
    assertThat(s.nodeName()).isEqualTo("edge-1");
    assertThat(s.role()).isEqualTo(NodeRole.WORKER);
    assertThat(s.apiUrls()).containsExactly(URI.create("http://127.0.0.1:8010"));
    assertThat(s.identityDir()).isEqualTo(Path.of("./data/identities"));
    assertThat(s.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.heartbeatTtl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.controlPlaneCheck()).isEqualTo(Duration.ofSeconds(60));
    assertThat(s.primaryIface()).isEqualTo("umesh0");
    assertThat(s.secondaryIface()).isEqualTo("umesh1");
    assertThat(s.primaryEndpoint()).isEmpty();
    assertThat(s.secondaryEndpoint()).isEmpty();
    assertThat(s.primaryMetric()).isEqualTo(100);
    assertThat(s.secondaryMetric()).isEqualTo(200);
    assertThat(s.failoverThreshold()).isEqualTo(3);
    assertThat(s.failbackStableCount()).isEqualTo(5);
    assertThat(s.failbackEnabled()).isTrue();
    assertThat(s.holdDown()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.probeInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(s.probeTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(s.probePort()).isEqualTo(51899);
    assertThat(s.statusSocket()).isEqualTo(s.dataDir().resolve("agent.sock"));
    assertThat(s.metricsPort()).isZero();
    assertThat(s.resync()).isEqualTo(Duration.ofSeconds(600));
  }

  @Test
  void everySettingIsReadFromTheFileAndTheEnvironmentWins() throws Exception {
    Path env =
        Files.writeString(
            dir.resolve(".env"),
            String.join(
                "\n",
                "RUNTIME_NODE_ID=edge-2",
                "RUNTIME_NODE_NAME=Edge two",
                "RUNTIME_NODE_ROLE=gateway",
                "RUNTIME_API_BASE_URL=http://10.0.0.1:8010, https://core-2.example:8443",
                "UPTIMEMESH_DATA_DIR=/var/lib/um",
                "RUNTIME_CONTROL_PLANE_CHECK_SECONDS=30",
                "RUNTIME_WG_PRIMARY_IFACE=wg-a",
                "RUNTIME_WG_SECONDARY_IFACE=wg-b",
                "RUNTIME_WG_PRIMARY_ENDPOINT=203.0.113.7:51820",
                "RUNTIME_WG_SECONDARY_ENDPOINT=[2001:db8::7]:51821",
                "RUNTIME_ROUTE_PRIMARY_METRIC=10",
                "RUNTIME_ROUTE_SECONDARY_METRIC=4294967295",
                "RUNTIME_FAILOVER_THRESHOLD=2",
                "RUNTIME_FAILBACK_STABLE_COUNT=8",
                "RUNTIME_FAILBACK_ENABLE=false",
                "RUNTIME_FAILOVER_HOLD_DOWN_SECONDS=0",
                "RUNTIME_PROBE_INTERVAL_MS=250",
                "RUNTIME_PROBE_TIMEOUT_MS=200",
                "RUNTIME_PROBE_PORT=4000",
                "RUNTIME_METRICS_PORT=9105",
                "RUNTIME_RESYNC_SECONDS=120",
                ""));

    AgentSettings s = AgentSettings.load(Map.of("RUNTIME_FAILOVER_THRESHOLD", "7"), env);

    assertThat(s.nodeName()).isEqualTo("Edge two");
    assertThat(s.role()).isEqualTo(NodeRole.GATEWAY);
    assertThat(s.apiUrls())
        .containsExactly(
            URI.create("http://10.0.0.1:8010"), URI.create("https://core-2.example:8443"));
    assertThat(s.identityDir()).isEqualTo(Path.of("/var/lib/um/identities"));
    assertThat(s.controlPlaneCheck()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.primaryEndpoint().orElseThrow().toString()).isEqualTo("203.0.113.7:51820");
    assertThat(s.secondaryEndpoint().orElseThrow())
        .isEqualTo(new AgentSettings.HostPort("2001:db8::7", 51821));
    assertThat(s.secondaryEndpoint().orElseThrow().toString()).isEqualTo("[2001:db8::7]:51821");
    assertThat(s.primaryMetric()).isEqualTo(10);
    assertThat(s.secondaryMetric()).isEqualTo(4294967295L);
    assertThat(s.failoverThreshold()).isEqualTo(7);
    assertThat(s.failbackStableCount()).isEqualTo(8);
    assertThat(s.failbackEnabled()).isFalse();
    assertThat(s.holdDown()).isZero();
    assertThat(s.probeInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(s.probeTimeout()).isEqualTo(Duration.ofMillis(200));
    assertThat(s.probePort()).isEqualTo(4000);
    assertThat(s.statusSocket()).isEqualTo(Path.of("/var/lib/um/agent.sock"));
    assertThat(s.metricsPort()).isEqualTo(9105);
    assertThat(s.resync()).isEqualTo(Duration.ofSeconds(120));
  }

  @Test
  void everyBadValueIsNamedAtOnce() {
    Map<String, String> env = new HashMap<>();
    env.put("RUNTIME_NODE_ID", "Not_A_Label");
    env.put("RUNTIME_NODE_ROLE", "boss");
    env.put("RUNTIME_API_BASE_URL", "ftp://x");
    env.put("RUNTIME_WG_PRIMARY_IFACE", "an-interface-name-too-long");
    env.put("RUNTIME_WG_PRIMARY_ENDPOINT", "203.0.113.7");
    env.put("RUNTIME_ROUTE_PRIMARY_METRIC", "300");
    env.put("RUNTIME_FAILOVER_THRESHOLD", "0");

    assertThatThrownBy(() -> AgentSettings.load(env, null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("RUNTIME_NODE_ID")
        .hasMessageContaining("RUNTIME_NODE_ROLE")
        .hasMessageContaining("RUNTIME_API_BASE_URL")
        .hasMessageContaining("RUNTIME_WG_PRIMARY_IFACE")
        .hasMessageContaining("RUNTIME_WG_PRIMARY_ENDPOINT")
        .hasMessageContaining("RUNTIME_ROUTE_SECONDARY_METRIC")
        .hasMessageContaining("RUNTIME_FAILOVER_THRESHOLD");
  }

  @Test
  void theNodeIdIsRequiredAndTheRulesBetweenKeysHold() {
    assertThatThrownBy(() -> AgentSettings.load(Map.of(), null))
        .hasMessageContaining("RUNTIME_NODE_ID")
        .hasMessageContaining("required");
    assertThatThrownBy(
            () ->
                AgentSettings.load(
                    Map.of(
                        "RUNTIME_NODE_ID", "n1",
                        "RUNTIME_WG_SECONDARY_IFACE", "umesh0"),
                    null))
        .hasMessageContaining("RUNTIME_WG_SECONDARY_IFACE");
    assertThatThrownBy(
            () ->
                AgentSettings.load(
                    Map.of(
                        "RUNTIME_NODE_ID", "n1",
                        "RUNTIME_HEARTBEAT_INTERVAL_SECONDS", "30",
                        "RUNTIME_HEARTBEAT_TTL_SECONDS", "30"),
                    null))
        .hasMessageContaining("RUNTIME_HEARTBEAT_INTERVAL_SECONDS");
  }

  @Test
  void hostPortsAreParsedStrictly() {
    for (String good : List.of("10.0.0.1:1", "node-1.example:65535", "[::1]:51820")) {
      assertThat(AgentSettings.hostPort(good)).as(good).isPresent();
    }
    for (String bad :
        List.of("10.0.0.1", "10.0.0.1:0", "10.0.0.1:65536", "::1:51820", "[::1]51820", ":80")) {
      assertThat(AgentSettings.hostPort(bad)).as(bad).isEmpty();
    }
  }

  @Test
  void theUncommentedExampleLoadsWithANodeId() throws Exception {
    String uncommented =
        Files.readString(Path.of("..").resolve(".env.example"))
            .replaceAll("(?m)^# ([A-Z_]+=)", "$1");
    Path file = Files.writeString(dir.resolve(".env"), uncommented);

    AgentSettings s = AgentSettings.load(Map.of("RUNTIME_NODE_ID", "n1"), file);

    assertThat(s.toString())
        .isEqualTo(AgentSettings.load(Map.of("RUNTIME_NODE_ID", "n1"), null).toString());
  }
}
