package io.uptimemesh.core.config;

import io.uptimemesh.core.discovery.DnsNames;
import java.nio.file.Path;
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
 * @param served domain, TTL, name servers, port and upstreams: the keys the server reads too
 */
public record AgentDiscoverySettings(
    boolean enabled,
    Path zonePath,
    Path corefilePath,
    Optional<String> reloadCommand,
    Optional<String> listen,
    DiscoverySettings served) {

  static AgentDiscoverySettings read(SettingsReader in, Path dataDir) {
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
    DiscoverySettings served = DiscoverySettings.read(in);
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
}
