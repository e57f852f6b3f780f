package io.uptimemesh.core.mesh;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Each node's desired WireGuard peers, from the cluster's nodes: a pure function, so the control
 * plane and its tests compute exactly the same thing.
 *
 * <p>Rules: a node peers with every other <em>member</em> (alive, not revoked, with its WireGuard
 * side reported); on the primary interface through the peer's primary key and endpoint, on the
 * secondary interface through the peer's secondary ones, when both nodes have a secondary path. A
 * peer's mesh address ({@code /32}) is allowed on both interfaces, so it stays reachable over
 * whichever path is active; each interface also allows the peer's probe address of that path
 * ({@link ProbeAddresses}). A stale or revoked node is not a member, so it disappears from its
 * peers' configuration. The node planned for need not be a member itself: a node whose heartbeats
 * stopped reaching the control plane keeps its peers (its own tunnels are the agent's to keep).
 * Peers are ordered by node id: the same input gives the same output.
 */
public final class MeshPlanner {
  /** A node of the mesh: its id, mesh address and WireGuard side. */
  public record Member(String nodeId, String meshIp, NodeWireGuard wireGuard) {}

  /** One peer of one interface. */
  public record Peer(String nodeId, String publicKey, String endpoint, List<String> allowedIps) {}

  /** What one node should configure. */
  public record DesiredMesh(
      String nodeId, String meshIp, List<Peer> primaryPeers, List<Peer> secondaryPeers) {}

  private MeshPlanner() {}

  /**
   * @param self the node to plan for (alive or not)
   * @param members every member of the mesh now, {@code self} included or not
   * @return its desired peers
   */
  public static DesiredMesh plan(Member self, List<Member> members) {
    List<Member> others =
        members.stream()
            .filter(m -> !m.nodeId().equals(self.nodeId()))
            .sorted(Comparator.comparing(Member::nodeId))
            .toList();
    List<Peer> primary = new ArrayList<>();
    List<Peer> secondary = new ArrayList<>();
    for (Member peer : others) {
      String mesh = peer.meshIp() + "/32";
      NodeWireGuard wg = peer.wireGuard();
      primary.add(
          new Peer(
              peer.nodeId(),
              wg.primaryPublicKey(),
              wg.primaryEndpoint(),
              List.of(mesh, ProbeAddresses.primary(peer.meshIp()) + "/128")));
      if (self.wireGuard().hasSecondary() && wg.hasSecondary()) {
        secondary.add(
            new Peer(
                peer.nodeId(),
                wg.secondaryPublicKey().get(),
                wg.secondaryEndpoint().get(),
                List.of(mesh, ProbeAddresses.secondary(peer.meshIp()) + "/128")));
      }
    }
    return new DesiredMesh(
        self.nodeId(), self.meshIp(), List.copyOf(primary), List.copyOf(secondary));
  }
}
