package io.uptimemesh.wireguard.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.core.mesh.DesiredState;
import io.uptimemesh.core.mesh.MeshPlanner;
import io.uptimemesh.core.mesh.ProbeAddresses;
import io.uptimemesh.wireguard.CommandRunner;
import io.uptimemesh.wireguard.WgKeys;
import io.uptimemesh.wireguard.WgPrivateKey;
import io.uptimemesh.wireguard.failover.MeshPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node with 1,000 peers on each of its two interfaces, in a network namespace: every apply must
 * still be one {@code wg set} per interface and one {@code ip -batch} per stage. Prints how long
 * each apply took (a measurement for the record, not an assertion: DESIGN.md 9).
 */
class LinuxMeshNetworkScaleIT {
  private static final Logger LOG = LoggerFactory.getLogger(LinuxMeshNetworkScaleIT.class);
  private static final int PEERS = 1000;

  private Netns netns;
  private CommandRunner in;

  @BeforeEach
  void namespace() {
    netns = new Netns();
    in =
        new CommandRunner(
            List.of("ip", "netns", "exec", netns.namespace("scale")), Duration.ofSeconds(60));
  }

  @AfterEach
  void cleanUp() throws Exception {
    netns.close();
  }

  private static String meshIp(int i) {
    return "10.42." + (i / 250) + "." + (i % 250 + 2);
  }

  @Test
  void aThousandPeersOnTwoPaths() {
    List<MeshPlanner.Peer> primary = new ArrayList<>();
    List<MeshPlanner.Peer> secondary = new ArrayList<>();
    for (int i = 0; i < PEERS; i++) {
      String ip = meshIp(i);
      String host = (i / 250) + "." + (i % 250 + 2);
      primary.add(
          new MeshPlanner.Peer(
              "n" + i,
              WgKeys.generate().publicKey().base64(),
              "198.18." + host + ":51820",
              List.of(ip + "/32", ProbeAddresses.primary(ip) + "/128")));
      secondary.add(
          new MeshPlanner.Peer(
              "n" + i,
              WgKeys.generate().publicKey().base64(),
              "198.19." + host + ":51821",
              List.of(ip + "/32", ProbeAddresses.secondary(ip) + "/128")));
    }
    DesiredState desired =
        new DesiredState(
            DesiredState.SCHEMA,
            "self",
            1,
            true,
            "10.42.0.1",
            "10.42.0.0/16",
            0,
            primary,
            secondary);
    WgPrivateKey primaryKey = WgKeys.generate().privateKey();
    WgPrivateKey secondaryKey = WgKeys.generate().privateKey();
    String p = netns.iface("Lp");
    String s = netns.iface("Ls");
    LinuxMeshNetwork network = new LinuxMeshNetwork(in);
    Map<String, MeshPath> allSecondary = new HashMap<>();
    for (int i = 0; i < PEERS; i++) {
      allSecondary.put("n" + i, MeshPath.SECONDARY);
    }
    java.util.function.Function<Map<String, MeshPath>, MeshTarget> target =
        active ->
            new MeshTarget(
                desired,
                new MeshInterface(p, primaryKey, 51820),
                Optional.of(new MeshInterface(s, secondaryKey, 51821)),
                active,
                MeshPath.PRIMARY,
                100,
                200);

    long t0 = System.nanoTime();
    MeshApplyResult created = network.apply(target.apply(Map.of()));
    long t1 = System.nanoTime();
    MeshApplyResult again = network.apply(target.apply(Map.of()));
    long t2 = System.nanoTime();
    MeshApplyResult switched = network.apply(target.apply(allSecondary));
    long t3 = System.nanoTime();
    MeshApplyResult one = network.apply(target.apply(Map.of("n7", MeshPath.SECONDARY)));
    long t4 = System.nanoTime();
    MeshObservation seen = network.observe();
    long t5 = System.nanoTime();

    LOG.info(
        "{} peers per interface: first apply {} ms ({} changes), unchanged apply {} ms, all peers"
            + " switched {} ms ({} changes), all but one switched back {} ms ({} changes),"
            + " observe {} ms",
        PEERS,
        (t1 - t0) / 1_000_000,
        created.changes().size(),
        (t2 - t1) / 1_000_000,
        (t3 - t2) / 1_000_000,
        switched.changes().size(),
        (t4 - t3) / 1_000_000,
        one.changes().size(),
        (t5 - t4) / 1_000_000);
    assertThat(again.changes()).isEmpty();
    assertThat(switched.changes()).hasSize(2 * PEERS);
    assertThat(one.changes()).hasSize(2 * (PEERS - 1));
    assertThat(seen.primary().orElseThrow().peers()).hasSize(PEERS);
    assertThat(seen.secondary().orElseThrow().peers()).hasSize(PEERS);
    // Per peer a host route on each interface, plus the mesh CIDR and a probe prefix on each.
    assertThat(seen.routes()).hasSize(2 * PEERS + 4);
    assertThat(seen.routes())
        .contains("10.42.0.9/32 dev " + s + " metric 100 src 10.42.0.1")
        .contains("10.42.0.10/32 dev " + p + " metric 100 src 10.42.0.1");
    // Warm: what a steady reconcile of an unchanged target costs once the JIT has run.
    List<Long> unchanged = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      long start = System.nanoTime();
      assertThat(network.apply(target.apply(Map.of("n7", MeshPath.SECONDARY))).changed()).isFalse();
      unchanged.add((System.nanoTime() - start) / 1_000_000);
    }
    LOG.info("{} peers per interface: unchanged applies, warm: {} ms", PEERS, unchanged);
    network.tearDown(p, s);
  }
}
