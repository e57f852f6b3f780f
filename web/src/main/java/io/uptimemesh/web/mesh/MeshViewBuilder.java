package io.uptimemesh.web.mesh;

import io.uptimemesh.core.identity.NodeRecord;
import io.uptimemesh.core.mesh.MeshPlanner;
import io.uptimemesh.core.mesh.WireGuardRegistration;
import io.uptimemesh.core.mesh.WireGuardRotation;
import io.uptimemesh.etcd.CacheSnapshot;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.KeyLayout;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds {@link MeshView}s from cache snapshots. A snapshot differs from the previous one in a few
 * keys, so the builder decodes only entries whose mod revision changed and hands back the previous
 * objects for the rest: a change costs one pass of revision comparisons over the node families, not
 * a thousand JSON decodes. Not thread-safe: used on the watch cache's context only.
 */
final class MeshViewBuilder {
  private record Decoded<T>(long modRevision, T value) {}

  private final EtcdStore store;
  private final String meshCidr;
  private final Map<String, Decoded<NodeRecord>> nodeRecords = new HashMap<>();
  private final Map<String, Decoded<WireGuardRegistration>> registrations = new HashMap<>();
  private final Map<String, Decoded<WireGuardRotation>> rotations = new HashMap<>();
  private MeshView last;

  MeshViewBuilder(EtcdStore store, String meshCidr) {
    this.store = store;
    this.meshCidr = meshCidr;
    this.last = MeshView.empty(meshCidr);
  }

  /**
   * The view of {@code snapshot}.
   *
   * @return the previous view itself if nothing a document depends on changed
   */
  MeshView build(CacheSnapshot snapshot) {
    KeyLayout keys = store.layout();
    Map<String, NodeRecord> nodes =
        decodeAll(snapshot, keys.nodesPrefix(), NodeRecord.class, nodeRecords);
    Map<String, WireGuardRegistration> regs =
        decodeAll(snapshot, keys.nodeWireGuardPrefix(), WireGuardRegistration.class, registrations);
    Map<String, WireGuardRotation> rots =
        decodeAll(snapshot, keys.nodeWgRotationPrefix(), WireGuardRotation.class, rotations);

    Map<String, MeshView.NodeEntry> entries = new HashMap<>(nodes.size() * 2);
    Map<String, MeshView.MemberPeers> members = new HashMap<>(nodes.size() * 2);
    boolean changed = nodes.size() != last.nodes().size();
    for (Map.Entry<String, NodeRecord> e : nodes.entrySet()) {
      String id = e.getKey();
      NodeRecord node = e.getValue();
      WireGuardRegistration reg = regs.get(id);
      WireGuardRotation rot = rots.get(id);
      long generation =
          Math.max(reg == null ? 0 : reg.keyGeneration(), rot == null ? 0 : rot.keyGeneration());
      MeshView.NodeEntry before = last.nodes().get(id);
      MeshView.NodeEntry entry;
      if (before != null
          && before.registration() == reg
          && before.revoked() == node.revoked()
          && before.meshIp().equals(node.meshIp())
          && before.generation() == generation) {
        entry = before;
      } else {
        entry = new MeshView.NodeEntry(id, node.meshIp(), node.revoked(), reg, generation);
        changed = true;
      }
      entries.put(id, entry);
      boolean alive = snapshot.get(keys.alive(id)).isPresent();
      if (alive && !node.revoked() && reg != null) {
        MeshView.MemberPeers peers = last.members().get(id);
        MeshPlanner.Member member = entry.member();
        if (peers == null || !peers.member().equals(member)) {
          peers = MeshView.MemberPeers.of(member);
          changed = true;
        }
        members.put(id, peers);
      }
    }
    changed |= members.size() != last.members().size();
    if (!changed) {
      return last;
    }
    last = new MeshView(snapshot.revision(), meshCidr, Map.copyOf(entries), Map.copyOf(members));
    return last;
  }

  /**
   * Decodes a family, reusing the objects of entries whose mod revision did not change (so that
   * equal values are the same object, which the view compares by reference).
   */
  private <T> Map<String, T> decodeAll(
      CacheSnapshot snapshot, String prefix, Class<T> type, Map<String, Decoded<T>> memo) {
    Map<String, T> out = new HashMap<>();
    for (CacheSnapshot.Entry e : snapshot.withPrefix(prefix).values()) {
      String id = KeyLayout.lastSegment(e.key());
      Decoded<T> d = memo.get(id);
      if (d == null || d.modRevision() != e.modRevision()) {
        try {
          d = new Decoded<>(e.modRevision(), store.decode(e, type).value());
        } catch (RuntimeException bad) {
          continue; // a document this code cannot read: left out, as if absent
        }
        memo.put(id, d);
      }
      out.put(id, d.value());
    }
    memo.keySet().retainAll(out.keySet());
    return out;
  }
}
