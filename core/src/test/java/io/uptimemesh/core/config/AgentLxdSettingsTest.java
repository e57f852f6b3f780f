package io.uptimemesh.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentLxdSettingsTest {
  @TempDir Path dir;

  @Test
  void defaultsAreOffOnTheStandardSocketInProjectUptimemesh() {
    AgentLxdSettings lxd = AgentSettings.load(Map.of("RUNTIME_NODE_ID", "n1"), null).lxd();

    assertThat(lxd).isEqualTo(AgentLxdSettings.defaults());
    assertThat(lxd.enabled()).isFalse();
    assertThat(lxd.socket()).isEqualTo(Path.of("/var/lib/lxd/unix.socket"));
    assertThat(lxd.project()).isEqualTo("uptimemesh");
    assertThat(lxd.defaultImage()).isEmpty();
    assertThat(lxd.defaultProfile()).isEqualTo("default");
    assertThat(lxd.healthTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(lxd.healthPoll()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void everyKeyIsReadAndTheEnvironmentWins() throws Exception {
    Path env =
        Files.writeString(
            dir.resolve(".env"),
            String.join(
                "\n",
                "RUNTIME_NODE_ID=n1",
                "LXD_ENABLED=true",
                "LXD_SOCKET=/var/snap/lxd/common/lxd/unix.socket",
                "LXD_PROJECT=node-a",
                "LXD_DEFAULT_IMAGE=debian-12",
                "LXD_DEFAULT_PROFILE=workloads",
                "LXD_HEALTH_TIMEOUT_SECONDS=30",
                "LXD_HEALTH_POLL_SECONDS=5"));

    AgentLxdSettings lxd =
        AgentSettings.load(Map.of("LXD_HEALTH_TIMEOUT_SECONDS", "90"), env).lxd();

    assertThat(lxd)
        .isEqualTo(
            new AgentLxdSettings(
                true,
                Path.of("/var/snap/lxd/common/lxd/unix.socket"),
                "node-a",
                java.util.Optional.of("debian-12"),
                "workloads",
                Duration.ofSeconds(90),
                Duration.ofSeconds(5)));
  }

  @Test
  void badValuesAreAllNamed() {
    Map<String, String> env = new HashMap<>();
    env.put("RUNTIME_NODE_ID", "n1");
    env.put("LXD_ENABLED", "maybe");
    env.put("LXD_PROJECT", "a/b");
    env.put("LXD_DEFAULT_IMAGE", "images/debian");
    env.put("LXD_DEFAULT_PROFILE", "-x");
    env.put("LXD_HEALTH_TIMEOUT_SECONDS", "0");
    env.put("LXD_HEALTH_POLL_SECONDS", "301");

    assertThatThrownBy(() -> AgentSettings.load(env, null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("LXD_ENABLED")
        .hasMessageContaining("LXD_PROJECT")
        .hasMessageContaining("LXD_DEFAULT_IMAGE")
        .hasMessageContaining("LXD_DEFAULT_PROFILE")
        .hasMessageContaining("LXD_HEALTH_TIMEOUT_SECONDS")
        .hasMessageContaining("LXD_HEALTH_POLL_SECONDS");
  }

  @Test
  void thePollMustBeShorterThanTheTimeout() {
    assertThatThrownBy(
            () ->
                AgentSettings.load(
                    Map.of(
                        "RUNTIME_NODE_ID",
                        "n1",
                        "LXD_HEALTH_TIMEOUT_SECONDS",
                        "5",
                        "LXD_HEALTH_POLL_SECONDS",
                        "5"),
                    null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("LXD_HEALTH_POLL_SECONDS")
        .hasMessageContaining("less than LXD_HEALTH_TIMEOUT_SECONDS (5)");
  }
}
