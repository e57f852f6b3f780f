package io.uptimemesh.launcher.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The lab itself: the routed underlay with two links per node, a cut of one primary link, the core
 * server in the router namespace with joins from inside the node namespaces, and the clean-up
 * (including a crashed run's leftovers).
 */
@Timeout(240)
class MeshLabIT {
  private static final Path TARGET = Path.of("target");

  @Test
  void twoLinksPerNodeTheCutOnlyTakesThePrimaryAndTheCoreAcceptsJoinsFromTheNodes()
      throws Exception {
    List<String> namespaces;
    try (MeshLab lab = MeshLab.create(3, TARGET)) {
      namespaces = lab.namespaces();
      MeshLab.Node n1 = lab.node(1);
      MeshLab.Node n2 = lab.node(2);
      for (MeshLab.Node n : lab.nodes) {
        assertThat(n.primaryLink().length()).isLessThanOrEqualTo(15);
        assertThat(n.wgSecondary().length()).isLessThanOrEqualTo(15);
        assertThat(lab.ping(n.namespace(), MeshLab.SERVICE_ADDRESS)).as(n.id()).isTrue();
      }
      // Both underlays route between nodes, and each over its own link.
      assertThat(lab.ping(n1.namespace(), n2.primaryAddress())).isTrue();
      assertThat(lab.ping(n1.namespace(), n2.secondaryAddress())).isTrue();
      assertThat(lab.ok(n1.namespace(), "ip", "route", "get", n2.secondaryAddress()).stdout())
          .contains("dev " + n1.secondaryLink());
      assertThat(lab.ok(n1.namespace(), "ip", "route", "get", n2.primaryAddress()).stdout())
          .contains("dev " + n1.primaryLink());

      // A continuous ping over the primary underlay: no reply during the cut, replies after it.
      try (ContinuousPing ping = new ContinuousPing(n1.namespace(), n2.primaryAddress(), "p")) {
        await().atMost(Duration.ofSeconds(5)).until(() -> ping.flowing(150));
        long cutAt = System.currentTimeMillis();
        lab.cutPrimary(n1);
        Thread.sleep(1000);
        assertThat(ping.flowing(500)).isFalse();
        assertThat(ping.recoveredAfter(cutAt)).isEmpty();
        long restoredAt = System.currentTimeMillis();
        lab.restorePrimary(n1);
        await().atMost(Duration.ofSeconds(5)).until(() -> ping.recoveredAfter(cutAt).isPresent());
        assertThat(ping.recoveredAfter(cutAt).getAsLong()).isGreaterThanOrEqualTo(restoredAt);
      }

      lab.cutPrimary(n1);

      // The primary path is dead both ways; the secondary and the service address still work.
      assertThat(lab.ping(n1.namespace(), n2.primaryAddress())).isFalse();
      assertThat(lab.ping(n2.namespace(), n1.primaryAddress())).isFalse();
      assertThat(lab.ping(n1.namespace(), n2.secondaryAddress())).isTrue();
      assertThat(lab.ping(n2.namespace(), n1.secondaryAddress())).isTrue();
      assertThat(lab.ping(n1.namespace(), MeshLab.SERVICE_ADDRESS)).isTrue();
      assertThat(lab.ok(n1.namespace(), "ip", "route", "get", MeshLab.SERVICE_ADDRESS).stdout())
          .contains("dev " + n1.secondaryLink());

      lab.restorePrimary(n1);

      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> lab.ping(n1.namespace(), n2.primaryAddress()));
      assertThat(lab.ping(n2.namespace(), n1.primaryAddress())).isTrue();
      assertThat(lab.ok(n1.namespace(), "ip", "route", "get", MeshLab.SERVICE_ADDRESS).stdout())
          .contains("dev " + n1.primaryLink());

      // The core server in the router namespace; every node joins from its own namespace.
      try (MeshCore core = new MeshCore(lab)) {
        core.start();
        core.bootstrapAndLogin();
        String token = core.workerToken(3);
        for (MeshLab.Node n : lab.nodes) {
          core.join(n, token);
          assertThat(core.identityDir(n).resolve(n.id()).resolve("node.key")).exists();
        }
        JsonNode nodes =
            core.json(
                lab.router, "nodes-status", "--api-url", MeshCore.apiUrl(), "--output", "json");
        List<String> ids = new ArrayList<>();
        nodes.path("nodes").forEach(n -> ids.add(n.path("node_id").asText()));
        assertThat(ids).contains("n1", "n2", "n3");
      }
    }
    // Closing removed every namespace of the lab.
    String left = list();
    for (String ns : namespaces) {
      assertThat(left).doesNotContain(ns);
    }
  }

  @Test
  void aLabLeftBehindByADeadRunIsRemovedWhenTheNextLabStarts() throws Exception {
    // A lab whose JVM is gone: a state file naming a pid that no longer runs, a namespace with a
    // process inside it.
    Process dead = new ProcessBuilder("true").start();
    dead.waitFor();
    String suffix = "dead";
    String ns = "umlab-r-" + suffix;
    Files.createDirectories(MeshLab.STATE_DIR);
    Files.writeString(MeshLab.STATE_DIR.resolve(suffix), Long.toString(dead.pid()));
    assertThat(new ProcessBuilder("ip", "netns", "add", ns).start().waitFor()).isZero();
    Process sleeper = new ProcessBuilder("ip", "netns", "exec", ns, "sleep", "600").start();
    await().atMost(Duration.ofSeconds(5)).until(() -> list().contains(ns));

    try (MeshLab lab = MeshLab.create(1, TARGET)) {
      assertThat(list()).doesNotContain(ns).contains(lab.router);
      assertThat(MeshLab.STATE_DIR.resolve(suffix)).doesNotExist();
      await().atMost(Duration.ofSeconds(5)).until(() -> !sleeper.isAlive());
    } finally {
      sleeper.destroyForcibly();
      new ProcessBuilder("ip", "netns", "del", ns).start().waitFor();
    }
  }

  private static String list() throws Exception {
    Process p = new ProcessBuilder("ip", "netns", "list").start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    return out;
  }
}
