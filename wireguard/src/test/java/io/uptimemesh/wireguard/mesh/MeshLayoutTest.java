package io.uptimemesh.wireguard.mesh;

import static io.uptimemesh.wireguard.failover.MeshPath.PRIMARY;
import static io.uptimemesh.wireguard.failover.MeshPath.SECONDARY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.mesh.DesiredState;
import io.uptimemesh.core.mesh.MeshPlanner;
import io.uptimemesh.core.mesh.NodeWireGuard;
import io.uptimemesh.wireguard.Cidr;
import io.uptimemesh.wireguard.WgEndpoint;
import io.uptimemesh.wireguard.WgInterfaceSpec;
import io.uptimemesh.wireguard.WgKeys;
import io.uptimemesh.wireguard.WgPeerSpec;
import io.uptimemesh.wireguard.WgPrivateKey;
import io.uptimemesh.wireguard.failover.MeshPath;
import io.uptimemesh.wireguard.ip.IpRoute;
import io.uptimemesh.wireguard.ip.LinkAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MeshLayoutTest {
  private static final String CIDR = "10.42.0.0/16";

  private record Node(String id, String meshIp, WgPrivateKey primary, WgPrivateKey secondary) {
    static Node of(String id, String meshIp) {
      return new Node(id, meshIp, WgKeys.generate().privateKey(), WgKeys.generate().privateKey());
    }

    MeshPlanner.Member member(boolean withSecondary) {
      return new MeshPlanner.Member(
          id,
          meshIp,
          new NodeWireGuard(
              primary.publicKey().base64(),
              "192.0.2." + meshIp.substring(meshIp.lastIndexOf('.') + 1) + ":51820",
              withSecondary ? Optional.of(secondary.publicKey().base64()) : Optional.empty(),
              withSecondary
                  ? Optional.of(
                      "198.51.100." + meshIp.substring(meshIp.lastIndexOf('.') + 1) + ":51821")
                  : Optional.empty()));
    }
  }

  private final Node self = Node.of("n1", "10.42.0.1");
  private final Node two = Node.of("n2", "10.42.0.2");
  private final Node three = Node.of("n3", "10.42.0.3");

  private DesiredState desired() {
    return DesiredState.of(
        MeshPlanner.plan(
            self.member(true), List.of(self.member(true), two.member(true), three.member(true))),
        7,
        CIDR,
        0);
  }

  private MeshTarget target(DesiredState desired, Map<String, MeshPath> active, MeshPath cidr) {
    return new MeshTarget(
        desired,
        new MeshInterface("wgp", self.primary(), 51820),
        Optional.of(new MeshInterface("wgs", self.secondary(), 51821)),
        active,
        cidr,
        100,
        200);
  }

  private static IpRoute v4(String device, String dst, long metric) {
    return new IpRoute(device, Cidr.parse(dst), metric, Optional.of("10.42.0.1"));
  }

  private static IpRoute v6(String device, String dst, long metric) {
    return new IpRoute(device, Cidr.parse(dst), metric, Optional.empty());
  }

  @Test
  void twoInterfacesWithTheirPeersAddressesAndRoutes() {
    MeshLayout layout = MeshLayout.of(target(desired(), Map.of("n3", SECONDARY), PRIMARY));

    assertThat(layout.skipped()).isEmpty();
    assertThat(layout.interfaces()).extracting(WgInterfaceSpec::name).containsExactly("wgp", "wgs");
    WgInterfaceSpec primary = layout.interfaces().get(0);
    assertThat(primary.privateKey()).isEqualTo(self.primary());
    assertThat(primary.listenPort()).isEqualTo(51820);
    assertThat(primary.peers())
        .containsExactly(
            WgPeerSpec.of(
                two.primary().publicKey().base64(),
                "192.0.2.2:51820",
                List.of("10.42.0.2/32", "fd75:6d65:7368:1::a2a:2/128"),
                25),
            WgPeerSpec.of(
                three.primary().publicKey().base64(),
                "192.0.2.3:51820",
                List.of("10.42.0.3/32", "fd75:6d65:7368:1::a2a:3/128"),
                25));
    WgInterfaceSpec secondary = layout.interfaces().get(1);
    assertThat(secondary.listenPort()).isEqualTo(51821);
    assertThat(secondary.peers())
        .extracting(p -> p.endpoint().map(WgEndpoint::toString).orElseThrow())
        .containsExactly("198.51.100.2:51821", "198.51.100.3:51821");

    assertThat(layout.network().devices()).containsExactly("wgp", "wgs");
    assertThat(layout.network().mtu()).isEqualTo(1420);
    assertThat(layout.network().addresses())
        .containsExactlyInAnyOrder(
            LinkAddress.host("wgp", "10.42.0.1"),
            LinkAddress.host("wgp", "fd75:6d65:7368:1::a2a:1"),
            LinkAddress.host("wgs", "10.42.0.1"),
            LinkAddress.host("wgs", "fd75:6d65:7368:2::a2a:1"));
    assertThat(layout.network().routes())
        .containsExactlyInAnyOrder(
            v6("wgp", "fd75:6d65:7368:1::/96", 100),
            v6("wgs", "fd75:6d65:7368:2::/96", 100),
            v4("wgp", CIDR, 100),
            v4("wgs", CIDR, 200),
            v4("wgp", "10.42.0.2/32", 100),
            v4("wgs", "10.42.0.2/32", 200),
            // n3's traffic takes the secondary path.
            v4("wgs", "10.42.0.3/32", 100),
            v4("wgp", "10.42.0.3/32", 200));
  }

  @Test
  void theMeshCidrPathIsTheDefaultForPeersNotListed() {
    MeshLayout layout = MeshLayout.of(target(desired(), Map.of("n2", PRIMARY), SECONDARY));

    assertThat(layout.network().routes())
        .contains(
            v4("wgs", CIDR, 100),
            v4("wgp", CIDR, 200),
            v4("wgp", "10.42.0.2/32", 100),
            v4("wgs", "10.42.0.2/32", 200),
            v4("wgs", "10.42.0.3/32", 100),
            v4("wgp", "10.42.0.3/32", 200));
  }

  @Test
  void withoutASecondaryInterfaceEverythingIsOnThePrimaryAtThePrimaryMetric() {
    DesiredState desired =
        DesiredState.of(
            MeshPlanner.plan(self.member(false), List.of(two.member(true))), 3, CIDR, 0);
    MeshTarget target =
        new MeshTarget(
            desired,
            new MeshInterface("wgp", self.primary(), 51820),
            Optional.empty(),
            Map.of("n2", SECONDARY),
            SECONDARY,
            100,
            200);

    MeshLayout layout = MeshLayout.of(target);

    assertThat(layout.interfaces()).extracting(WgInterfaceSpec::name).containsExactly("wgp");
    assertThat(layout.network().devices()).containsExactly("wgp");
    assertThat(layout.network().addresses())
        .containsExactlyInAnyOrder(
            LinkAddress.host("wgp", "10.42.0.1"),
            LinkAddress.host("wgp", "fd75:6d65:7368:1::a2a:1"));
    assertThat(layout.network().routes())
        .containsExactlyInAnyOrder(
            v6("wgp", "fd75:6d65:7368:1::/96", 100),
            v4("wgp", CIDR, 100),
            v4("wgp", "10.42.0.2/32", 100));
  }

  @Test
  void aPeerOnOneInterfaceOnlyGetsOneRouteAtThePrimaryMetric() {
    // n2 has no secondary path: it is a peer of the primary interface only.
    DesiredState desired =
        DesiredState.of(
            MeshPlanner.plan(self.member(true), List.of(two.member(false), three.member(true))),
            3,
            CIDR,
            0);

    MeshLayout layout = MeshLayout.of(target(desired, Map.of("n2", SECONDARY), PRIMARY));

    assertThat(layout.interfaces().get(1).peers()).hasSize(1);
    assertThat(layout.network().routes())
        .filteredOn(r -> r.destination().equals(Cidr.parse("10.42.0.2/32")))
        .containsExactly(v4("wgp", "10.42.0.2/32", 100));
  }

  @Test
  void aNodeNoLongerAMemberHasNoPeers() {
    DesiredState revoked =
        new DesiredState(
            DesiredState.SCHEMA,
            "n1",
            9,
            false,
            "10.42.0.1",
            CIDR,
            0,
            desired().primaryPeers(),
            desired().secondaryPeers());

    MeshLayout layout = MeshLayout.of(target(revoked, Map.of(), PRIMARY));

    assertThat(layout.interfaces()).allSatisfy(i -> assertThat(i.peers()).isEmpty());
    assertThat(layout.network().routes())
        .noneMatch(r -> r.destination().prefix() == 32 && !r.destination().isIpv6());
  }

  @Test
  void aPeerTheSystemCannotTakeIsLeftOutAndNamed() {
    DesiredState base = desired();
    List<MeshPlanner.Peer> primary = new ArrayList<>(base.primaryPeers());
    primary.add(
        new MeshPlanner.Peer("n4", "not-a-key", "192.0.2.4:51820", List.of("10.42.0.4/32")));
    primary.add(
        new MeshPlanner.Peer(
            "n5",
            WgKeys.generate().publicKey().base64(),
            "peer.example:51820",
            List.of("10.42.0.5/32")));
    primary.add(
        new MeshPlanner.Peer(
            "n6",
            WgKeys.generate().publicKey().base64(),
            "192.0.2.6:51820",
            List.of("10.42.0.2/32")));
    DesiredState desired =
        new DesiredState(
            base.schema(), "n1", 8, true, "10.42.0.1", CIDR, 0, primary, base.secondaryPeers());

    MeshLayout layout = MeshLayout.of(target(desired, Map.of(), PRIMARY));

    assertThat(layout.interfaces().get(0).peers()).hasSize(2);
    assertThat(layout.skipped())
        .hasSize(3)
        .anyMatch(s -> s.startsWith("wgp: peer n4 left out"))
        .anyMatch(s -> s.startsWith("wgp: peer n5 left out") && s.contains("not a name"))
        .anyMatch(s -> s.contains("n6") && s.contains("10.42.0.2/32 is another peer's"));
  }

  @Test
  void targetsThatCannotBeLaidOutAreRefused() {
    DesiredState desired = desired();
    MeshTarget sameName =
        new MeshTarget(
            desired,
            new MeshInterface("wgp", self.primary(), 51820),
            Optional.of(new MeshInterface("wgp", self.secondary(), 51821)),
            Map.of(),
            PRIMARY,
            100,
            200);
    MeshTarget sameMetric =
        new MeshTarget(
            desired,
            new MeshInterface("wgp", self.primary(), 51820),
            Optional.of(new MeshInterface("wgs", self.secondary(), 51821)),
            Map.of(),
            PRIMARY,
            100,
            100);

    assertThatThrownBy(() -> MeshLayout.of(sameName))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageContaining("both named wgp");
    assertThatThrownBy(() -> MeshLayout.of(sameMetric))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageContaining("metric are both 100");
  }

  @Test
  void theSameTargetGivesTheSameLayout() {
    MeshTarget target = target(desired(), Map.of("n3", SECONDARY), PRIMARY);

    assertThat(MeshLayout.of(target)).isEqualTo(MeshLayout.of(target));
  }
}
