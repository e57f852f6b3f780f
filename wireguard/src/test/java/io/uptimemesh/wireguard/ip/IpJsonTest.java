package io.uptimemesh.wireguard.ip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.wireguard.Cidr;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Output of iproute2 6.1 captured in a network namespace holding two wireguard-go interfaces
 * (umcapp0, umcaps0) laid out as the mesh does, plus a foreign /24 address and foreign routes on
 * them, and a veth with the default route.
 */
class IpJsonTest {
  private static final Set<String> OURS = Set.of("umcapp0", "umcaps0");

  private static String sample(String name) throws IOException {
    try (InputStream in = IpJsonTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void readsTheManagedLinksWithTheirAddressesButNotTheKernelsLinkLocalOnes() throws Exception {
    Map<String, IpLink> links = IpJson.links(sample("address-show.json"), OURS);

    assertThat(links).containsOnlyKeys("umcapp0", "umcaps0");
    IpLink primary = links.get("umcapp0");
    assertThat(primary.up()).isTrue();
    assertThat(primary.mtu()).isEqualTo(1420);
    assertThat(primary.addresses())
        .containsExactly(
            LinkAddress.host("umcapp0", "10.42.0.1"),
            new LinkAddress("umcapp0", "10.99.0.5", 24),
            LinkAddress.host("umcapp0", "fd75:6d65:7368:1::a2a:1"));
    assertThat(links.get("umcaps0").addresses())
        .containsExactly(
            LinkAddress.host("umcaps0", "10.42.0.1"),
            LinkAddress.host("umcaps0", "fd75:6d65:7368:2::a2a:1"));
  }

  @Test
  void aMissingInterfaceIsAbsentAndADownOneIsSeenDown() {
    String json =
        "[{\"ifindex\":7,\"ifname\":\"umx\",\"flags\":[\"POINTOPOINT\",\"NOARP\"],\"mtu\":1500,"
            + "\"addr_info\":[]}]";

    Map<String, IpLink> links = IpJson.links(json, Set.of("umx", "umy"));

    assertThat(links).containsOnlyKeys("umx");
    assertThat(links.get("umx").up()).isFalse();
    assertThat(links.get("umx").mtu()).isEqualTo(1500);
  }

  @Test
  void readsIpv4RoutesOnTheManagedLinksButNotKernelOnes() throws Exception {
    Optional<String> src = Optional.of("10.42.0.1");

    assertThat(IpJson.routes(sample("route-show-4.json"), false, OURS))
        .containsExactly(
            new IpRoute("umcapp0", Cidr.parse("10.42.0.0/16"), 100, src),
            new IpRoute("umcaps0", Cidr.parse("10.42.0.0/16"), 200, src),
            // "dst":"10.42.0.2": a host route prints without its /32.
            new IpRoute("umcaps0", Cidr.parse("10.42.0.2/32"), 100, src),
            new IpRoute("umcapp0", Cidr.parse("10.42.0.2/32"), 200, src),
            // Added by hand without a metric: IPv4 metric 0 prints no "metric" field.
            new IpRoute("umcapp0", Cidr.parse("10.55.0.0/16"), 0, Optional.empty()));
  }

  @Test
  void readsIpv6RoutesOnTheManagedLinksButNotKernelOnes() throws Exception {
    assertThat(IpJson.routes(sample("route-show-6.json"), true, OURS))
        .containsExactly(
            new IpRoute("umcapp0", Cidr.parse("fd75:6d65:7368:1::/96"), 100, Optional.empty()),
            new IpRoute("umcaps0", Cidr.parse("fd75:6d65:7368:2::/96"), 100, Optional.empty()),
            new IpRoute("umcaps0", Cidr.parse("fd99::/64"), 1024, Optional.empty()));
  }

  @Test
  void theDefaultRouteAndMultipathRoutes() throws Exception {
    String json =
        "[{\"dst\":\"default\",\"dev\":\"umx\",\"protocol\":\"static\",\"metric\":5,\"flags\":[]},"
            + "{\"dst\":\"10.1.0.0/16\",\"protocol\":\"static\",\"flags\":[],"
            + "\"nexthops\":[{\"dev\":\"umx\",\"weight\":1,\"flags\":[]}]}]";

    assertThat(IpJson.routes(json, false, Set.of("umx")))
        .containsExactly(new IpRoute("umx", Cidr.parse("0.0.0.0/0"), 5, Optional.empty()));
    assertThat(IpJson.routes(json, true, Set.of("umx")))
        .extracting(IpRoute::destination)
        .containsExactly(Cidr.parse("::/0"));
    // Routes of other interfaces are not ours, whatever they look like.
    assertThat(IpJson.routes(sample("route-show-4.json"), false, Set.of("umother"))).isEmpty();
  }

  @Test
  void anInterfaceIsStrictWhenTheLargerOfAllAndItsOwnReversePathFilterIsStrict() throws Exception {
    // Captured with all=strict, umcaps0=loose, umcapp0=off (so strict through "all").
    String json = sample("netconf-show.json");

    assertThat(IpJson.strictReversePathFilter(json, OURS)).containsExactly("umcapp0");
    assertThat(IpJson.strictReversePathFilter(json.replace("\"strict\"", "\"off\""), OURS))
        .isEmpty();
    assertThat(
            IpJson.strictReversePathFilter(
                json.replace("\"strict\"", "\"off\"").replace("\"loose\"", "\"strict\""), OURS))
        .containsExactly("umcaps0");
  }

  @Test
  void outputThatIsNotWhatIpPrintsIsAnInternalErrorNamingTheCommand() {
    assertThatThrownBy(() -> IpJson.links("Object \"adress\" is unknown", Set.of("umx")))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageContaining("ip address show");
    assertThatThrownBy(() -> IpJson.routes("{}", false, Set.of("umx")))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageContaining("not a JSON array");
    assertThatThrownBy(
            () -> IpJson.routes("[{\"dst\":\"nonsense\",\"dev\":\"umx\"}]", false, Set.of("umx")))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageContaining("nonsense");
    assertThat(IpJson.routes("", false, Set.of("umx"))).isEmpty();
  }
}
