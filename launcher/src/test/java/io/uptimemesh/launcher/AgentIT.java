package io.uptimemesh.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.agent.Agent;
import io.uptimemesh.agent.status.StatusClient;
import io.uptimemesh.core.config.AgentSettings;
import io.uptimemesh.core.json.Json;
import io.uptimemesh.testkit.FreePorts;
import io.uptimemesh.wireguard.mesh.MeshApplyResult;
import io.uptimemesh.wireguard.mesh.MeshNetwork;
import io.uptimemesh.wireguard.mesh.MeshObservation;
import io.uptimemesh.wireguard.mesh.MeshTarget;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real {@code uptimemesh server} processes, nodes joined with {@code uptimemesh join}, and agents
 * in this JVM with a recording mesh: registration and peers, degraded mode when the control plane
 * dies (nothing torn down), restart from the persisted state, recovery, and moving to the other
 * core node when the one in use is killed.
 */
class AgentIT {
  @TempDir Path dir;

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(20, TimeUnit.SECONDS);
  }

  /** Records what the agent asked for and changes nothing on the host. */
  static final class RecordingMesh implements MeshNetwork {
    final List<MeshTarget> applied = new CopyOnWriteArrayList<>();
    final List<String> tearDowns = new CopyOnWriteArrayList<>();

    @Override
    public MeshApplyResult apply(MeshTarget target) {
      applied.add(target);
      return new MeshApplyResult(List.of());
    }

    @Override
    public MeshObservation observe() {
      return new MeshObservation(Optional.empty(), Optional.empty(), List.of());
    }

    @Override
    public void tearDown(String primaryIface, String secondaryIface) {
      tearDowns.add(primaryIface);
    }

    List<String> peers() {
      return applied.isEmpty()
          ? List.of()
          : applied.get(applied.size() - 1).desired().primaryPeers().stream()
              .map(p -> p.nodeId())
              .toList();
    }
  }

  private Path join(CoreCluster cluster, String token, String nodeId) {
    Path data = dir.resolve(nodeId);
    Cli.Result r =
        Cli.run(
            "join",
            "--api-url",
            cluster.apiUrls(),
            "--token",
            token,
            "--node-id",
            nodeId,
            "--name",
            nodeId,
            "--identity-dir",
            data.resolve("identities").toString());
    assertThat(r.code()).as(r.stderr()).isZero();
    return data;
  }

  private AgentSettings settings(String nodeId, int host, String apis) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("RUNTIME_NODE_ID", nodeId);
    env.put("UPTIMEMESH_DATA_DIR", dir.resolve(nodeId).toString());
    env.put("RUNTIME_API_BASE_URL", apis);
    env.put("RUNTIME_WG_PRIMARY_ENDPOINT", "192.0.2." + host + ":51820");
    env.put("RUNTIME_WG_SECONDARY_ENDPOINT", "198.51.100." + host + ":51821");
    env.put("RUNTIME_PROBE_PORT", Integer.toString(FreePorts.allocate(1)[0]));
    env.put("RUNTIME_HEARTBEAT_INTERVAL_SECONDS", "1");
    env.put("RUNTIME_CONTROL_PLANE_CHECK_SECONDS", "5");
    return AgentSettings.load(env, null);
  }

  private String deploy(AgentSettings settings, MeshNetwork mesh) throws Exception {
    return vertx
        .deployVerticle(new Agent(settings, mesh, Clock.systemUTC(), () -> "192.0.2.99"))
        .await(30, TimeUnit.SECONDS);
  }

  private JsonNode status(String nodeId) throws Exception {
    StatusClient.Answer a = StatusClient.get(dir.resolve(nodeId).resolve("agent.sock"), "/status");
    assertThat(a.status()).isEqualTo(200);
    return Json.mapper().readTree(a.body());
  }

  private static String workerToken(CoreCluster cluster, int uses) {
    return cluster
        .json(
            "create-token",
            "--api-url",
            cluster.apiUrls(),
            "--role",
            "worker",
            "--uses",
            Integer.toString(uses),
            "--output",
            "json")
        .path("token")
        .asText();
  }

  @Test
  void agentsPeerGoDegradedRestartFromTheirStateAndRecover() throws Exception {
    try (CoreCluster cluster = CoreCluster.start(dir.resolve("cluster"), 1, "")) {
      String token = workerToken(cluster, 2);
      join(cluster, token, "w1");
      join(cluster, token, "w2");
      RecordingMesh mesh1 = new RecordingMesh();
      RecordingMesh mesh2 = new RecordingMesh();
      String agent1 = deploy(settings("w1", 1, cluster.apiUrls()), mesh1);
      deploy(settings("w2", 2, cluster.apiUrls()), mesh2);

      await().atMost(Duration.ofSeconds(30)).until(() -> mesh1.peers().equals(List.of("w2")));
      await().atMost(Duration.ofSeconds(30)).until(() -> mesh2.peers().equals(List.of("w1")));
      JsonNode up = status("w1");
      assertThat(up.path("degraded").asBoolean()).isFalse();
      assertThat(up.path("mesh_ip").asText()).startsWith("10.");
      assertThat(up.path("core_api").asText()).isEqualTo(cluster.servers.get(0).url());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> status("w1").path("desired_revision_applied").isNumber());

      // The control plane dies: both agents degrade, nothing is torn down.
      ServerProcess server = cluster.servers.get(0);
      server.sigterm();
      server.awaitExit(Duration.ofSeconds(30));
      await().atMost(Duration.ofSeconds(30)).until(() -> status("w1").path("degraded").asBoolean());
      await().atMost(Duration.ofSeconds(30)).until(() -> status("w2").path("degraded").asBoolean());
      assertThat(status("w1").path("degraded_since").isTextual()).isTrue();
      assertThat(mesh1.tearDowns).isEmpty();
      assertThat(mesh2.tearDowns).isEmpty();

      // An agent restarted meanwhile starts from its persisted desired state.
      vertx.undeploy(agent1).await(20, TimeUnit.SECONDS);
      assertThat(Files.exists(dir.resolve("w1").resolve("desired-state.json"))).isTrue();
      RecordingMesh restarted = new RecordingMesh();
      deploy(settings("w1", 1, cluster.apiUrls()), restarted);
      await().atMost(Duration.ofSeconds(15)).until(() -> restarted.peers().equals(List.of("w2")));

      // The control plane is back: both recover and sync.
      server.start();
      CoreCluster.awaitReady(server, Duration.ofSeconds(60));
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> !status("w1").path("degraded").asBoolean());
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> !status("w2").path("degraded").asBoolean());
      assertThat(status("w1").path("last_sync").isTextual()).isTrue();
      assertThat(restarted.tearDowns).isEmpty();
      assertThat(restarted.peers()).containsExactly("w2");
    }
  }

  @Test
  void killingTheCoreNodeInUseMovesTheAgentToTheOtherWithinSeconds() throws Exception {
    try (CoreCluster cluster = CoreCluster.start(dir.resolve("cluster"), 2, "")) {
      String token = workerToken(cluster, 2);
      join(cluster, token, "w1");
      join(cluster, token, "w2");
      RecordingMesh mesh1 = new RecordingMesh();
      RecordingMesh mesh2 = new RecordingMesh();
      deploy(settings("w1", 1, cluster.apiUrls()), mesh1);
      deploy(settings("w2", 2, cluster.servers.get(1).url()), mesh2);
      await().atMost(Duration.ofSeconds(30)).until(() -> mesh1.peers().equals(List.of("w2")));
      String first = cluster.servers.get(0).url();
      assertThat(status("w1").path("core_api").asText()).isEqualTo(first);

      long killed = System.nanoTime();
      cluster.servers.get(0).kill();
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> status("w1").path("core_api").asText().equals(cluster.servers.get(1).url()));
      System.out.printf(
          "agent moved to the other core node %.2f s after the kill%n",
          (System.nanoTime() - killed) / 1e9);
      assertThat(status("w1").path("degraded").asBoolean()).isFalse();
      // And it still receives changes through the other one: a key rotation of its peer.
      long before = mesh1.applied.size();
      cluster.json(
          "nodes",
          "rotate-wg-keys",
          "w2",
          "--api-url",
          cluster.servers.get(1).url(),
          "--output",
          "json");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> status("w2").path("wg_key_generation").asLong() == 1);
      await().atMost(Duration.ofSeconds(30)).until(() -> mesh1.applied.size() > before);
    }
  }
}
