package io.uptimemesh.core.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.UptimeMeshException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DesiredStatePatchTest {
  private static MeshPlanner.Member member(String id, int host, String key) {
    return new MeshPlanner.Member(
        id,
        "10.42.0." + host,
        new NodeWireGuard(
            key + id,
            "192.0.2." + host + ":51820",
            Optional.of("S" + id),
            Optional.of("198.51.100." + host + ":51821")));
  }

  private static DesiredState state(long revision, MeshPlanner.Member... members) {
    return DesiredState.of(
        MeshPlanner.plan(members[0], List.of(members)), revision, "10.42.0.0/16", 0);
  }

  private final MeshPlanner.Member a = member("a", 2, "P");
  private final MeshPlanner.Member b = member("b", 3, "P");
  private final MeshPlanner.Member c = member("c", 4, "P");

  @Test
  void aPatchCarriesOnlyWhatChangedAndRebuildsTheSameDocument() {
    DesiredState before = state(10, a, b, c);
    DesiredState after = state(12, a, member("b", 3, "Q"), member("d", 5, "P"));

    DesiredStatePatch patch = DesiredStatePatch.between(before, after);

    assertThat(patch.primaryUpserts())
        .extracting(MeshPlanner.Peer::nodeId)
        .containsExactly("b", "d");
    assertThat(patch.primaryRemovals()).containsExactly("c");
    assertThat(patch.secondaryUpserts()).extracting(MeshPlanner.Peer::nodeId).containsExactly("d");
    assertThat(patch.secondaryRemovals()).containsExactly("c");
    DesiredState rebuilt = DesiredStatePatch.parse(patch.toJson()).applyTo(before);
    assertThat(rebuilt).isEqualTo(after);
    assertThat(rebuilt.digest()).isEqualTo(after.digest());
  }

  @Test
  void aPatchAppliesOnlyToTheRevisionItWasMadeAgainst() {
    DesiredState before = state(10, a, b);
    DesiredStatePatch patch = DesiredStatePatch.between(before, state(11, a));
    assertThatThrownBy(() -> patch.applyTo(before.withRevision(9)))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageContaining("revision 10");
    assertThat(DesiredStatePatch.between(before, before.withRevision(11)).isEmpty()).isTrue();
  }

  @Test
  void garbageIsRefusedWithANamedError() {
    assertThatThrownBy(() -> DesiredStatePatch.parse("{\"schema\":2,\"node_id\":\"a\"}".getBytes()))
        .hasMessageContaining("schema 2");
    assertThatThrownBy(() -> DesiredState.parse("[1]".getBytes()))
        .hasMessageContaining("not a desired-state document");
  }
}
