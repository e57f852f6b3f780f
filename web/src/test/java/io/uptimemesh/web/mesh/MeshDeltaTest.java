package io.uptimemesh.web.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.core.mesh.DesiredState;
import io.uptimemesh.core.mesh.DesiredStatePatch;
import io.uptimemesh.core.mesh.WireGuardRegistration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The shared delta gives every unchanged node exactly the document a full plan gives: checked over
 * random sequences of joins, departures, key changes and secondary paths coming and going.
 */
class MeshDeltaTest {
  private static final String CIDR = "10.42.0.0/16";
  private final Random random = new Random(42);

  @Test
  void patchesFromTheSharedDeltaEqualFullPlans() {
    Map<String, MeshView.NodeEntry> nodes = new HashMap<>();
    Map<String, MeshView.MemberPeers> members = new HashMap<>();
    for (int i = 0; i < 30; i++) {
      add(nodes, members, "n" + i, random.nextBoolean());
    }
    MeshView view = new MeshView(1, CIDR, Map.copyOf(nodes), Map.copyOf(members));
    for (int step = 2; step < 200; step++) {
      Map<String, MeshView.NodeEntry> n2 = new HashMap<>(view.nodes());
      Map<String, MeshView.MemberPeers> m2 = new HashMap<>(view.members());
      List<String> ids = new ArrayList<>(n2.keySet());
      String id = ids.get(random.nextInt(ids.size()));
      switch (random.nextInt(4)) {
        case 0 -> m2.remove(id); // stale
        case 1 -> add(n2, m2, id, random.nextBoolean()); // new keys, secondary or not
        case 2 -> add(n2, m2, "x" + step, random.nextBoolean()); // joins
        default -> {
          m2.remove(id);
          m2.remove(ids.get(random.nextInt(ids.size())));
        }
      }
      MeshView next = new MeshView(step, CIDR, Map.copyOf(n2), Map.copyOf(m2));
      MeshDelta delta = MeshDelta.between(view, next);
      for (MeshView.NodeEntry self : next.nodes().values()) {
        MeshView.NodeEntry before = view.nodes().get(self.nodeId());
        if (before == null || !before.sameSelf(self)) {
          continue; // planned in full by the stream
        }
        DesiredState old = view.stateOf(self.nodeId()).orElseThrow();
        DesiredState expected = next.stateOf(self.nodeId()).orElseThrow();
        DesiredStatePatch patch = delta.patchFor(self, old.revision());
        DesiredState patched = patch.applyTo(old);
        assertThat(patched).as("step %d, node %s", step, self.nodeId()).isEqualTo(expected);
        if (expected.digest().equals(old.digest())) {
          assertThat(patch.isEmpty()).as("no-op patch for %s", self.nodeId()).isTrue();
        }
      }
      view = next;
    }
  }

  /**
   * A rough measure of the server's work per change in a 1,000-node mesh with 1,000 streams: the
   * shared delta, then each stream's patch and its JSON. Prints the figures; asserts only a loose
   * bound so a slow CI machine does not fail it.
   */
  @Test
  void oneChangeInAThousandNodeMeshCostsLittlePerStream() {
    Map<String, MeshView.NodeEntry> nodes = new HashMap<>();
    Map<String, MeshView.MemberPeers> members = new HashMap<>();
    for (int i = 0; i < 1000; i++) {
      add(nodes, members, String.format("node-%04d", i), true);
    }
    MeshView view = new MeshView(1, CIDR, Map.copyOf(nodes), Map.copyOf(members));
    long[] samples = new long[50];
    long bytes = 0;
    for (int round = 0; round < samples.length; round++) {
      Map<String, MeshView.NodeEntry> n2 = new HashMap<>(view.nodes());
      Map<String, MeshView.MemberPeers> m2 = new HashMap<>(view.members());
      add(n2, m2, "joiner-" + round, true);
      long start = System.nanoTime();
      MeshView next = new MeshView(round + 2, CIDR, Map.copyOf(n2), Map.copyOf(m2));
      MeshDelta delta = MeshDelta.between(view, next);
      for (MeshView.NodeEntry self : view.nodes().values()) {
        bytes += delta.patchFor(self, view.revision()).toJson().length;
      }
      samples[round] = System.nanoTime() - start;
      view = next;
    }
    java.util.Arrays.sort(samples);
    long p50 = samples[samples.length / 2] / 1000;
    long max = samples[samples.length - 1] / 1000;
    System.out.printf(
        "mesh delta, 1000 nodes x 1000 streams: p50 %d us, max %d us per change, %d bytes/patch%n",
        p50, max, bytes / (samples.length * 1000L));
    assertThat(samples[samples.length / 2]).isLessThan(250_000_000L);
  }

  private void add(
      Map<String, MeshView.NodeEntry> nodes,
      Map<String, MeshView.MemberPeers> members,
      String id,
      boolean secondary) {
    MeshView.NodeEntry old = nodes.get(id);
    String ip =
        old != null ? old.meshIp() : "10.42." + random.nextInt(256) + "." + random.nextInt(256);
    WireGuardRegistration reg =
        new WireGuardRegistration(
            1,
            id,
            0,
            key(),
            "192.0.2.1:51820",
            secondary ? key() : null,
            secondary ? "198.51.100.1:51820" : null,
            0);
    MeshView.NodeEntry entry = new MeshView.NodeEntry(id, ip, false, reg, 0);
    nodes.put(id, entry);
    members.put(id, MeshView.MemberPeers.of(entry.member()));
  }

  private String key() {
    byte[] k = new byte[32];
    random.nextBytes(k);
    return Base64.getEncoder().encodeToString(k);
  }
}
