package io.uptimemesh.core.discovery;

import io.uptimemesh.core.error.UptimeMeshException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Renders the discovery zone (RFC 1035 master file) from nodes and healthy endpoints. Pure and
 * deterministic: the same input gives the same text byte for byte, so a digest of it tells the
 * caller whether the serial must move.
 *
 * <p>Names, relative to {@code $ORIGIN <domain>.}:
 *
 * <ul>
 *   <li>{@code ns<i>} A/AAAA: the name servers (glue for the NS records).
 *   <li>{@code <node>.node} A: a node's mesh address.
 *   <li>{@code <service>.svc} A/AAAA: every healthy endpoint address of the service.
 *   <li>{@code <node>.<service>.svc} A/AAAA: the service's addresses on that node; the SRV target,
 *       because an SRV target must be a name with address records (RFC 2782), and the endpoint's
 *       address is not necessarily the node's mesh address (a container may have its own).
 *   <li>{@code _<port-name>._<proto>.<service>.svc} SRV 0 10 port target.
 * </ul>
 *
 * A record whose name cannot be made a label, whose address is not an IP literal, or whose name
 * would exceed 253 characters is left out; the rest of the zone is still rendered. Two nodes whose
 * names sanitise to the same label share the name (both addresses are published).
 */
public final class ZoneRenderer {
  /** Secondaries poll at most every minute; the agent's own reload is what matters here. */
  static final int REFRESH_SECONDS = 60;

  static final int RETRY_SECONDS = 10;
  static final int EXPIRE_SECONDS = 3600;
  static final int SRV_PRIORITY = 0;

  /** Equal weights: clients spread load evenly over the healthy endpoints. */
  static final int SRV_WEIGHT = 10;

  private ZoneRenderer() {}

  /**
   * Renders the zone.
   *
   * @param domain e.g. {@code mesh.local} (a trailing dot is accepted)
   * @param ttlSeconds default TTL and SOA minimum (negative caching), 1..86400
   * @param serial SOA serial, 0..2^32-1 (see {@link ZoneSerial})
   * @param nameserverAddresses addresses of ns1, ns2, …; if empty, ns1 is the mesh address of the
   *     first node (by label) that has a valid one
   * @throws UptimeMeshException invalid_request for a bad domain, TTL or serial, or when there is
   *     no name server address at all (a zone without NS glue would not load)
   */
  public static String render(
      String domain,
      int ttlSeconds,
      long serial,
      List<DiscoveryNode> nodes,
      List<HealthyEndpoint> endpoints,
      List<String> nameserverAddresses) {
    String origin = requireDomain(domain);
    if (ttlSeconds < 1 || ttlSeconds > 86_400) {
      throw UptimeMeshException.invalid("ttl_seconds must be between 1 and 86400");
    }
    if (serial < 0 || serial > ZoneSerial.MAX) {
      throw UptimeMeshException.invalid("serial must be between 0 and 4294967295");
    }
    int originLength = origin.length();

    TreeSet<String> records = new TreeSet<>();
    Map<String, String> nodeLabels = new HashMap<>();
    TreeSet<String> nodeAddressesByLabel = new TreeSet<>();
    for (DiscoveryNode node : nodes) {
      Optional<String> label = node.label();
      label.ifPresent(l -> nodeLabels.put(node.id(), l));
      Optional<DnsNames.IpLiteral> address = DnsNames.parseAddress(node.meshAddress());
      if (label.isEmpty() || address.isEmpty() || address.get().ipv6()) {
        continue;
      }
      String name = label.get() + ".node";
      if (fits(name, originLength)) {
        records.add(line(name, "A", address.get().text()));
        nodeAddressesByLabel.add(label.get() + " " + address.get().text());
      }
    }

    for (HealthyEndpoint endpoint : endpoints) {
      Optional<String> service = DnsNames.sanitise(endpoint.service());
      Optional<DnsNames.IpLiteral> address = DnsNames.parseAddress(endpoint.address());
      if (service.isEmpty() || address.isEmpty()) {
        continue;
      }
      String serviceName = service.get() + ".svc";
      if (!fits(serviceName, originLength)) {
        continue;
      }
      String type = address.get().recordType();
      records.add(line(serviceName, type, address.get().text()));

      Optional<String> nodeLabel =
          Optional.ofNullable(nodeLabels.get(endpoint.nodeId()))
              .or(() -> DnsNames.sanitise(endpoint.nodeId()));
      Optional<String> portName = DnsNames.sanitise(endpoint.portName());
      if (nodeLabel.isEmpty()
          || portName.isEmpty()
          || !HealthyEndpoint.isProtocol(endpoint.protocolLabel())
          || endpoint.port() < 1
          || endpoint.port() > 65535) {
        continue;
      }
      String target = nodeLabel.get() + "." + serviceName;
      String srvName = "_" + portName.get() + "._" + endpoint.protocolLabel() + "." + serviceName;
      if (!fits(target, originLength) || !fits(srvName, originLength)) {
        continue;
      }
      records.add(line(target, type, address.get().text()));
      records.add(
          line(
              srvName,
              "SRV",
              SRV_PRIORITY
                  + " "
                  + SRV_WEIGHT
                  + " "
                  + endpoint.port()
                  + " "
                  + target
                  + "."
                  + origin));
    }

    List<String> nsAddresses = new ArrayList<>();
    for (String text : nameserverAddresses) {
      nsAddresses.add(DnsNames.requireAddress("nameserver address", text).text());
    }
    if (nsAddresses.isEmpty()) {
      if (nodeAddressesByLabel.isEmpty()) {
        throw UptimeMeshException.invalid(
            "the zone needs a name server address: give one or a node with a mesh address");
      }
      nsAddresses.add(nodeAddressesByLabel.first().split(" ")[1]);
    }

    StringBuilder out = new StringBuilder();
    out.append("$ORIGIN ").append(origin).append('\n');
    out.append("$TTL ").append(ttlSeconds).append('\n');
    out.append(
        line(
            "@",
            "SOA",
            "ns1."
                + origin
                + " hostmaster."
                + origin
                + " "
                + serial
                + " "
                + REFRESH_SECONDS
                + " "
                + RETRY_SECONDS
                + " "
                + EXPIRE_SECONDS
                + " "
                + ttlSeconds));
    out.append('\n');
    for (int i = 0; i < nsAddresses.size(); i++) {
      out.append(line("@", "NS", "ns" + (i + 1) + "." + origin)).append('\n');
    }
    for (int i = 0; i < nsAddresses.size(); i++) {
      DnsNames.IpLiteral ns = DnsNames.parseAddress(nsAddresses.get(i)).orElseThrow();
      out.append(line("ns" + (i + 1), ns.recordType(), ns.text())).append('\n');
    }
    for (String record : records) {
      out.append(record).append('\n');
    }
    return out.toString();
  }

  /**
   * SHA-256 (hex) of the zone as rendered with serial 0: equal digests mean equal content, so the
   * caller asks {@link ZoneSerial#next} for a new serial only when the digest changed.
   */
  public static String contentDigest(
      String domain,
      int ttlSeconds,
      List<DiscoveryNode> nodes,
      List<HealthyEndpoint> endpoints,
      List<String> nameserverAddresses) {
    String text = render(domain, ttlSeconds, 0, nodes, endpoints, nameserverAddresses);
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * Checks the zone's domain: dot-separated RFC 1035 labels, at most 253 characters.
   *
   * @return the origin, lower case, with the trailing dot
   */
  public static String requireDomain(String domain) {
    if (domain == null) {
      throw UptimeMeshException.invalid("domain must not be empty");
    }
    String bare = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
    bare = bare.toLowerCase(Locale.ROOT);
    if (bare.isEmpty() || bare.length() > DnsNames.MAX_NAME_LENGTH - 20) {
      throw UptimeMeshException.invalid("domain must be 1-233 characters");
    }
    for (String label : bare.split("\\.", -1)) {
      if (!DnsNames.isLabel(label)) {
        throw UptimeMeshException.invalid(
            "domain must be dot-separated DNS labels (letters, digits, hyphens): " + domain);
      }
    }
    return bare + ".";
  }

  /** relative + "." + origin (origin has its trailing dot, which does not count) fits 253. */
  private static boolean fits(String relative, int originLength) {
    return relative.length() + originLength <= DnsNames.MAX_NAME_LENGTH;
  }

  private static String line(String name, String type, String data) {
    return name + " IN " + type + " " + data;
  }
}
