package io.uptimemesh.wireguard.ip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.wireguard.Cidr;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class IpDiffTest {
  private static final Optional<String> SRC = Optional.of("10.42.0.1");

  private static IpRoute route(String device, String dst, long metric) {
    return new IpRoute(device, Cidr.parse(dst), metric, dst.contains(":") ? Optional.empty() : SRC);
  }

  private static IpSpec spec(Set<LinkAddress> addresses, Set<IpRoute> routes) {
    return new IpSpec(List.of("wgp", "wgs"), 1420, new TreeSet<>(addresses), new TreeSet<>(routes));
  }

  private static final LinkAddress P4 = LinkAddress.host("wgp", "10.42.0.1");
  private static final LinkAddress P6 = LinkAddress.host("wgp", "fd75:6d65:7368:1::a2a:1");
  private static final LinkAddress S4 = LinkAddress.host("wgs", "10.42.0.1");

  @Test
  void linksComeUpWithTheMtuAndAddressesAreAddedAndRemoved() {
    IpSpec spec = spec(Set.of(P4, P6, S4), Set.of());
    Map<String, IpLink> observed =
        Map.of(
            "wgp", new IpLink("wgp", false, 1420, List.of(P4)),
            "wgs",
                new IpLink(
                    "wgs", true, 1500, List.of(S4, new LinkAddress("wgs", "10.99.0.5", 24))));

    List<IpChange> changes = IpDiff.links(spec, observed);

    assertThat(changes)
        .containsExactly(
            new IpChange.SetLink("wgp", 1420),
            new IpChange.SetLink("wgs", 1420),
            new IpChange.RemoveAddress(new LinkAddress("wgs", "10.99.0.5", 24)),
            new IpChange.AddAddress(P6));
    assertThat(changes)
        .extracting(IpChange::batchLine)
        .containsExactly(
            "link set dev wgp up mtu 1420",
            "link set dev wgs up mtu 1420",
            "address del 10.99.0.5/24 dev wgs",
            "address add fd75:6d65:7368:1::a2a:1/128 dev wgp nodad");
  }

  @Test
  void nothingChangesWhenLinksAndAddressesMatch() {
    IpSpec spec = spec(Set.of(P4, S4), Set.of());
    Map<String, IpLink> observed =
        Map.of(
            "wgp", new IpLink("wgp", true, 1420, List.of(P4)),
            "wgs", new IpLink("wgs", true, 1420, List.of(S4)));

    assertThat(IpDiff.links(spec, observed)).isEmpty();
  }

  @Test
  void aMissingInterfaceIsAnError() {
    IpSpec spec = spec(Set.of(P4), Set.of());

    assertThatThrownBy(
            () -> IpDiff.links(spec, Map.of("wgp", new IpLink("wgp", true, 1420, List.of()))))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageContaining("wgs does not exist");
  }

  @Test
  void aPathSwitchIsTwoReplacesAndNoDelete() {
    IpSpec spec =
        spec(
            Set.of(), Set.of(route("wgs", "10.42.0.2/32", 100), route("wgp", "10.42.0.2/32", 200)));
    List<IpRoute> observed =
        List.of(route("wgp", "10.42.0.2/32", 100), route("wgs", "10.42.0.2/32", 200));

    List<IpChange> changes = IpDiff.routes(spec, observed);

    assertThat(changes)
        .containsExactly(
            new IpChange.ReplaceRoute(route("wgs", "10.42.0.2/32", 100)),
            new IpChange.ReplaceRoute(route("wgp", "10.42.0.2/32", 200)));
    assertThat(changes.get(0).batchLine())
        .isEqualTo("route replace 10.42.0.2/32 dev wgs metric 100 proto static src 10.42.0.1");
  }

  @Test
  void unwantedRoutesAreDeletedFirstAndMatchingOnesLeftAlone() {
    IpRoute cidr = route("wgp", "10.42.0.0/16", 100);
    IpRoute probe = route("wgp", "fd75:6d65:7368:1::/96", 100);
    IpRoute peer = route("wgp", "10.42.0.3/32", 100);
    IpSpec spec = spec(Set.of(), Set.of(cidr, probe, peer));
    IpRoute gone = route("wgp", "10.42.0.2/32", 100);
    IpRoute foreign = new IpRoute("wgs", Cidr.parse("fd99::/64"), 1024, Optional.empty());

    List<IpChange> changes = IpDiff.routes(spec, List.of(cidr, gone, probe, foreign));

    assertThat(changes)
        .containsExactly(
            new IpChange.DeleteRoute(gone),
            new IpChange.DeleteRoute(foreign),
            new IpChange.ReplaceRoute(peer));
    assertThat(changes.get(1).batchLine()).isEqualTo("route del fd99::/64 dev wgs metric 1024");
    assertThat(IpDiff.routes(spec, List.of(peer, probe, cidr))).isEmpty();
  }

  @Test
  void aRouteWithAnotherSourceIsReplacedAndADuplicateOfAKeyDeleted() {
    IpRoute want = route("wgp", "10.42.0.0/16", 100);
    IpRoute otherSource = new IpRoute("wgp", Cidr.parse("10.42.0.0/16"), 100, Optional.empty());
    IpRoute sameKeyElsewhere = new IpRoute("wgs", Cidr.parse("10.42.0.0/16"), 100, SRC);
    IpSpec spec = spec(Set.of(), Set.of(want));

    assertThat(IpDiff.routes(spec, List.of(otherSource)))
        .containsExactly(new IpChange.ReplaceRoute(want));
    // Two observed routes with one key (IPv6 allows it on two devices): one is replaced, the
    // other must go, or the wanted route would not be alone.
    assertThat(IpDiff.routes(spec, List.of(otherSource, sameKeyElsewhere)))
        .containsExactly(
            new IpChange.DeleteRoute(sameKeyElsewhere), new IpChange.ReplaceRoute(want));
    assertThat(IpDiff.routes(spec, List.of(want, sameKeyElsewhere)))
        .containsExactly(new IpChange.DeleteRoute(sameKeyElsewhere));
  }

  @Test
  void aSpecRefusesTwoRoutesWithOneKeyAndThingsOnUnmanagedInterfaces() {
    assertThatThrownBy(
            () ->
                spec(
                    Set.of(),
                    Set.of(route("wgp", "10.42.0.2/32", 100), route("wgs", "10.42.0.2/32", 100))))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageContaining("metric 100");
    assertThatThrownBy(() -> spec(Set.of(LinkAddress.host("eth0", "10.0.0.1")), Set.of()))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageContaining("eth0");
  }
}
