package io.uptimemesh.core.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.UptimeMeshException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.Zone;

class ZoneRendererTest {
  private static final String DOMAIN = "mesh.local";

  private static final List<DiscoveryNode> NODES =
      List.of(
          new DiscoveryNode("n1", "core-1", "10.42.0.1"),
          new DiscoveryNode("n2", "core-2", "10.42.0.2"));

  private static final List<HealthyEndpoint> ENDPOINTS =
      List.of(
          new HealthyEndpoint("web", "n1", "10.42.0.1", 8080, "tcp", "http"),
          new HealthyEndpoint("web", "n2", "fd00::2", 8081, "tcp", "http"));

  @Test
  void rendersTheExactZoneForASmallCluster() {
    String zone = ZoneRenderer.render(DOMAIN, 10, 42, NODES, ENDPOINTS, List.of());
    assertThat(zone)
        .isEqualTo(
            String.join(
                "\n",
                "$ORIGIN mesh.local.",
                "$TTL 10",
                "@ IN SOA ns1.mesh.local. hostmaster.mesh.local. 42 60 10 3600 10",
                "@ IN NS ns1.mesh.local.",
                "ns1 IN A 10.42.0.1",
                "_http._tcp.web.svc IN SRV 0 10 8080 core-1.web.svc.mesh.local.",
                "_http._tcp.web.svc IN SRV 0 10 8081 core-2.web.svc.mesh.local.",
                "core-1.node IN A 10.42.0.1",
                "core-1.web.svc IN A 10.42.0.1",
                "core-2.node IN A 10.42.0.2",
                "core-2.web.svc IN AAAA fd00::2",
                "web.svc IN A 10.42.0.1",
                "web.svc IN AAAA fd00::2",
                ""));
  }

  @Test
  void parsesWithDnsjavaAndEverySrvTargetHasAddresses() throws IOException {
    Zone zone =
        parse(
            ZoneRenderer.render(
                DOMAIN,
                10,
                7,
                ZoneFixtures.oddNodes(),
                ZoneFixtures.oddEndpoints(),
                List.of("10.42.0.1", "fd00::53")));
    assertThat(((SOARecord) zone.getSOA()).getSerial()).isEqualTo(7);
    assertThat(zone.getNS().size()).isEqualTo(2);
    assertThat(addresses(zone, "ns2")).containsExactly("fd00:0:0:0:0:0:0:53");

    assertThat(addresses(zone, "core-1.node")).containsExactly("10.42.0.1");
    assertThat(addresses(zone, "worker-2-eu.node")).containsExactly("10.42.0.2");
    assertThat(addresses(zone, "n-c-d.node")).containsExactly("10.42.0.3");
    assertThat(addresses(zone, "x".repeat(63) + ".node")).containsExactly("10.42.0.4");
    assertThat(addresses(zone, "n8.node")).containsExactly("10.42.0.8");
    // Bad address, IPv6 mesh address, nothing-left name: not rendered.
    assertThat(addresses(zone, "bad-address.node")).isEmpty();
    assertThat(addresses(zone, "ipv6-mesh.node")).isEmpty();

    // Duplicates collapse; IPv6 next to IPv4.
    assertThat(addresses(zone, "web-front.svc"))
        .containsExactlyInAnyOrder("10.42.0.1", "2001:db8:0:0:0:0:0:1");
    assertThat(srvTargets(zone, "_http._tcp.web-front.svc"))
        .containsExactlyInAnyOrder(
            "0 10 8080 core-1.web-front.svc.mesh.local.",
            "0 10 8080 worker-2-eu.web-front.svc.mesh.local.");
    assertThat(srvTargets(zone, "_dns._udp.dns.svc"))
        .containsExactly("0 10 53 n-c-d.dns.svc.mesh.local.");
    assertThat(srvTargets(zone, "_https._tcp." + "y".repeat(63) + ".svc")).hasSize(1);
    assertThat(srvTargets(zone, "_game._udp.orphan.svc"))
        .containsExactly("0 10 9000 node-9.orphan.svc.mesh.local.");

    // Bad SRV parts drop only the SRV record.
    assertThat(addresses(zone, "noproto.svc")).containsExactly("10.42.0.1");
    assertThat(addresses(zone, "noport.svc")).containsExactly("10.42.0.1");
    assertThat(addresses(zone, "noname.svc")).containsExactly("10.42.0.1");
    assertThat(allNames(zone)).noneMatch(n -> n.contains("noproto.svc") && n.startsWith("_"));
    assertThat(allNames(zone)).noneMatch(n -> n.startsWith("broken") || n.contains(".broken."));

    assertEverySrvTargetResolves(zone);
  }

  @Test
  void unicodeNodeNameKeepsOnlyItsAsciiPart() {
    // "Ünïcødé-节点" sanitises to "n-c-d": ü, ï, ø, é and the CJK characters become hyphens.
    assertThat(DnsNames.sanitise("Ünïcødé-节点")).contains("n-c-d");
  }

  @Test
  void aServiceWithNoHealthyEndpointHasNoRecords() throws IOException {
    String zone = ZoneRenderer.render(DOMAIN, 10, 1, NODES, List.of(), List.of());
    assertThat(zone).doesNotContain(".svc");
    Zone parsed = parse(zone);
    assertThat(allNames(parsed))
        .containsExactlyInAnyOrder(
            "mesh.local.", "ns1.mesh.local.", "core-1.node.mesh.local.", "core-2.node.mesh.local.");
  }

  @Test
  void thousandRecordsParseAndCount() throws IOException {
    String text =
        ZoneRenderer.render(
            DOMAIN, 10, 1, ZoneFixtures.manyNodes(), ZoneFixtures.manyEndpoints(), List.of());
    Zone zone = parse(text);
    int srv = 0;
    int svcAddresses = 0;
    for (int s = 0; s < 50; s++) {
      srv += srvTargets(zone, "_p._tcp.svc-" + s + ".svc").size();
      svcAddresses += addresses(zone, "svc-" + s + ".svc").size();
    }
    assertThat(srv).isEqualTo(1000);
    assertThat(svcAddresses).isEqualTo(1000);
    assertEverySrvTargetResolves(zone);
  }

  @Test
  void outputIsDeterministicWhateverTheInputOrder() {
    List<HealthyEndpoint> shuffled = new ArrayList<>(ZoneFixtures.manyEndpoints());
    Collections.shuffle(shuffled, new java.util.Random(1));
    List<DiscoveryNode> nodes = new ArrayList<>(ZoneFixtures.manyNodes());
    Collections.reverse(nodes);
    assertThat(ZoneRenderer.render(DOMAIN, 10, 1, nodes, shuffled, List.of()))
        .isEqualTo(
            ZoneRenderer.render(
                DOMAIN, 10, 1, ZoneFixtures.manyNodes(), ZoneFixtures.manyEndpoints(), List.of()));
  }

  @Test
  void digestIgnoresTheSerialAndOrderButSeesContent() {
    String digest = ZoneRenderer.contentDigest(DOMAIN, 10, NODES, ENDPOINTS, List.of());
    assertThat(digest).hasSize(64);
    assertThat(
            ZoneRenderer.contentDigest(
                DOMAIN, 10, NODES, List.of(ENDPOINTS.get(1), ENDPOINTS.get(0)), List.of()))
        .isEqualTo(digest);
    assertThat(ZoneRenderer.contentDigest(DOMAIN, 10, NODES, ENDPOINTS.subList(0, 1), List.of()))
        .isNotEqualTo(digest);
    assertThat(ZoneRenderer.contentDigest(DOMAIN, 11, NODES, ENDPOINTS, List.of()))
        .isNotEqualTo(digest);
  }

  @Test
  void nameServerFallsBackToTheFirstNodeByLabel() {
    List<DiscoveryNode> nodes =
        List.of(
            new DiscoveryNode("b", "beta", "10.0.0.2"),
            new DiscoveryNode("a", "alpha", "10.0.0.1"));
    assertThat(ZoneRenderer.render(DOMAIN, 10, 1, nodes, List.of(), List.of()))
        .contains("ns1 IN A 10.0.0.1\n");
  }

  @Test
  void refusesAZoneWithoutAnyNameServerAddress() {
    assertThatThrownBy(() -> ZoneRenderer.render(DOMAIN, 10, 1, List.of(), List.of(), List.of()))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageContaining("name server address");
  }

  @Test
  void refusesBadArguments() {
    assertThatThrownBy(() -> ZoneRenderer.render("mesh..local", 10, 1, NODES, List.of(), List.of()))
        .hasMessageStartingWith("domain ");
    assertThatThrownBy(() -> ZoneRenderer.render("mesh_local", 10, 1, NODES, List.of(), List.of()))
        .hasMessageStartingWith("domain ");
    assertThatThrownBy(() -> ZoneRenderer.render("", 10, 1, NODES, List.of(), List.of()))
        .hasMessageStartingWith("domain ");
    assertThatThrownBy(() -> ZoneRenderer.render(DOMAIN, 0, 1, NODES, List.of(), List.of()))
        .hasMessageStartingWith("ttl_seconds ");
    assertThatThrownBy(() -> ZoneRenderer.render(DOMAIN, 10, -1, NODES, List.of(), List.of()))
        .hasMessageStartingWith("serial ");
    assertThatThrownBy(() -> ZoneRenderer.render(DOMAIN, 10, 1L << 32, NODES, List.of(), List.of()))
        .hasMessageStartingWith("serial ");
    assertThatThrownBy(
            () -> ZoneRenderer.render(DOMAIN, 10, 1, NODES, List.of(), List.of("ns.example")))
        .hasMessageStartingWith("nameserver address ");
  }

  @Test
  void domainIsLowerCasedAndATrailingDotAccepted() {
    assertThat(ZoneRenderer.render("Mesh.Local.", 10, 1, NODES, List.of(), List.of()))
        .startsWith("$ORIGIN mesh.local.\n");
  }

  @Test
  void namesLongerThan253CharactersAreLeftOut() throws IOException {
    String domain = String.join(".", "a".repeat(63), "b".repeat(63), "c".repeat(50));
    String longLabel = "s".repeat(63);
    List<HealthyEndpoint> endpoints =
        List.of(
            new HealthyEndpoint(longLabel, "n1", "10.42.0.1", 80, "tcp", "h".repeat(63)),
            new HealthyEndpoint("web", "n1", "10.42.0.1", 80, "tcp", "http"));
    String text = ZoneRenderer.render(domain, 10, 1, NODES, endpoints, List.of());
    parse(text, domain);
    // The service's own name fits (63 + 4 + 178 characters); its SRV name and target do not.
    assertThat(text).contains(longLabel + ".svc IN A 10.42.0.1\n");
    assertThat(text).doesNotContain("_" + "h".repeat(63)).doesNotContain("core-1." + longLabel);
    assertThat(text).contains("_http._tcp.web.svc IN SRV 0 10 80 core-1.web.svc." + domain + ".");
    for (String line : text.split("\n")) {
      if (!line.startsWith("$") && !line.startsWith("@")) {
        assertThat(line.split(" ")[0].length() + domain.length() + 1).isLessThanOrEqualTo(253);
      }
    }
  }

  private static void assertEverySrvTargetResolves(Zone zone) {
    for (RRset set : rrsets(zone)) {
      if (set.getType() != Type.SRV) {
        continue;
      }
      for (Record record : set.rrs()) {
        Name target = ((SRVRecord) record).getTarget();
        assertThat(target.isAbsolute()).isTrue();
        assertThat(
                zone.findExactMatch(target, Type.A) != null
                    || zone.findExactMatch(target, Type.AAAA) != null)
            .as("SRV target %s has an address record", target)
            .isTrue();
      }
    }
  }

  static Zone parse(String text) throws IOException {
    return parse(text, DOMAIN);
  }

  static Zone parse(String text, String domain) throws IOException {
    List<Record> records = new ArrayList<>();
    try (Master master =
        new Master(
            new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)),
            Name.fromString(domain + "."))) {
      Record record;
      while ((record = master.nextRecord()) != null) {
        records.add(record);
      }
    }
    return new Zone(Name.fromString(domain + "."), records.toArray(new Record[0]));
  }

  private static List<RRset> rrsets(Zone zone) {
    List<RRset> sets = new ArrayList<>();
    zone.iterator().forEachRemaining(sets::add);
    return sets;
  }

  private static Set<String> allNames(Zone zone) {
    Set<String> names = new TreeSet<>();
    for (RRset set : rrsets(zone)) {
      names.add(set.getName().toString());
    }
    return names;
  }

  private static List<String> addresses(Zone zone, String relative) {
    List<String> out = new ArrayList<>();
    for (int type : new int[] {Type.A, Type.AAAA}) {
      RRset set = zone.findExactMatch(name(relative), type);
      if (set != null) {
        for (Record record : set.rrs()) {
          out.add(record.rdataToString());
        }
      }
    }
    return out;
  }

  private static List<String> srvTargets(Zone zone, String relative) {
    List<String> out = new ArrayList<>();
    RRset set = zone.findExactMatch(name(relative), Type.SRV);
    if (set != null) {
      for (Record record : set.rrs()) {
        out.add(record.rdataToString());
      }
    }
    return out;
  }

  private static Name name(String relative) {
    try {
      return Name.fromString(relative + "." + DOMAIN + ".");
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
