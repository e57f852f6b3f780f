package io.uptimemesh.core.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MeshPlannerTest {
  private static MeshPlanner.Member member(String id, String ip, boolean secondary) {
    return new MeshPlanner.Member(
        id,
        ip,
        new NodeWireGuard(
            "P" + id,
            "192.0.2." + ip.substring(ip.lastIndexOf('.') + 1) + ":51820",
            secondary ? Optional.of("S" + id) : Optional.empty(),
            secondary
                ? Optional.of("198.51.100." + ip.substring(ip.lastIndexOf('.') + 1) + ":51821")
                : Optional.empty()));
  }

  private final MeshPlanner.Member a = member("a", "10.42.0.2", true);
  private final MeshPlanner.Member b = member("b", "10.42.0.3", true);
  private final MeshPlanner.Member c = member("c", "10.42.0.4", false);

  @Test
  void everyOtherMemberIsAPeerOnThePrimaryAndOnTheSecondaryWhenBothHaveOne() {
    MeshPlanner.DesiredMesh plan = MeshPlanner.plan("a", List.of(c, b, a)).orElseThrow();

    assertThat(plan.meshIp()).isEqualTo("10.42.0.2");
    assertThat(plan.primaryPeers())
        .containsExactly(
            new MeshPlanner.Peer("b", "Pb", "192.0.2.3:51820", List.of("10.42.0.3/32")),
            new MeshPlanner.Peer("c", "Pc", "192.0.2.4:51820", List.of("10.42.0.4/32")));
    // c offers no secondary path: reachable over the primary only.
    assertThat(plan.secondaryPeers())
        .containsExactly(
            new MeshPlanner.Peer("b", "Sb", "198.51.100.3:51821", List.of("10.42.0.3/32")));
  }

  @Test
  void aNodeWithoutASecondaryPathHasNoSecondaryPeers() {
    MeshPlanner.DesiredMesh plan = MeshPlanner.plan("c", List.of(a, b, c)).orElseThrow();
    assertThat(plan.primaryPeers()).extracting(MeshPlanner.Peer::nodeId).containsExactly("a", "b");
    assertThat(plan.secondaryPeers()).isEmpty();
  }

  @Test
  void aNodeThatIsNoMemberGetsNoPlanAndDisappearsFromTheOthers() {
    // b went stale (or was revoked): the control plane no longer counts it as a member.
    assertThat(MeshPlanner.plan("b", List.of(a, c))).isEmpty();
    assertThat(MeshPlanner.plan("a", List.of(a, c)).orElseThrow().primaryPeers())
        .extracting(MeshPlanner.Peer::nodeId)
        .containsExactly("c");
  }

  @Test
  void theSameMembersInAnyOrderGiveTheSamePlan() {
    assertThat(MeshPlanner.plan("b", List.of(a, b, c)))
        .isEqualTo(MeshPlanner.plan("b", List.of(c, a, b)));
    assertThat(MeshPlanner.plan("a", List.of(a)).orElseThrow().primaryPeers()).isEmpty();
  }
}
