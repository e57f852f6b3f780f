package io.uptimemesh.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentDiscoverySettingsTest {
  @TempDir Path dir;

  @Test
  void defaultsAreOffUnderTheDataDirAndServeMeshLocal() {
    AgentDiscoverySettings d =
        AgentSettings.load(
                Map.of("RUNTIME_NODE_ID", "n1", "UPTIMEMESH_DATA_DIR", dir.toString()), null)
            .discovery();

    assertThat(d.enabled()).isFalse();
    assertThat(d.zonePath()).isEqualTo(dir.resolve("discovery/mesh.zone"));
    assertThat(d.corefilePath()).isEqualTo(dir.resolve("discovery/Corefile"));
    assertThat(d.reloadCommand()).isEmpty();
    assertThat(d.listen()).isEmpty();
    assertThat(d.served()).isEqualTo(io.uptimemesh.core.config.DiscoverySettings.defaults());
    assertThat(d.served().domain()).isEqualTo("mesh.local");
    assertThat(d.served().ttlSeconds()).isEqualTo(10);
    assertThat(d.served().port()).isEqualTo(53);
  }

  @Test
  void everyKeyIsReadAndTheEnvironmentWins() throws Exception {
    Path env =
        Files.writeString(
            dir.resolve(".env"),
            String.join(
                "\n",
                "RUNTIME_NODE_ID=n1",
                "RUNTIME_DISCOVERY_ENABLE=true",
                "RUNTIME_DISCOVERY_ZONE_PATH=/var/lib/um/zone.db",
                "RUNTIME_DISCOVERY_COREFILE_PATH=/etc/coredns/Corefile",
                "RUNTIME_DISCOVERY_RELOAD_COMMAND=systemctl reload coredns",
                "RUNTIME_DISCOVERY_LISTEN=10.200.0.9",
                "RUNTIME_DISCOVERY_DOMAIN=Corp.Example.",
                "RUNTIME_DISCOVERY_TTL_SECONDS=30",
                "RUNTIME_DISCOVERY_NAMESERVERS=10.200.0.1, 2001:db8::1",
                "RUNTIME_DISCOVERY_PORT=5353",
                "RUNTIME_DISCOVERY_UPSTREAMS=1.1.1.1,[2001:db8::53]:53"));

    AgentDiscoverySettings d =
        AgentSettings.load(Map.of("RUNTIME_DISCOVERY_PORT", "1053"), env).discovery();

    assertThat(d.enabled()).isTrue();
    assertThat(d.zonePath()).isEqualTo(Path.of("/var/lib/um/zone.db"));
    assertThat(d.corefilePath()).isEqualTo(Path.of("/etc/coredns/Corefile"));
    assertThat(d.reloadCommand()).contains("systemctl reload coredns");
    assertThat(d.listen()).contains("10.200.0.9");
    assertThat(d.served())
        .isEqualTo(
            new io.uptimemesh.core.config.DiscoverySettings(
                "corp.example",
                30,
                List.of("10.200.0.1", "2001:db8::1"),
                1053,
                List.of("1.1.1.1", "[2001:db8::53]:53")));
  }

  @Test
  void badValuesAreAllNamed() {
    Map<String, String> env = new HashMap<>();
    env.put("RUNTIME_NODE_ID", "n1");
    env.put("RUNTIME_DISCOVERY_ENABLE", "maybe");
    env.put("RUNTIME_DISCOVERY_LISTEN", "localhost");
    env.put("RUNTIME_DISCOVERY_DOMAIN", "bad_domain");
    env.put("RUNTIME_DISCOVERY_TTL_SECONDS", "0");
    env.put("RUNTIME_DISCOVERY_NAMESERVERS", "ns1.example");
    env.put("RUNTIME_DISCOVERY_PORT", "70000");
    env.put("RUNTIME_DISCOVERY_UPSTREAMS", "1.1.1.1:x");

    assertThatThrownBy(() -> AgentSettings.load(env, null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("RUNTIME_DISCOVERY_ENABLE")
        .hasMessageContaining("RUNTIME_DISCOVERY_LISTEN")
        .hasMessageContaining("RUNTIME_DISCOVERY_DOMAIN")
        .hasMessageContaining("RUNTIME_DISCOVERY_TTL_SECONDS")
        .hasMessageContaining("RUNTIME_DISCOVERY_NAMESERVERS")
        .hasMessageContaining("RUNTIME_DISCOVERY_PORT")
        .hasMessageContaining("RUNTIME_DISCOVERY_UPSTREAMS");
  }

  @Test
  void anEnabledZonePathTheCorefileCannotNameIsRefused() {
    assertThatThrownBy(
            () ->
                AgentSettings.load(
                    Map.of(
                        "RUNTIME_NODE_ID",
                        "n1",
                        "RUNTIME_DISCOVERY_ENABLE",
                        "true",
                        "RUNTIME_DISCOVERY_ZONE_PATH",
                        "/tmp/my zone"),
                    null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("RUNTIME_DISCOVERY_ZONE_PATH");
  }
}
