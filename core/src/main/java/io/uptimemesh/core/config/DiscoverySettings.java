package io.uptimemesh.core.config;

import io.uptimemesh.core.discovery.CorefileRenderer;
import io.uptimemesh.core.discovery.DnsNames;
import io.uptimemesh.core.discovery.ZoneRenderer;
import io.uptimemesh.core.error.UptimeMeshException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The discovery settings both sides read: the server to preview the zone and the Corefile, the
 * agents that render them. One parser so both agree on what a value means.
 *
 * @param domain the zone's domain, lower case, without the trailing dot ({@code
 *     RUNTIME_DISCOVERY_DOMAIN})
 * @param ttlSeconds the zone's TTL, 1..86400 ({@code RUNTIME_DISCOVERY_TTL_SECONDS})
 * @param nameservers canonical IP literals; empty: the renderer picks a node's mesh address ({@code
 *     RUNTIME_DISCOVERY_NAMESERVERS})
 * @param port the port CoreDNS listens on ({@code RUNTIME_DISCOVERY_PORT})
 * @param upstreams canonical forward targets as CoreDNS takes them; empty: no forward block ({@code
 *     RUNTIME_DISCOVERY_UPSTREAMS})
 */
public record DiscoverySettings(
    String domain, int ttlSeconds, List<String> nameservers, int port, List<String> upstreams) {
  public static final String DEFAULT_DOMAIN = "mesh.local";
  public static final int DEFAULT_TTL_SECONDS = 10;
  public static final int DEFAULT_PORT = 53;

  public DiscoverySettings {
    nameservers = List.copyOf(nameservers);
    upstreams = List.copyOf(upstreams);
  }

  /** The defaults, as an unset environment gives them. */
  public static DiscoverySettings defaults() {
    return new DiscoverySettings(
        DEFAULT_DOMAIN, DEFAULT_TTL_SECONDS, List.of(), DEFAULT_PORT, List.of());
  }

  /** Reads the five keys; a bad value is recorded as a problem of {@code in}, naming the key. */
  static DiscoverySettings read(SettingsReader in) {
    String domain =
        in.parse(
            RuntimeKey.RUNTIME_DISCOVERY_DOMAIN,
            DEFAULT_DOMAIN,
            DiscoverySettings::parseDomain,
            "expected dot-separated DNS labels (letters, digits, hyphens) such as mesh.local");
    int ttl = in.integer(RuntimeKey.RUNTIME_DISCOVERY_TTL_SECONDS, DEFAULT_TTL_SECONDS, 1, 86_400);
    List<String> nameservers =
        in.parse(
            RuntimeKey.RUNTIME_DISCOVERY_NAMESERVERS,
            List.of(),
            DiscoverySettings::parseNameservers,
            "expected comma-separated IPv4 or IPv6 addresses");
    int port = in.integer(RuntimeKey.RUNTIME_DISCOVERY_PORT, DEFAULT_PORT, 1, 65535);
    List<String> upstreams =
        in.parse(
            RuntimeKey.RUNTIME_DISCOVERY_UPSTREAMS,
            List.of(),
            DiscoverySettings::parseUpstreams,
            "expected comma-separated IP or IP:port ([IPv6]:port) resolvers");
    return new DiscoverySettings(domain, ttl, nameservers, port, upstreams);
  }

  static Optional<String> parseDomain(String text) {
    try {
      String origin = ZoneRenderer.requireDomain(text);
      return Optional.of(origin.substring(0, origin.length() - 1));
    } catch (UptimeMeshException e) {
      return Optional.empty();
    }
  }

  static Optional<List<String>> parseNameservers(String text) {
    List<String> out = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      Optional<DnsNames.IpLiteral> ip = DnsNames.parseAddress(part.strip());
      if (ip.isEmpty()) {
        return Optional.empty();
      }
      out.add(ip.get().text());
    }
    return Optional.of(out);
  }

  static Optional<List<String>> parseUpstreams(String text) {
    List<String> out = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      try {
        out.add(CorefileRenderer.requireUpstream(part.strip()));
      } catch (UptimeMeshException e) {
        return Optional.empty();
      }
    }
    return Optional.of(out);
  }
}
