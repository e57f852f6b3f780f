package io.uptimemesh.core.mesh;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Each node's desired WireGuard peers, from the cluster's nodes: a pure function, so the control
 * plane and its tests compute exactly the same thing.
 *
 * <p>Rules: a node peers with every other <em>member</em> (alive, not revoked, with its WireGuard
 * side reported); on the primary interface through the peer's primary key and endpoint, on the
 * secondary interface through the peer's secondary ones, when both nodes have a secondary path. A
 * peer's mesh address ({@code /32}) is allowed on both interfaces, so it stays reachable over
 * whichever path is active. A stale or revoked node is not a member, so it disappears from its
 * peers' configuration. Peers are ordered by node id: the same input gives the same output.
 */
public final class MeshPlanner {
  /** A node that takes part in the mesh now. */
  public record Member(String nodeId, String meshIp, NodeWireGuard wireGuard) {}

  /** One peer of one interface. */
  public record Peer(String nodeId, String publicKey, String endpoint, List<String> allowedIps) {}

  /** What one node should configure. */
  public record DesiredMesh(
      String nodeId, String meshIp, List<Peer> primaryPeers, List<Peer> secondaryPeers) {}

  private MeshPlanner() {}

  /**
   * @param self the node to plan for
   * @param members every member of the mesh, {@code self} included or not
   * @return its desired peers; empty if {@code self} is not a member (stale, revoked, unreported)
   */
  public static Optional<DesiredMesh> plan(String self, List<Member> members) {
    Optional<Member> me = members.stream().filter(m -> m.nodeId().equals(self)).findFirst();
    if (me.isEmpty()) {
      return Optional.empty();
    }
    List<Member> others =
        members.stream()
            .filter(m -> !m.nodeId().equals(self))
            .sorted(Comparator.comparing(Member::nodeId))
            .toList();
    List<Peer> primary = new ArrayList<>();
    List<Peer> secondary = new ArrayList<>();
    for (Member peer : others) {
      List<String> allowed = List.of(peer.meshIp() + "/32");
      NodeWireGuard wg = peer.wireGuard();
      primary.add(new Peer(peer.nodeId(), wg.primaryPublicKey(), wg.primaryEndpoint(), allowed));
      if (me.get().wireGuard().hasSecondary() && wg.hasSecondary()) {
        secondary.add(
            new Peer(
                peer.nodeId(),
                wg.secondaryPublicKey().get(),
                wg.secondaryEndpoint().get(),
                allowed));
      }
    }
    return Optional.of(
        new DesiredMesh(self, me.get().meshIp(), List.copyOf(primary), List.copyOf(secondary)));
  }
}
