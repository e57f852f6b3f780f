package io.uptimemesh.agent.workloads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.config.AgentLxdSettings;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.json.Json;
import io.uptimemesh.core.workload.WorkloadSpec;
import io.uptimemesh.lxd.InstanceDetails;
import io.uptimemesh.lxd.InstanceSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContainerPlanTest {
  private static final AgentLxdSettings SETTINGS = AgentLxdSettings.defaults();

  private static WorkloadSpec spec(String json) throws Exception {
    return WorkloadSpec.parse(Json.mapper().readTree(json));
  }

  @Test
  void aSpecBecomesProfilesConfigLimitsAndOneProxyPerPort() throws Exception {
    WorkloadSpec s =
        spec(
            "{\"image\":\"busybox\",\"config\":{\"environment.a\":\"1\"},"
                + "\"limits\":{\"cpu\":2,\"memory\":\"256MiB\"},"
                + "\"ports\":[{\"name\":\"http\",\"port\":80},"
                + "{\"name\":\"dns\",\"port\":53,\"protocol\":\"udp\"}]}");
    ReplicaAssignment a =
        new ReplicaAssignment(
            "web-0a1b2", "web", 3, s, Optional.empty(), Map.of("http", 8081), "10.200.0.7");

    InstanceSpec p = ContainerPlan.of(a, SETTINGS);

    assertThat(p.name()).isEqualTo("web-0a1b2");
    assertThat(p.imageAlias()).isEqualTo("busybox");
    assertThat(p.profiles()).containsExactly("default");
    assertThat(p.config())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "environment.a", "1",
                "limits.cpu", "2",
                "limits.memory", "256MiB",
                "user.uptimemesh.generation", "3",
                "user.uptimemesh.image", "busybox",
                "user.uptimemesh.service", "web"));
    assertThat(p.devices().get("port-http"))
        .isEqualTo(
            Map.of(
                "type", "proxy",
                "listen", "tcp:10.200.0.7:8081",
                "connect", "tcp:127.0.0.1:80",
                "bind", "host"));
    // Without a host port the container port is used; udp likewise.
    assertThat(p.devices().get("port-dns"))
        .containsEntry("listen", "udp:10.200.0.7:53")
        .containsEntry("connect", "udp:127.0.0.1:53");
  }

  @Test
  void anIpv6MeshAddressIsBracketedAndNoLimitsMeansNoLimitKeys() throws Exception {
    WorkloadSpec s =
        spec(
            "{\"image\":\"busybox\",\"profiles\":[\"a\",\"b\"],\"ports\":[{\"name\":\"x\",\"port\":1}]}");
    InstanceSpec p =
        ContainerPlan.of(
            new ReplicaAssignment("x-00000", "x", 1, s, Optional.empty(), Map.of(), "fd00::7"),
            SETTINGS);

    assertThat(p.devices().get("port-x")).containsEntry("listen", "tcp:[fd00::7]:1");
    assertThat(p.config()).doesNotContainKeys("limits.cpu", "limits.memory");
    assertThat(p.profiles()).containsExactly("a", "b");
  }

  @Test
  void aSpecWithoutImageTakesTheDefaultOrFailsNamingTheSetting() throws Exception {
    WorkloadSpec parsed = spec("{\"image\":\"busybox\"}");
    WorkloadSpec noImage =
        new WorkloadSpec(
            "",
            List.of(),
            Map.of(),
            parsed.limits(),
            1,
            parsed.nodeSelector(),
            "hard",
            List.of(),
            null,
            parsed.rollingUpdate());
    ReplicaAssignment a =
        new ReplicaAssignment("x-00000", "x", 1, noImage, Optional.empty(), Map.of(), "10.0.0.1");

    assertThatThrownBy(() -> ContainerPlan.of(a, SETTINGS))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageContaining("LXD_DEFAULT_IMAGE");
    AgentLxdSettings withDefault =
        new AgentLxdSettings(
            true,
            Path.of("/x"),
            "p",
            Optional.of("debian"),
            "base",
            Duration.ofSeconds(60),
            Duration.ofSeconds(2));
    InstanceSpec p = ContainerPlan.of(a, withDefault);
    assertThat(p.imageAlias()).isEqualTo("debian");
    assertThat(p.profiles()).containsExactly("base");
  }

  @Test
  void aContainerMatchesWhenItsOwnConfigProfilesAndDevicesAreThePlans() throws Exception {
    ReplicaAssignment a =
        new ReplicaAssignment(
            "web-0a1b2",
            "web",
            1,
            spec("{\"image\":\"busybox\",\"ports\":[{\"name\":\"http\",\"port\":80}]}"),
            Optional.empty(),
            Map.of(),
            "10.0.0.1");
    InstanceSpec p = ContainerPlan.of(a, SETTINGS);
    Map<String, String> config = new HashMap<>(p.config());
    config.put("volatile.eth0.hwaddr", "00:16:3e:00:00:01");
    config.put("image.os", "busybox");
    InstanceDetails same =
        new InstanceDetails("web-0a1b2", "Running", 103, p.profiles(), config, p.devices());

    assertThat(ContainerPlan.matches(p, same)).isTrue();
    assertThat(ContainerPlan.generationOf(same)).hasValue(1);
    assertThat(ContainerPlan.imageOf(same)).isEqualTo("busybox");

    config.put("environment.EXTRA", "1");
    assertThat(
            ContainerPlan.matches(
                p,
                new InstanceDetails(
                    "web-0a1b2", "Running", 103, p.profiles(), config, p.devices())))
        .isFalse();
    assertThat(
            ContainerPlan.matches(
                p,
                new InstanceDetails(
                    "web-0a1b2", "Running", 103, List.of("other"), p.config(), p.devices())))
        .isFalse();
    assertThat(
            ContainerPlan.matches(
                p,
                new InstanceDetails(
                    "web-0a1b2", "Running", 103, p.profiles(), p.config(), Map.of())))
        .isFalse();
  }

  @Test
  void theCommandSequenceNumberIsNotPartOfThePlanButIsKeptByAReconfiguration() throws Exception {
    ReplicaAssignment a =
        new ReplicaAssignment(
            "web-0a1b2",
            "web",
            1,
            spec("{\"image\":\"busybox\"}"),
            Optional.empty(),
            Map.of(),
            "10.0.0.1");
    InstanceSpec p = ContainerPlan.of(a, SETTINGS);
    Map<String, String> config = new HashMap<>(p.config());
    config.put(ContainerPlan.COMMAND_SEQ_KEY, "4");
    InstanceDetails done =
        new InstanceDetails("web-0a1b2", "Running", 103, p.profiles(), config, p.devices());

    assertThat(ContainerPlan.matches(p, done)).isTrue();
    assertThat(ContainerPlan.commandSeqOf(done)).isEqualTo(4);
    assertThat(ContainerPlan.keepingCommandSeq(p.config(), done))
        .containsEntry(ContainerPlan.COMMAND_SEQ_KEY, "4")
        .containsAllEntriesOf(p.config());
    InstanceDetails fresh =
        new InstanceDetails("web-0a1b2", "Running", 103, p.profiles(), p.config(), p.devices());
    assertThat(ContainerPlan.commandSeqOf(fresh)).isZero();
    assertThat(ContainerPlan.keepingCommandSeq(p.config(), fresh)).isEqualTo(p.config());
  }

  @Test
  void onlyTheOldestOfOurSnapshotsBeyondTheKeptOnesArePruned() {
    List<String> snaps = List.of("gen-10", "gen-2", "manual", "gen-9", "gen-1", "gen-11");

    assertThat(ContainerPlan.snapshotsToPrune(snaps, 3)).containsExactly("gen-1", "gen-2");
    assertThat(ContainerPlan.snapshotsToPrune(snaps, 5)).isEmpty();
    assertThat(ContainerPlan.snapshotsToPrune(List.of(), 10)).isEmpty();
  }

  @Test
  void snapshotAndFallbackNames() {
    assertThat(ContainerPlan.snapshotName(7)).isEqualTo("gen-7");
    assertThat(ContainerPlan.snapshotGeneration("gen-12")).hasValue(12);
    assertThat(ContainerPlan.snapshotGeneration("manual")).isEmpty();
    assertThat(ContainerPlan.snapshotGeneration("gen-x")).isEmpty();
    assertThat(ContainerPlan.fallbackName("web-0a1b2")).isEqualTo("web-0a1b2-prev");
  }
}
