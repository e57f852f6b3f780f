package io.uptimemesh.web.mesh;

import io.uptimemesh.core.mesh.DesiredState;
import io.uptimemesh.core.mesh.MeshPlanner;
import io.uptimemesh.core.mesh.NodeWireGuard;
import io.uptimemesh.core.mesh.WireGuardRegistration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The mesh at one etcd revision, as the desired-state streams need it: every node with its
 * registration and desired key generation, and the members (alive, not revoked, registered) with
 * their peer entries computed once. Immutable; entries that did not change are the same objects as
 * in the previous view, so comparing two views is mostly reference checks.
 *
 * @param revision the etcd revision of the cache snapshot it was built from
 * @param meshCidr the cluster's mesh CIDR
 * @param nodes every node with a node record, by id
 * @param members the members, by id
 */
record MeshView(
    long revision,
    String meshCidr,
    Map<String, NodeEntry> nodes,
    Map<String, MemberPeers> members) {

  /**
   * One node as its own document needs it.
   *
   * @param registration its WireGuard registration, or null before it registered
   * @param generation the desired key generation: the higher of the requested and registered one
   */
  record NodeEntry(
      String nodeId,
      String meshIp,
      boolean revoked,
      WireGuardRegistration registration,
      long generation) {

    /** Null before it registered. */
    MeshPlanner.Member member() {
      return registration == null
          ? null
          : new MeshPlanner.Member(nodeId, meshIp, registration.wireGuard());
    }

    /** True if its own document's scalars and its view of the peers are the same for both. */
    boolean sameSelf(NodeEntry other) {
      return other != null
          && meshIp.equals(other.meshIp)
          && revoked == other.revoked
          && generation == other.generation
          && Objects.equals(
              registration == null ? null : registration.wireGuard(),
              other.registration == null ? null : other.registration.wireGuard());
    }

    boolean hasSecondary() {
      return registration != null && registration.wireGuard().hasSecondary();
    }
  }

  /**
   * A member and its peer entries, as any other node's interfaces list it.
   *
   * @param secondary null if it has no secondary path
   */
  record MemberPeers(
      MeshPlanner.Member member, MeshPlanner.Peer primary, MeshPlanner.Peer secondary) {

    /** A node id no real node has (ids are validated): plans one member as seen by anyone. */
    private static final MeshPlanner.Member OBSERVER =
        new MeshPlanner.Member(
            "", "0.0.0.0", new NodeWireGuard("", "", Optional.of(""), Optional.of("")));

    /** The entries exactly as {@link MeshPlanner} makes them, so patches and plans agree. */
    static MemberPeers of(MeshPlanner.Member member) {
      MeshPlanner.DesiredMesh plan = MeshPlanner.plan(OBSERVER, List.of(member));
      return new MemberPeers(
          member,
          plan.primaryPeers().get(0),
          plan.secondaryPeers().isEmpty() ? null : plan.secondaryPeers().get(0));
    }
  }

  static MeshView empty(String meshCidr) {
    return new MeshView(0, meshCidr, Map.of(), Map.of());
  }

  /** The members sorted by node id, as the planner takes them. */
  List<MeshPlanner.Member> memberList() {
    List<MeshPlanner.Member> list = new ArrayList<>(members.size());
    members.values().forEach(m -> list.add(m.member()));
    list.sort(Comparator.comparing(MeshPlanner.Member::nodeId));
    return list;
  }

  /**
   * The whole document of {@code nodeId} at this view's revision.
   *
   * @return empty if the node is unknown or has not registered its WireGuard keys
   */
  Optional<DesiredState> stateOf(String nodeId) {
    NodeEntry self = nodes.get(nodeId);
    if (self == null || self.registration() == null) {
      return Optional.empty();
    }
    if (self.revoked()) {
      return Optional.of(
          new DesiredState(
              DesiredState.SCHEMA,
              nodeId,
              revision,
              false,
              self.meshIp(),
              meshCidr,
              self.generation(),
              List.of(),
              List.of()));
    }
    return Optional.of(
        DesiredState.of(
            MeshPlanner.plan(self.member(), memberList()), revision, meshCidr, self.generation()));
  }
}
