package io.uptimemesh.core.config;

import io.uptimemesh.core.discovery.CorefileRenderer;
import io.uptimemesh.core.discovery.DnsNames;
import io.uptimemesh.core.discovery.ZoneRenderer;
import io.uptimemesh.core.error.UptimeMeshException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's discovery settings (ADR 0013): whether this node serves DNS (renders the zone, the
 * Corefile and runs the reload command), where the files go, and how the zone is served.
 *
 * @param enabled {@code RUNTIME_DISCOVERY_ENABLE}: render the zone; the agent probes the endpoints
 *     it hosts either way
 * @param zonePath {@code RUNTIME_DISCOVERY_ZONE_PATH}
 * @param corefilePath {@code RUNTIME_DISCOVERY_COREFILE_PATH}, by default {@code Corefile} beside
 *     the zone
 * @param reloadCommand {@code RUNTIME_DISCOVERY_RELOAD_COMMAND}, run with {@code /bin/sh -c}
 * @param listen {@code RUNTIME_DISCOVERY_LISTEN}: empty binds the node's mesh address
 * @param served domain, TTL, name servers, port and upstreams (shared with the server)
 */
public record AgentDiscoverySettings(
    boolean enabled,
    Path zonePath,
    Path corefilePath,
    Optional<String> reloadCommand,
    Optional<String> listen,
    Served served) {

  /**
   * How the zone is served: the same keys and defaults as the server's {@code DiscoverySettings}.
   *
   * @param nameservers empty: this node's mesh address
   * @param upstreams empty: no forwarding block in the Corefile
   */
  public record Served(
      String domain, int ttlSeconds, List<String> nameservers, int port, List<String> upstreams) {
    public Served {
      nameservers = List.copyOf(nameservers);
      upstreams = List.copyOf(upstreams);
    }

    public static Served defaults() {
      return new Served("mesh.local", 10, List.of(), 53, List.of());
    }
  }

  static AgentDiscoverySettings read(
      SettingsReader in, Path dataDir, Map<String, String> environment, Path dotEnvFile) {
    boolean enabled = in.bool(RuntimeKey.RUNTIME_DISCOVERY_ENABLE, false);
    Path zone =
        in.path(RuntimeKey.RUNTIME_DISCOVERY_ZONE_PATH, dataDir.resolve("discovery/mesh.zone"));
    Path corefile =
        in.path(
            RuntimeKey.RUNTIME_DISCOVERY_COREFILE_PATH,
            zone.toAbsolutePath().resolveSibling("Corefile"));
    Optional<String> reload =
        Optional.ofNullable(in.text(RuntimeKey.RUNTIME_DISCOVERY_RELOAD_COMMAND));
    Optional<String> listen =
        in.parse(
            RuntimeKey.RUNTIME_DISCOVERY_LISTEN,
            Optional.empty(),
            t -> DnsNames.parseAddress(t).map(a -> Optional.of(a.text())),
            "expected an IPv4 or IPv6 address literal CoreDNS binds; empty: the mesh address");
    Served served = served(environment, dotEnvFile, in);
    if (enabled && !zone.toAbsolutePath().toString().matches("/[A-Za-z0-9._/+@=,-]*")) {
      in.problems()
          .add(
              ConfigException.notAllowed(
                  in.source(RuntimeKey.RUNTIME_DISCOVERY_ZONE_PATH),
                  RuntimeKey.RUNTIME_DISCOVERY_ZONE_PATH.name(),
                  zone.toString(),
                  "expected a path of letters, digits and ._/+@=,- (the Corefile names it)"));
    }
    return new AgentDiscoverySettings(enabled, zone, corefile, reload, listen, served);
  }

  // TODO(merge): use DiscoverySettings. The server's RUNTIME_DISCOVERY_DOMAIN, _TTL_SECONDS,
  // _NAMESERVERS, _PORT and _UPSTREAMS keys are added to RuntimeKey by the server side of issue 6;
  // until that is merged they are read here by name, with the same names and defaults.
  private static Served served(
      Map<String, String> environment, Path dotEnvFile, SettingsReader in) {
    Map<String, String> values = new HashMap<>();
    if (dotEnvFile != null) {
      values.putAll(DotEnvFile.read(dotEnvFile));
    }
    environment.forEach(
        (k, v) -> {
          if (v != null && !v.isBlank()) {
            values.put(k, v);
          }
        });
    Served d = Served.defaults();
    String domain = d.domain();
    String text = value(values, "RUNTIME_DISCOVERY_DOMAIN");
    if (text != null) {
      try {
        domain = ZoneRenderer.requireDomain(text).replaceAll("\\.$", "");
      } catch (UptimeMeshException e) {
        problem(in, environment, "RUNTIME_DISCOVERY_DOMAIN", text, "expected a DNS domain");
      }
    }
    int ttl =
        number(in, environment, values, "RUNTIME_DISCOVERY_TTL_SECONDS", d.ttlSeconds(), 86400);
    int port = number(in, environment, values, "RUNTIME_DISCOVERY_PORT", d.port(), 65535);
    List<String> nameservers = new ArrayList<>();
    for (String ns : list(values, "RUNTIME_DISCOVERY_NAMESERVERS")) {
      Optional<DnsNames.IpLiteral> address = DnsNames.parseAddress(ns);
      if (address.isEmpty()) {
        problem(
            in, environment, "RUNTIME_DISCOVERY_NAMESERVERS", ns, "expected IP address literals");
      } else {
        nameservers.add(address.get().text());
      }
    }
    List<String> upstreams = new ArrayList<>();
    for (String upstream : list(values, "RUNTIME_DISCOVERY_UPSTREAMS")) {
      try {
        upstreams.add(CorefileRenderer.requireUpstream(upstream));
      } catch (UptimeMeshException e) {
        problem(
            in,
            environment,
            "RUNTIME_DISCOVERY_UPSTREAMS",
            upstream,
            "expected IP or IP:port ([IPv6]:port), comma-separated");
      }
    }
    return new Served(domain, ttl, nameservers, port, upstreams);
  }

  private static String value(Map<String, String> values, String key) {
    String v = values.get(key);
    return v == null || v.isBlank() ? null : v.strip();
  }

  private static List<String> list(Map<String, String> values, String key) {
    String v = value(values, key);
    List<String> out = new ArrayList<>();
    if (v != null) {
      for (String part : v.split(",")) {
        if (!part.isBlank()) {
          out.add(part.strip());
        }
      }
    }
    return out;
  }

  private static int number(
      SettingsReader in,
      Map<String, String> environment,
      Map<String, String> values,
      String key,
      int fallback,
      int max) {
    String text = value(values, key);
    if (text == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(text);
      if (n >= 1 && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problem(in, environment, key, text, "expected an integer 1.." + max);
    return fallback;
  }

  private static void problem(
      SettingsReader in, Map<String, String> environment, String key, String text, String allowed) {
    String fromEnvironment = environment.get(key);
    String source =
        fromEnvironment != null && !fromEnvironment.isBlank() ? SettingsReader.ENVIRONMENT : ".env";
    in.problems().add(ConfigException.notAllowed(source, key, text, allowed));
  }
}
