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
    MeshPlanner.DesiredMesh plan = MeshPlanner.plan(a, List.of(c, b, a));

    assertThat(plan.meshIp()).isEqualTo("10.42.0.2");
    assertThat(plan.primaryPeers())
        .containsExactly(
            new MeshPlanner.Peer(
                "b",
                "Pb",
                "192.0.2.3:51820",
                List.of("10.42.0.3/32", "fd75:6d65:7368:1::a2a:3/128")),
            new MeshPlanner.Peer(
                "c",
                "Pc",
                "192.0.2.4:51820",
                List.of("10.42.0.4/32", "fd75:6d65:7368:1::a2a:4/128")));
    // c offers no secondary path: reachable over the primary only.
    assertThat(plan.secondaryPeers())
        .containsExactly(
            new MeshPlanner.Peer(
                "b",
                "Sb",
                "198.51.100.3:51821",
                List.of("10.42.0.3/32", "fd75:6d65:7368:2::a2a:3/128")));
  }

  @Test
  void aNodeWithoutASecondaryPathHasNoSecondaryPeers() {
    MeshPlanner.DesiredMesh plan = MeshPlanner.plan(c, List.of(a, b, c));
    assertThat(plan.primaryPeers()).extracting(MeshPlanner.Peer::nodeId).containsExactly("a", "b");
    assertThat(plan.secondaryPeers()).isEmpty();
  }

  @Test
  void aStaleNodeDisappearsFromTheOthersButKeepsItsOwnPeers() {
    // b went stale (or was revoked): the control plane no longer counts it as a member.
    assertThat(MeshPlanner.plan(a, List.of(a, c)).primaryPeers())
        .extracting(MeshPlanner.Peer::nodeId)
        .containsExactly("c");
    assertThat(MeshPlanner.plan(b, List.of(a, c)).primaryPeers())
        .extracting(MeshPlanner.Peer::nodeId)
        .containsExactly("a", "c");
  }

  @Test
  void theSameMembersInAnyOrderGiveTheSamePlan() {
    assertThat(MeshPlanner.plan(b, List.of(a, b, c)))
        .isEqualTo(MeshPlanner.plan(b, List.of(c, a, b)));
    assertThat(MeshPlanner.plan(a, List.of(a)).primaryPeers()).isEmpty();
  }

  @Test
  void probeAddressesEmbedTheMeshAddressOnePrefixPerPath() {
    assertThat(ProbeAddresses.primary("10.42.0.3")).isEqualTo("fd75:6d65:7368:1::a2a:3");
    assertThat(ProbeAddresses.secondary("192.168.255.1")).isEqualTo("fd75:6d65:7368:2::c0a8:ff01");
  }

  @Test
  void theDigestIgnoresTheRevisionAndFollowsTheContent() {
    DesiredState one = DesiredState.of(MeshPlanner.plan(a, List.of(a, b)), 7, "10.42.0.0/16", 1);
    DesiredState later = one.withRevision(9);
    assertThat(later.digest()).isEqualTo(one.digest());
    assertThat(DesiredState.parse(later.toJson())).isEqualTo(later);
    DesiredState changed =
        DesiredState.of(MeshPlanner.plan(a, List.of(a, c)), 9, "10.42.0.0/16", 1);
    assertThat(changed.digest()).isNotEqualTo(one.digest());
  }
}
