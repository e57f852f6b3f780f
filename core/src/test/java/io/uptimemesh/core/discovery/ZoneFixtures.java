package io.uptimemesh.core.discovery;

import java.util.ArrayList;
import java.util.List;

/** Inputs shared by the unit tests and the named-checkzone IT, so both check the same zones. */
final class ZoneFixtures {
  private ZoneFixtures() {}

  static List<DiscoveryNode> oddNodes() {
    return List.of(
        new DiscoveryNode("n1", "Core-1", "10.42.0.1"),
        new DiscoveryNode("n2", "worker_2.eu", "10.42.0.2"),
        new DiscoveryNode("n3", "Ünïcødé-节点", "10.42.0.3"),
        new DiscoveryNode("n4", "x".repeat(70), "10.42.0.4"),
        // Nothing usable remains after sanitising: left out.
        new DiscoveryNode("n5", "___", "10.42.0.5"),
        // Bad addresses: left out.
        new DiscoveryNode("n6", "bad-address", "10.42.0.256"),
        new DiscoveryNode("n7", "ipv6-mesh", "fd00::7"),
        new DiscoveryNode("n8", null, "10.42.0.8"));
  }

  static List<HealthyEndpoint> oddEndpoints() {
    return List.of(
        new HealthyEndpoint("Web_Front", "n1", "10.42.0.1", 8080, "tcp", "http"),
        new HealthyEndpoint("Web_Front", "n2", "2001:DB8:0:0:0:0:0:1", 8080, "tcp", "http"),
        // Duplicate of the first: one record.
        new HealthyEndpoint("Web_Front", "n1", "10.42.0.1", 8080, "tcp", "http"),
        new HealthyEndpoint("dns", "n3", "10.42.0.3", 53, "udp", "DNS"),
        new HealthyEndpoint("y".repeat(70), "n4", "10.42.0.4", 443, "tcp", "https"),
        // Bad endpoints: no records at all.
        new HealthyEndpoint("broken", "n1", "not-an-ip", 80, "tcp", "http"),
        new HealthyEndpoint("日本", "n1", "10.42.0.1", 80, "tcp", "http"),
        // Bad SRV parts: the address records stay, the SRV record goes.
        new HealthyEndpoint("noproto", "n1", "10.42.0.1", 80, "sctp", "http"),
        new HealthyEndpoint("noport", "n1", "10.42.0.1", 0, "tcp", "http"),
        new HealthyEndpoint("noname", "n1", "10.42.0.1", 80, "tcp", "__"),
        // A node the zone does not know: its id becomes the target label.
        new HealthyEndpoint("orphan", "Node_9", "fd00::9", 9000, "udp", "game"));
  }

  /** 1,000 endpoints over 50 services on 100 nodes, half IPv4 and half IPv6. */
  static List<HealthyEndpoint> manyEndpoints() {
    List<HealthyEndpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      String node = "n" + (i % 100);
      String address = i % 2 == 0 ? "10.43." + (i / 250) + "." + (i % 250) : "fd00::" + (i + 1);
      endpoints.add(new HealthyEndpoint("svc-" + (i % 50), node, address, 1000 + i, "tcp", "p"));
    }
    return endpoints;
  }

  static List<DiscoveryNode> manyNodes() {
    List<DiscoveryNode> nodes = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      nodes.add(new DiscoveryNode("n" + i, "node-" + i, "10.42.1." + i));
    }
    return nodes;
  }
}
