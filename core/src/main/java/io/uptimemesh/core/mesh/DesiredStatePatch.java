package io.uptimemesh.core.mesh;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The change from one desired state of a node to the next, as the stream sends it: a change of one
 * node in a mesh of a thousand is a few hundred bytes to each agent instead of the whole peer list.
 *
 * <p>A patch applies only to the document of revision {@code baseRevision}; an agent holding
 * another revision has missed something and fetches the whole document again. The scalar fields are
 * always sent whole.
 *
 * @param schema {@value DesiredState#SCHEMA}
 * @param nodeId the node it is for
 * @param baseRevision the revision of the document it applies to
 * @param revision the revision of the result
 * @param member as {@link DesiredState#member()}
 * @param meshIp as {@link DesiredState#meshIp()}
 * @param meshCidr as {@link DesiredState#meshCidr()}
 * @param wgKeyGeneration as {@link DesiredState#wgKeyGeneration()}
 * @param primaryUpserts primary peers added or changed
 * @param primaryRemovals node ids of primary peers removed
 * @param secondaryUpserts secondary peers added or changed
 * @param secondaryRemovals node ids of secondary peers removed
 */
public record DesiredStatePatch(
    int schema,
    String nodeId,
    long baseRevision,
    long revision,
    boolean member,
    String meshIp,
    String meshCidr,
    long wgKeyGeneration,
    List<MeshPlanner.Peer> primaryUpserts,
    List<String> primaryRemovals,
    List<MeshPlanner.Peer> secondaryUpserts,
    List<String> secondaryRemovals) {

  public DesiredStatePatch {
    Objects.requireNonNull(nodeId, "nodeId");
    primaryUpserts = List.copyOf(primaryUpserts == null ? List.of() : primaryUpserts);
    primaryRemovals = List.copyOf(primaryRemovals == null ? List.of() : primaryRemovals);
    secondaryUpserts = List.copyOf(secondaryUpserts == null ? List.of() : secondaryUpserts);
    secondaryRemovals = List.copyOf(secondaryRemovals == null ? List.of() : secondaryRemovals);
  }

  /** The patch that turns {@code before} into {@code after} (both for the same node). */
  public static DesiredStatePatch between(DesiredState before, DesiredState after) {
    if (!before.nodeId().equals(after.nodeId())) {
      throw new IllegalArgumentException("a patch between two nodes' states");
    }
    List<MeshPlanner.Peer> primaryUpserts = new ArrayList<>();
    List<String> primaryRemovals = new ArrayList<>();
    diff(before.primaryPeers(), after.primaryPeers(), primaryUpserts, primaryRemovals);
    List<MeshPlanner.Peer> secondaryUpserts = new ArrayList<>();
    List<String> secondaryRemovals = new ArrayList<>();
    diff(before.secondaryPeers(), after.secondaryPeers(), secondaryUpserts, secondaryRemovals);
    return new DesiredStatePatch(
        DesiredState.SCHEMA,
        after.nodeId(),
        before.revision(),
        after.revision(),
        after.member(),
        after.meshIp(),
        after.meshCidr(),
        after.wgKeyGeneration(),
        primaryUpserts,
        primaryRemovals,
        secondaryUpserts,
        secondaryRemovals);
  }

  /** True if applying it changes nothing but the revision. */
  public boolean isEmpty() {
    return primaryUpserts.isEmpty()
        && primaryRemovals.isEmpty()
        && secondaryUpserts.isEmpty()
        && secondaryRemovals.isEmpty();
  }

  /**
   * The document this patch makes of {@code base}.
   *
   * @throws UptimeMeshException (conflict) if {@code base} is not the document the patch was made
   *     against: the caller fetches the whole document instead
   */
  public DesiredState applyTo(DesiredState base) {
    if (!base.nodeId().equals(nodeId) || base.revision() != baseRevision) {
      throw UptimeMeshException.conflict(
          "patch for revision "
              + baseRevision
              + " of "
              + nodeId
              + " does not apply to revision "
              + base.revision()
              + " of "
              + base.nodeId());
    }
    return new DesiredState(
        DesiredState.SCHEMA,
        nodeId,
        revision,
        member,
        meshIp,
        meshCidr,
        wgKeyGeneration,
        merge(base.primaryPeers(), primaryUpserts, primaryRemovals),
        merge(base.secondaryPeers(), secondaryUpserts, secondaryRemovals));
  }

  /** The JSON document. */
  public byte[] toJson() {
    try {
      return Json.mapper().writeValueAsBytes(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a desired-state patch", e);
    }
  }

  /**
   * Reads a patch.
   *
   * @throws UptimeMeshException (invalid) if it is not one of a schema this code knows
   */
  public static DesiredStatePatch parse(byte[] json) {
    DesiredStatePatch patch;
    try {
      patch = Json.mapper().readValue(json, DesiredStatePatch.class);
    } catch (IOException | RuntimeException e) {
      throw UptimeMeshException.invalid("not a desired-state patch: " + e.getMessage());
    }
    if (patch.schema() != DesiredState.SCHEMA) {
      throw UptimeMeshException.invalid(
          "desired-state patch schema " + patch.schema() + " is not " + DesiredState.SCHEMA);
    }
    return patch;
  }

  private static void diff(
      List<MeshPlanner.Peer> before,
      List<MeshPlanner.Peer> after,
      List<MeshPlanner.Peer> upserts,
      List<String> removals) {
    Map<String, MeshPlanner.Peer> old = byNode(before);
    Set<String> kept = new HashSet<>();
    for (MeshPlanner.Peer peer : after) {
      kept.add(peer.nodeId());
      if (!peer.equals(old.get(peer.nodeId()))) {
        upserts.add(peer);
      }
    }
    for (MeshPlanner.Peer peer : before) {
      if (!kept.contains(peer.nodeId())) {
        removals.add(peer.nodeId());
      }
    }
  }

  /**
   * The base list (sorted by node id, as every document's is) with the removals and upserts
   * applied: a copy and a binary search per changed peer, so an agent of a 1,000-node mesh applies
   * one node's change without rebuilding or re-sorting its peer list.
   */
  private static List<MeshPlanner.Peer> merge(
      List<MeshPlanner.Peer> base, List<MeshPlanner.Peer> upserts, List<String> removals) {
    if (upserts.isEmpty() && removals.isEmpty()) {
      return base;
    }
    List<MeshPlanner.Peer> merged = new ArrayList<>(base);
    for (String gone : removals) {
      int at = indexOf(merged, gone);
      if (at >= 0) {
        merged.remove(at);
      }
    }
    for (MeshPlanner.Peer peer : upserts) {
      int at = indexOf(merged, peer.nodeId());
      if (at >= 0) {
        merged.set(at, peer);
      } else {
        merged.add(-at - 1, peer);
      }
    }
    return merged;
  }

  private static int indexOf(List<MeshPlanner.Peer> sorted, String nodeId) {
    int low = 0;
    int high = sorted.size() - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      int cmp = sorted.get(mid).nodeId().compareTo(nodeId);
      if (cmp < 0) {
        low = mid + 1;
      } else if (cmp > 0) {
        high = mid - 1;
      } else {
        return mid;
      }
    }
    return -(low + 1);
  }

  private static Map<String, MeshPlanner.Peer> byNode(List<MeshPlanner.Peer> peers) {
    Map<String, MeshPlanner.Peer> map = new LinkedHashMap<>();
    peers.forEach(p -> map.put(p.nodeId(), p));
    return map;
  }
}
