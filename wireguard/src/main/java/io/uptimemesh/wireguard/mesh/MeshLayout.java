package io.uptimemesh.wireguard.mesh;

import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.mesh.DesiredState;
import io.uptimemesh.core.mesh.MeshPlanner;
import io.uptimemesh.core.mesh.ProbeAddresses;
import io.uptimemesh.wireguard.Cidr;
import io.uptimemesh.wireguard.WgInterfaceSpec;
import io.uptimemesh.wireguard.WgPeerSpec;
import io.uptimemesh.wireguard.WgPublicKey;
import io.uptimemesh.wireguard.failover.MeshPath;
import io.uptimemesh.wireguard.ip.IpRoute;
import io.uptimemesh.wireguard.ip.IpSpec;
import io.uptimemesh.wireguard.ip.LinkAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The system state a {@link MeshTarget} asks for: both WireGuard interfaces with their peers, and
 * at the IP layer their addresses and routes. Pure: the same target gives the same layout.
 *
 * <p>Layout (ADR 0012):
 *
 * <ul>
 *   <li>WireGuard: each interface gets the peers the desired state lists for it, with the allowed
 *       IPs as given, the peer's endpoint and a keepalive of {@value #KEEPALIVE_SECONDS} s (so a
 *       path's NAT state and handshake age stay fresh for the probes). A non-member gets none.
 *   <li>Addresses: the mesh IPv4 address ({@code /32}) on both interfaces, so it is reachable over
 *       either; the node's primary probe address ({@code /128}) on the primary interface only and
 *       its secondary one on the secondary only.
 *   <li>Routes: each probe prefix over its own interface only (so a probe's reply takes the probed
 *       path); the mesh CIDR over both, the {@code meshCidrPath}'s at the primary metric and the
 *       other at the secondary metric; per peer a host route for each of its IPv4 allowed IPs on
 *       each interface that has the peer, its active path (from {@code activePaths}, default {@code
 *       meshCidrPath}) at the primary metric and the other at the secondary metric. IPv4 routes
 *       name the mesh address as their source, so traffic leaves with the address the peer's
 *       allowed IPs know, whichever interface carries it.
 *   <li>Without a secondary interface everything is on the primary, at the primary metric.
 * </ul>
 *
 * <p>A peer the system could not take (a key or endpoint that does not parse, an allowed IP another
 * peer already has, this node's own key) is left out and named in {@link #skipped()}: one bad entry
 * must not keep the whole mesh from being configured.
 *
 * @param interfaces the primary interface's spec, then the secondary's if there is one
 * @param network addresses and routes of those interfaces
 * @param skipped one line per peer left out, saying why
 */
public record MeshLayout(List<WgInterfaceSpec> interfaces, IpSpec network, List<String> skipped) {
  /** The persistent keepalive of every peer, seconds. */
  public static final int KEEPALIVE_SECONDS = 25;

  /** The MTU of both interfaces: WireGuard's usual, room for its headers over IPv6 underlays. */
  public static final int MTU = 1420;

  public MeshLayout {
    interfaces = List.copyOf(interfaces);
    skipped = List.copyOf(skipped);
  }

  /**
   * The layout for {@code target}.
   *
   * @throws UptimeMeshException (invalid) if the target cannot be laid out: both interfaces with
   *     one name, equal metrics (the kernel keeps one route per destination and metric), or a mesh
   *     address or CIDR that does not parse
   */
  public static MeshLayout of(MeshTarget target) {
    DesiredState desired = target.desired();
    MeshInterface primary = target.primary();
    Optional<MeshInterface> secondary = target.secondary();
    if (secondary.isPresent() && secondary.get().name().equals(primary.name())) {
      throw UptimeMeshException.invalid(
          "primary and secondary interface are both named " + primary.name());
    }
    if (target.primaryMetric() == target.secondaryMetric()) {
      throw UptimeMeshException.invalid(
          "primary and secondary route metric are both " + target.primaryMetric());
    }
    String meshIp = Cidr.host(desired.meshIp()).address();
    if (meshIp.contains(":")) {
      throw UptimeMeshException.invalid("mesh address " + meshIp + " is not IPv4");
    }
    Cidr meshCidr = Cidr.parse(desired.meshCidr());

    List<String> skipped = new ArrayList<>();
    Map<String, Peer> primaryPeers =
        peers(primary, desired.member() ? desired.primaryPeers() : List.of(), skipped);
    Map<String, Peer> secondaryPeers =
        secondary
            .map(s -> peers(s, desired.member() ? desired.secondaryPeers() : List.of(), skipped))
            .orElse(Map.of());

    List<WgInterfaceSpec> interfaces = new ArrayList<>();
    interfaces.add(spec(primary, primaryPeers));
    secondary.ifPresent(s -> interfaces.add(spec(s, secondaryPeers)));

    Set<LinkAddress> addresses = new TreeSet<>();
    Set<IpRoute> routes = new TreeSet<>();
    Optional<String> src = Optional.of(meshIp);
    addresses.add(LinkAddress.host(primary.name(), meshIp));
    addresses.add(LinkAddress.host(primary.name(), ProbeAddresses.primary(meshIp)));
    routes.add(
        new IpRoute(
            primary.name(),
            Cidr.parse(ProbeAddresses.PRIMARY_PREFIX),
            target.primaryMetric(),
            Optional.empty()));
    if (secondary.isEmpty()) {
      routes.add(new IpRoute(primary.name(), meshCidr, target.primaryMetric(), src));
      for (Peer peer : primaryPeers.values()) {
        for (Cidr v4 : peer.ipv4()) {
          routes.add(new IpRoute(primary.name(), v4, target.primaryMetric(), src));
        }
      }
    } else {
      String second = secondary.get().name();
      addresses.add(LinkAddress.host(second, meshIp));
      addresses.add(LinkAddress.host(second, ProbeAddresses.secondary(meshIp)));
      routes.add(
          new IpRoute(
              second,
              Cidr.parse(ProbeAddresses.SECONDARY_PREFIX),
              target.primaryMetric(),
              Optional.empty()));
      Map<MeshPath, String> device =
          Map.of(MeshPath.PRIMARY, primary.name(), MeshPath.SECONDARY, second);
      MeshPath cidrPath = target.meshCidrPath();
      routes.add(new IpRoute(device.get(cidrPath), meshCidr, target.primaryMetric(), src));
      routes.add(
          new IpRoute(device.get(cidrPath.other()), meshCidr, target.secondaryMetric(), src));
      Set<String> nodes = new TreeSet<>(primaryPeers.keySet());
      nodes.addAll(secondaryPeers.keySet());
      for (String node : nodes) {
        Map<MeshPath, Peer> on = new LinkedHashMap<>();
        Optional.ofNullable(primaryPeers.get(node)).ifPresent(p -> on.put(MeshPath.PRIMARY, p));
        Optional.ofNullable(secondaryPeers.get(node)).ifPresent(p -> on.put(MeshPath.SECONDARY, p));
        MeshPath active = target.activePaths().getOrDefault(node, cidrPath);
        for (Map.Entry<MeshPath, Peer> entry : on.entrySet()) {
          // A peer on one interface only has one route: it must win whatever the active path.
          long metric =
              on.size() == 1 || entry.getKey() == active
                  ? target.primaryMetric()
                  : target.secondaryMetric();
          for (Cidr v4 : entry.getValue().ipv4()) {
            routes.add(new IpRoute(device.get(entry.getKey()), v4, metric, src));
          }
        }
      }
    }
    List<String> devices = interfaces.stream().map(WgInterfaceSpec::name).toList();
    IpSpec network =
        new IpSpec(devices, MTU, new TreeSet<>(addresses), new TreeSet<>(dropClashes(routes)));
    return new MeshLayout(interfaces, network, skipped);
  }

  /** A peer as laid out: its WireGuard spec and its IPv4 allowed IPs (to route). */
  private record Peer(WgPeerSpec spec, List<Cidr> ipv4) {}

  private static Map<String, Peer> peers(
      MeshInterface iface, List<MeshPlanner.Peer> wanted, List<String> skipped) {
    Map<String, Peer> peers = new LinkedHashMap<>();
    Set<WgPublicKey> keys = new HashSet<>();
    Set<Cidr> taken = new HashSet<>();
    WgPublicKey own = iface.privateKey().publicKey();
    for (MeshPlanner.Peer peer : wanted) {
      WgPeerSpec spec;
      try {
        spec =
            WgPeerSpec.of(peer.publicKey(), peer.endpoint(), peer.allowedIps(), KEEPALIVE_SECONDS);
      } catch (UptimeMeshException e) {
        skipped.add(iface.name() + ": peer " + peer.nodeId() + " left out: " + e.getMessage());
        continue;
      }
      String clash = null;
      if (spec.publicKey().equals(own)) {
        clash = "it has this interface's own public key";
      } else if (keys.contains(spec.publicKey())) {
        clash = "its public key is another peer's";
      } else if (peers.containsKey(peer.nodeId())) {
        clash = "the node is listed twice";
      } else {
        for (Cidr cidr : spec.allowedIps()) {
          if (taken.contains(cidr)) {
            clash = "allowed IP " + cidr + " is another peer's";
          }
        }
      }
      if (clash != null) {
        skipped.add(iface.name() + ": peer " + peer.nodeId() + " left out: " + clash);
        continue;
      }
      keys.add(spec.publicKey());
      taken.addAll(spec.allowedIps());
      List<Cidr> ipv4 = spec.allowedIps().stream().filter(c -> !c.isIpv6()).toList();
      peers.put(peer.nodeId(), new Peer(spec, ipv4));
    }
    return peers;
  }

  private static WgInterfaceSpec spec(MeshInterface iface, Map<String, Peer> peers) {
    return new WgInterfaceSpec(
        iface.name(),
        iface.privateKey(),
        iface.listenPort(),
        peers.values().stream().map(Peer::spec).toList());
  }

  /**
   * A peer's host route can collide with another route of the same destination and metric (a peer
   * whose mesh address is the mesh CIDR itself, say, a /32 CIDR): the kernel keeps one per key, so
   * the layout keeps the first in its order and the reconcile does not fight itself.
   */
  private static Set<IpRoute> dropClashes(Set<IpRoute> routes) {
    Set<IpRoute.Key> keys = new HashSet<>();
    Set<IpRoute> kept = new TreeSet<>();
    for (IpRoute route : routes) {
      if (keys.add(route.key())) {
        kept.add(route);
      }
    }
    return kept;
  }
}
