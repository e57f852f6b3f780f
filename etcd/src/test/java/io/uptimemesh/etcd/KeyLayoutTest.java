package io.uptimemesh.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyLayoutTest {
  private final KeyLayout layout = new KeyLayout("/uptimemesh");

  @Test
  void everyKeyLivesUnderThePrefix() {
    assertThat(layout.root()).isEqualTo("/uptimemesh/");
    assertThat(layout.clusterMeta()).isEqualTo("/uptimemesh/cluster/meta");
    assertThat(layout.healthProbe()).isEqualTo("/uptimemesh/health/probe");
    assertThat(layout.owns(layout.clusterMeta())).isTrue();
  }

  @Test
  void aSiblingPrefixIsNotOwned() {
    // "/uptimemesh2/x" starts with "/uptimemesh" but is another cluster's key.
    assertThat(layout.owns("/uptimemesh2/cluster/meta")).isFalse();
    assertThat(layout.owns("/uptimemesh")).isFalse();
  }

  @Test
  void familiesAreSeparateAndSegmentsCannotEscapeThem() {
    assertThat(layout.node("n1")).isEqualTo("/uptimemesh/nodes/n1");
    assertThat(layout.alive("n1")).isEqualTo("/uptimemesh/alive/n1");
    assertThat(layout.meshIp("10.42.0.2")).isEqualTo("/uptimemesh/mesh-ips/10.42.0.2");
    assertThat(KeyLayout.lastSegment(layout.token("abc"))).isEqualTo("abc");
    assertThatThrownBy(() -> layout.node("../users/admin"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> layout.user("a/b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> layout.token("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void leaderFamilies() {
    assertThat(layout.election()).isEqualTo("/uptimemesh/election/leader");
    // jetcd's Election appends "/<lease>" to the name: candidates live under the prefix.
    assertThat(layout.electionPrefix()).isEqualTo(layout.election() + "/");
    assertThat(layout.lock("prune-nodes")).isEqualTo("/uptimemesh/locks/prune-nodes");
    assertThat(layout.nodeStale("n1")).isEqualTo("/uptimemesh/node-stale/n1");
    assertThat(layout.nodeStalePrefix()).isEqualTo("/uptimemesh/node-stale/");
    assertThat(layout.nodeStale("n1")).doesNotStartWith(layout.nodeStatusPrefix());
    assertThatThrownBy(() -> layout.lock("a/b")).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/", "uptimemesh", "/uptimemesh/", "/a//b", "/a b"})
  void rejectsMalformedPrefixes(String prefix) {
    assertThatThrownBy(() -> new KeyLayout(prefix)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void eventsAreAnUncachedFamilyWithARangeEnd() {
    assertThat(layout.event("1763800000123-0000-abcdef"))
        .isEqualTo("/uptimemesh/events/1763800000123-0000-abcdef");
    assertThat(layout.uncachedPrefixes()).containsExactly("/uptimemesh/events/");
    // Every event key sorts below the end of its family, every other family's key outside it.
    String end = KeyLayout.prefixEnd(layout.eventsPrefix());
    assertThat(end).isEqualTo("/uptimemesh/events0");
    assertThat(layout.event("9999999999999-9999-zzzzzz")).isLessThan(end);
    assertThat(layout.node("a")).isGreaterThan(end);
    assertThat(layout.alive("x")).isLessThan(layout.eventsPrefix());
  }

  @Test
  void meshFamiliesAreSeparateFromTheNodeFamilies() {
    KeyLayout layout = new KeyLayout("/uptimemesh");
    assertThat(layout.nodeWireGuard("n1")).isEqualTo("/uptimemesh/node-wireguard/n1");
    assertThat(layout.nodeWgRotation("n1")).isEqualTo("/uptimemesh/node-wg-rotation/n1");
    for (String key : java.util.List.of(layout.nodeWireGuard("n1"), layout.nodeWgRotation("n1"))) {
      assertThat(key)
          .doesNotStartWith(layout.nodesPrefix())
          .doesNotStartWith(layout.nodeStatusPrefix())
          .doesNotStartWith(layout.nodeStalePrefix());
    }
    assertThat(layout.nodeWireGuard("n1")).doesNotStartWith(layout.nodeWgRotationPrefix());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> layout.nodeWireGuard("../x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void workloadFamiliesSortGenerationsAndStaySeparate() {
    assertThat(layout.serviceGeneration("web", 3))
        .isEqualTo("/uptimemesh/service-generations/web/0000000000000000003");
    // Zero-padding makes key order number order (9 < 10 as text too).
    assertThat(layout.serviceGeneration("web", 9)).isLessThan(layout.serviceGeneration("web", 10));
    assertThat(layout.serviceGeneration("web", Long.MAX_VALUE))
        .startsWith(layout.serviceGenerationsPrefix("web"));
    assertThat(KeyLayout.generationOf(layout.serviceGeneration("web", 42))).isEqualTo(42);
    // One service's copies are not another's whose name it prefixes, nor the service itself.
    assertThat(layout.serviceGeneration("web2", 1))
        .doesNotStartWith(layout.serviceGenerationsPrefix("web"));
    assertThat(layout.serviceGeneration("web", 1)).doesNotStartWith(layout.servicesPrefix());
    assertThat(layout.replica("web-0a1b2")).isEqualTo("/uptimemesh/replicas/web-0a1b2");
    assertThat(layout.replicaStatus("web-0a1b2"))
        .isEqualTo("/uptimemesh/replica-status/web-0a1b2")
        .doesNotStartWith(layout.replicasPrefix());
    assertThat(layout.rollout("web")).isEqualTo("/uptimemesh/rollouts/web");
    assertThat(layout.nodeScheduling("n1"))
        .isEqualTo("/uptimemesh/node-scheduling/n1")
        .doesNotStartWith(layout.nodesPrefix());
    assertThat(layout.uncachedPrefixes()).doesNotContain(layout.replicasPrefix());
    assertThatThrownBy(() -> layout.serviceGeneration("web", -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> layout.serviceGeneration("../x", 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
