package io.uptimemesh.web.mesh;

import io.uptimemesh.core.mesh.DesiredState;
import io.uptimemesh.core.mesh.DesiredStatePatch;
import io.uptimemesh.core.mesh.MeshPlanner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What changed among the members between two views, as peer entries: computed once per change and
 * shared by every stream, each of which only leaves itself out. So a change of one node in a mesh
 * of a thousand costs each of a thousand streams a few list entries, not a plan of a thousand peers
 * (which would be a million peer comparisons per change).
 *
 * <p>Valid for the streams of nodes whose own entry did not change between the two views; the
 * others are planned again in full ({@link DesiredStateStream}).
 */
record MeshDelta(
    MeshView from,
    MeshView to,
    List<MeshPlanner.Peer> primaryUpserts,
    List<String> primaryRemovals,
    List<MeshPlanner.Peer> secondaryUpserts,
    List<String> secondaryRemovals) {

  static MeshDelta between(MeshView from, MeshView to) {
    List<MeshPlanner.Peer> pu = new ArrayList<>();
    List<String> pr = new ArrayList<>();
    List<MeshPlanner.Peer> su = new ArrayList<>();
    List<String> sr = new ArrayList<>();
    Map<String, MeshView.MemberPeers> before = from.members();
    for (Map.Entry<String, MeshView.MemberPeers> e : to.members().entrySet()) {
      MeshView.MemberPeers now = e.getValue();
      MeshView.MemberPeers old = before.get(e.getKey());
      if (old == now) {
        continue;
      }
      if (old == null || !old.primary().equals(now.primary())) {
        pu.add(now.primary());
      }
      if (now.secondary() != null) {
        if (old == null || !now.secondary().equals(old.secondary())) {
          su.add(now.secondary());
        }
      } else if (old != null && old.secondary() != null) {
        sr.add(e.getKey());
      }
    }
    for (Map.Entry<String, MeshView.MemberPeers> e : before.entrySet()) {
      if (!to.members().containsKey(e.getKey())) {
        pr.add(e.getKey());
        if (e.getValue().secondary() != null) {
          sr.add(e.getKey());
        }
      }
    }
    return new MeshDelta(from, to, pu, pr, su, sr);
  }

  boolean isEmpty() {
    return primaryUpserts.isEmpty()
        && primaryRemovals.isEmpty()
        && secondaryUpserts.isEmpty()
        && secondaryRemovals.isEmpty();
  }

  /**
   * The patch for node {@code self} (whose own entry is the same in both views) from its document
   * of {@code baseRevision}.
   */
  DesiredStatePatch patchFor(MeshView.NodeEntry self, long baseRevision) {
    String id = self.nodeId();
    boolean secondary = self.hasSecondary();
    return new DesiredStatePatch(
        DesiredState.SCHEMA,
        id,
        baseRevision,
        to.revision(),
        true,
        self.meshIp(),
        to.meshCidr(),
        self.generation(),
        withoutPeer(primaryUpserts, id),
        without(primaryRemovals, id),
        secondary ? withoutPeer(secondaryUpserts, id) : List.of(),
        secondary ? without(secondaryRemovals, id) : List.of());
  }

  private static List<MeshPlanner.Peer> withoutPeer(List<MeshPlanner.Peer> peers, String id) {
    if (peers.stream().noneMatch(p -> p.nodeId().equals(id))) {
      return peers;
    }
    return peers.stream().filter(p -> !p.nodeId().equals(id)).toList();
  }

  private static List<String> without(List<String> ids, String id) {
    if (!ids.contains(id)) {
      return ids;
    }
    return ids.stream().filter(i -> !i.equals(id)).toList();
  }
}
