package io.uptimemesh.agent.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.agent.Agent;
import io.uptimemesh.agent.status.StatusClient;
import io.uptimemesh.core.json.Json;
import io.uptimemesh.core.pki.ClusterCa;
import io.uptimemesh.core.workload.WorkloadSpec;
import io.uptimemesh.core.workload.WorkloadsDocument;
import io.uptimemesh.lxd.InstanceSummary;
import io.uptimemesh.lxd.LxdClient;
import io.uptimemesh.lxd.LxdClientOptions;
import io.uptimemesh.testkit.lxd.LxdLabExtension;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole agent with {@code LXD_ENABLED=true} (the testkit's LXD lab, a project of its own)
 * against a server speaking the workloads routes: it runs the document's replica, reports it
 * running, and shows it in its status and heartbeats.
 */
class WorkloadsContractIT {
  @RegisterExtension static final LxdLabExtension lxd = new LxdLabExtension();

  @TempDir Path dir;

  private final ClusterCa ca = ClusterCa.generate("test", Duration.ofDays(365), Instant.now());
  private final ContractServer.Cluster cluster = new ContractServer.Cluster();
  private Vertx serverVertx;
  private Vertx agentVertx;
  private LxdClient project;

  @BeforeEach
  void setUp() {
    serverVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    agentVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
  }

  @AfterEach
  void tearDown() throws Exception {
    agentVertx.close().await(20, TimeUnit.SECONDS);
    if (project != null) {
      for (InstanceSummary i : project.list().await(20, TimeUnit.SECONDS)) {
        if (i.isRunning()) {
          project.stop(i.name(), Duration.ZERO, true).await(30, TimeUnit.SECONDS);
        }
        project.delete(i.name()).await(30, TimeUnit.SECONDS);
      }
      project.deleteProject().await(20, TimeUnit.SECONDS);
      project.close().await(10, TimeUnit.SECONDS);
    }
    serverVertx.close().await(10, TimeUnit.SECONDS);
  }

  private JsonNode status(TestNode node) throws Exception {
    StatusClient.Answer a = StatusClient.get(node.socket(), "/status");
    assertThat(a.status()).isEqualTo(200);
    return Json.mapper().readTree(a.body());
  }

  @Test
  void theAgentRunsItsReplicaAndReportsIt() throws Exception {
    ContractServer server = new ContractServer(serverVertx, cluster, TestNode.freePort());
    server.start();
    TestNode n1 = new TestNode(ca, dir, "n1", 1, List.of(server.url()));
    String projectName = "agent-wl-" + hex(3);
    n1.env.put("LXD_ENABLED", "true");
    n1.env.put("LXD_SOCKET", lxd.lab().socket().toString());
    n1.env.put("LXD_PROJECT", projectName);
    cluster.join("n1", n1.certificate, "10.200.0.1");
    project =
        LxdClient.create(serverVertx, LxdClientOptions.of(lxd.lab().socket()))
            .inProject(projectName);
    String id = "c" + hex(2) + "-" + hex(3).substring(0, 5);
    WorkloadSpec spec =
        WorkloadSpec.parse(
            Json.mapper()
                .readTree(
                    "{\"image\":\""
                        + lxd.lab().imageAlias()
                        + "\",\"profiles\":[\"default\"],\"limits\":{\"memory\":\"64MiB\"}}"));
    cluster.workloads(
        "n1",
        new WorkloadsDocument(
            WorkloadsDocument.SCHEMA,
            "n1",
            7,
            "10.200.0.1",
            List.of(new WorkloadsDocument.Replica(id, "c", 1, spec, 0, null, Map.of(), null, ""))));

    long start = System.nanoTime();
    agentVertx
        .deployVerticle(new Agent(n1.settings(), new RecordingMesh(), Clock.systemUTC(), () -> "x"))
        .await(30, TimeUnit.SECONDS);

    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                cluster.replicaStatusPosts().stream()
                    .flatMap(
                        p ->
                            java.util.stream.StreamSupport.stream(
                                p.path("statuses").spliterator(), false))
                    .anyMatch(
                        s ->
                            s.path("replica_id").asText().equals(id)
                                && s.path("state").asText().equals("running")
                                && s.path("generation").asLong() == 1));
    System.out.printf(
        "agent start -> replica %s reported running: %d ms%n",
        id, (System.nanoTime() - start) / 1_000_000);
    assertThat(cluster.replicaStatusPosts())
        .allSatisfy(p -> assertThat(p.path("node_id").asText()).isEqualTo("n1"));
    assertThat(project.instance(id).await(10, TimeUnit.SECONDS).isRunning()).isTrue();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                status(n1)
                    .path("workloads")
                    .path("replicas")
                    .path(0)
                    .path("state")
                    .asText()
                    .equals("running"));
    JsonNode w = status(n1).path("workloads");
    assertThat(w.path("project").asText()).isEqualTo(projectName);
    assertThat(w.path("document_revision").asLong()).isEqualTo(7);
    assertThat(w.path("replicas").path(0).path("id").asText()).isEqualTo(id);
    assertThat(w.path("replicas").path(0).path("running_generation").asLong()).isEqualTo(1);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              List<JsonNode> hb = cluster.heartbeats();
              return !hb.isEmpty()
                  && hb.get(hb.size() - 1).path("status").path("workloads").path("running").asInt()
                      == 1;
            });
    assertThat(n1.dataDir.resolve("workloads.json")).exists();
  }

  private static String hex(int bytes) {
    byte[] b = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
