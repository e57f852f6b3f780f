package io.uptimemesh.agent.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.agent.Agent;
import io.uptimemesh.agent.status.StatusClient;
import io.uptimemesh.core.json.Json;
import io.uptimemesh.core.pki.ClusterCa;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two and three agents in-process against servers that speak the contract, over real HTTP and the
 * real status socket, with a recording mesh: registration, peers, patches, degraded mode, restart
 * from the persisted state, recovery and failover between core nodes.
 */
class AgentContractTest {
  @TempDir Path dir;

  private final ClusterCa ca = ClusterCa.generate("test", Duration.ofDays(365), Instant.now());
  private Vertx serverVertx;
  private Vertx agentVertx;
  private final ContractServer.Cluster cluster = new ContractServer.Cluster();

  @BeforeEach
  void setUp() {
    serverVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    agentVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
  }

  @AfterEach
  void tearDown() throws Exception {
    agentVertx.close().await(10, TimeUnit.SECONDS);
    serverVertx.close().await(10, TimeUnit.SECONDS);
  }

  private String deploy(TestNode node, RecordingMesh mesh) throws Exception {
    return agentVertx
        .deployVerticle(new Agent(node.settings(), mesh, Clock.systemUTC(), () -> "192.0.2.99"))
        .await(20, TimeUnit.SECONDS);
  }

  private JsonNode status(TestNode node) throws Exception {
    StatusClient.Answer a = StatusClient.get(node.socket(), "/status");
    assertThat(a.status()).isEqualTo(200);
    return Json.mapper().readTree(a.body());
  }

  @Test
  void agentsPeerFollowPatchesSurviveAnOutageAndRestartFromThePersistedState() throws Exception {
    ContractServer server = new ContractServer(serverVertx, cluster, TestNode.freePort());
    server.start();
    TestNode n1 = new TestNode(ca, dir, "n1", 1, List.of(server.url()));
    TestNode n2 = new TestNode(ca, dir, "n2", 2, List.of(server.url()));
    TestNode n3 = new TestNode(ca, dir, "n3", 3, List.of(server.url()));
    cluster.join("n1", n1.certificate, "10.200.0.1");
    cluster.join("n2", n2.certificate, "10.200.0.2");
    cluster.join("n3", n3.certificate, "10.200.0.3");
    RecordingMesh mesh1 = new RecordingMesh();
    RecordingMesh mesh2 = new RecordingMesh();
    String agent1 = deploy(n1, mesh1);
    deploy(n2, mesh2);

    await().atMost(Duration.ofSeconds(15)).until(() -> mesh1.peers().equals(List.of("n2")));
    await().atMost(Duration.ofSeconds(15)).until(() -> mesh2.peers().equals(List.of("n1")));
    assertThat(cluster.registration("n1")).isPresent();
    assertThat(cluster.generation("n1")).isZero();
    assertThat(mesh1.last().orElseThrow().secondary()).isPresent();
    assertThat(mesh1.last().orElseThrow().primary().listenPort()).isEqualTo(51820);
    await().atMost(Duration.ofSeconds(5)).until(() -> cluster.heartbeats().size() >= 2);
    assertThat(
            cluster
                .heartbeats()
                .get(cluster.heartbeats().size() - 1)
                .path("status")
                .has("wireguard"))
        .isTrue();

    // A third node: a patch on both streams.
    RecordingMesh mesh3 = new RecordingMesh();
    deploy(n3, mesh3);
    await().atMost(Duration.ofSeconds(15)).until(() -> mesh1.peers().equals(List.of("n2", "n3")));
    await().atMost(Duration.ofSeconds(15)).until(() -> mesh2.peers().equals(List.of("n1", "n3")));
    JsonNode up = status(n1);
    assertThat(up.path("degraded").asBoolean()).isFalse();
    assertThat(up.path("core_api").asText()).isEqualTo(server.url());
    assertThat(up.path("mesh_ip").asText()).isEqualTo("10.200.0.1");
    assertThat(up.path("desired_revision_applied").asLong())
        .isEqualTo(mesh1.last().orElseThrow().desired().revision());
    await().atMost(Duration.ofSeconds(5)).until(() -> status(n1).path("peers").size() == 2);
    StatusClient.Answer metrics = StatusClient.get(n1.socket(), "/metrics");
    assertThat(metrics.body()).contains("uptimemesh_agent_path_failovers");

    // The control plane goes away: degraded, nothing torn down.
    server.stop();
    await().atMost(Duration.ofSeconds(15)).until(() -> status(n1).path("degraded").asBoolean());
    await().atMost(Duration.ofSeconds(15)).until(() -> status(n2).path("degraded").asBoolean());
    assertThat(status(n1).path("degraded_since").isTextual()).isTrue();
    assertThat(mesh1.tearDowns).isEmpty();
    assertThat(mesh2.tearDowns).isEmpty();
    assertThat(mesh1.peers()).containsExactly("n2", "n3");

    // An agent restarted now starts from what it persisted.
    agentVertx.undeploy(agent1).await(10, TimeUnit.SECONDS);
    assertThat(Files.exists(n1.dataDir.resolve("desired-state.json"))).isTrue();
    RecordingMesh restarted = new RecordingMesh();
    deploy(n1, restarted);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> restarted.peers().equals(List.of("n2", "n3")));
    await().atMost(Duration.ofSeconds(15)).until(() -> status(n1).path("degraded").asBoolean());

    // Back: recovery, and the stream resumes with the digest (nothing changed: unchanged).
    ContractServer again =
        new ContractServer(
            serverVertx, cluster, Integer.parseInt(server.url().replaceAll(".*:", "")));
    again.start();
    await().atMost(Duration.ofSeconds(70)).until(() -> !status(n1).path("degraded").asBoolean());
    await().atMost(Duration.ofSeconds(70)).until(() -> !status(n2).path("degraded").asBoolean());
    await().atMost(Duration.ofSeconds(70)).until(() -> again.openStreams() >= 3);
    assertThat(again.streamQueries()).allSatisfy(q -> assertThat(q).contains("digest="));
    assertThat(status(n1).path("last_sync").isTextual()).isTrue();

    // A key rotation: new keys registered, and the peers learn them by patch.
    String before = cluster.registration("n2").orElseThrow().primaryPublicKey();
    cluster.rotate("n2");
    await().atMost(Duration.ofSeconds(15)).until(() -> cluster.generation("n2") == 1);
    String after = cluster.registration("n2").orElseThrow().primaryPublicKey();
    assertThat(after).isNotEqualTo(before);
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                restarted.last().orElseThrow().desired().primaryPeers().stream()
                    .anyMatch(p -> p.publicKey().equals(after)));
    assertThat(Files.readString(n2.dataDir.resolve("wireguard/keys.json")))
        .contains("\"generation\":1");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(n2.dataDir.resolve("wireguard/keys.json"))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(n1.socket())))
        .isEqualTo("rw-------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(n2.dataDir.resolve("wireguard"))))
        .isEqualTo("rwx------");
  }

  @Test
  void killingTheCoreNodeInUseMovesTheAgentToTheOther() throws Exception {
    ContractServer a = new ContractServer(serverVertx, cluster, TestNode.freePort());
    ContractServer b = new ContractServer(serverVertx, cluster, TestNode.freePort());
    a.start();
    b.start();
    TestNode n1 = new TestNode(ca, dir, "n1", 1, List.of(a.url(), b.url()));
    cluster.join("n1", n1.certificate, "10.200.0.1");
    RecordingMesh mesh = new RecordingMesh();
    deploy(n1, mesh);
    await().atMost(Duration.ofSeconds(15)).until(() -> a.openStreams() == 1);
    assertThat(status(n1).path("core_api").asText()).isEqualTo(a.url());

    long killed = System.nanoTime();
    a.stop();
    await().atMost(Duration.ofSeconds(5)).until(() -> b.openStreams() == 1);
    System.out.printf(
        "stream moved to the other core node %.2f s after the kill%n",
        (System.nanoTime() - killed) / 1e9);
    assertThat(status(n1).path("core_api").asText()).isEqualTo(b.url());
    assertThat(status(n1).path("degraded").asBoolean()).isFalse();
  }

  @Test
  void aCoreNodeAnswering503IsSkippedWithoutGoingDegraded() throws Exception {
    ContractServer refusing = new ContractServer(serverVertx, cluster, TestNode.freePort());
    ContractServer good = new ContractServer(serverVertx, cluster, TestNode.freePort());
    refusing.refuseWith = 503;
    refusing.start();
    good.start();
    TestNode n1 = new TestNode(ca, dir, "n1", 1, List.of(refusing.url(), good.url()));
    cluster.join("n1", n1.certificate, "10.200.0.1");
    RecordingMesh mesh = new RecordingMesh();
    deploy(n1, mesh);
    await().atMost(Duration.ofSeconds(15)).until(() -> good.openStreams() == 1);
    assertThat(status(n1).path("core_api").asText()).isEqualTo(good.url());
    assertThat(status(n1).path("degraded").asBoolean()).isFalse();
    assertThat(status(n1).path("degraded_since").isNull()).isTrue();
    assertThat(mesh.applied).isNotEmpty();
  }

  @Test
  void coreNodesThatAllRefuseAreReachableNotDegraded() throws Exception {
    // A core node back from a restart answers 503 until its etcd view settles: the agent must
    // not log degraded mode and recovery alternately (one WARNING, one INFO per outage).
    ContractServer refusing = new ContractServer(serverVertx, cluster, TestNode.freePort());
    refusing.refuseWith = 503;
    refusing.start();
    TestNode n1 = new TestNode(ca, dir, "n1", 1, List.of(refusing.url()));
    cluster.join("n1", n1.certificate, "10.200.0.1");
    deploy(n1, new RecordingMesh());
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> status(n1).path("last_error").asText().contains("503"));
    assertThat(status(n1).path("degraded").asBoolean()).isFalse();
    refusing.refuseWith = 0;
    await().atMost(Duration.ofSeconds(30)).until(() -> refusing.openStreams() == 1);
    assertThat(status(n1).path("degraded").asBoolean()).isFalse();
  }
}
