package io.uptimemesh.web.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.uptimemesh.core.heartbeat.HeartbeatSignatures;
import io.uptimemesh.core.workload.ReplicaCommand;
import io.uptimemesh.core.workload.ReplicaRecord;
import io.uptimemesh.core.workload.ReplicaStatus;
import io.uptimemesh.core.workload.WorkloadsDocument;
import io.uptimemesh.etcd.CacheSnapshot;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.testkit.Await;
import io.uptimemesh.testkit.EtcdClusterExtension;
import io.uptimemesh.web.NodeCluster;
import io.uptimemesh.web.mesh.SseClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The node-signed workload routes of ADR 0014 on real etcd: the workloads document and its stream
 * (replica records written as the leader writes them), and the replica-status reports.
 */
@Timeout(120)
class NodeWorkloadsIT {
  @RegisterExtension static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

  private static final Duration TTL = Duration.ofSeconds(3);
  private static final Duration SECOND = Duration.ofSeconds(1);
  private static final Duration WAIT = Duration.ofSeconds(10);

  private NodeCluster c;
  private NodeCluster.Node n1;
  private NodeCluster.Node n2;
  private EtcdStore store;

  @BeforeEach
  void setUp() {
    c = new NodeCluster(etcd.endpoints(), TTL);
    n1 = c.join("n1");
    n2 = c.join("n2");
    c.keepAlive(n1);
    c.keepAlive(n2);
    store = c.fixture.runtime.store();
    HttpResponse<Buffer> created =
        c.op(
            HttpMethod.POST,
            "/api/v1/services",
            new JsonObject().put("name", "web").put("workload", spec("1")));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
  }

  @AfterEach
  void tearDown() {
    c.close();
  }

  private static JsonObject spec(String env) {
    return new JsonObject()
        .put("image", "busybox")
        .put("replicas", 1)
        .put("config", new JsonObject().put("environment.V", env))
        .put("ports", new JsonArray().add(new JsonObject().put("name", "http").put("port", 8080)));
  }

  private void putReplica(String id, String node, long generation, ReplicaCommand command) {
    Await.result(
        store.put(
            store.layout().replica(id),
            new ReplicaRecord(
                1,
                id,
                "web",
                node,
                generation,
                Map.of("http", 8080),
                null,
                System.currentTimeMillis(),
                command)));
  }

  private SseClient stream(NodeCluster.Node n, String query) {
    String path = "/api/v1/nodes/" + n.id() + "/workloads/stream";
    return SseClient.connect(
        c.fixture.vertx,
        c.fixture.port,
        path + query,
        NodeCluster.signedHeaders(n, "GET", path, System.currentTimeMillis()));
  }

  @Test
  void documentListsTheNodesReplicasWithTheSpecOfTheirGeneration() {
    putReplica("web-0a1b2", "n1", 1, null);
    putReplica("web-0c3d4", "n2", 1, null);

    HttpResponse<Buffer> r = c.signedGet(n1, "/api/v1/nodes/n1/workloads", "");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    WorkloadsDocument doc = WorkloadsDocument.parse(r.body().getBytes());
    assertThat(doc.nodeId()).isEqualTo("n1");
    assertThat(doc.meshAddress()).isEqualTo(n1.meshIp());
    assertThat(doc.replicas())
        .extracting(WorkloadsDocument.Replica::id)
        .containsExactly("web-0a1b2");
    WorkloadsDocument.Replica web = doc.replicas().get(0);
    assertThat(web.generation()).isEqualTo(1);
    assertThat(web.spec().config()).containsEntry("environment.V", "1");
    assertThat(web.hostPorts()).containsEntry("http", 8080);
    assertThat(web.command()).isNull();
    assertThat(r.getHeader("ETag")).isEqualTo("\"" + doc.digest() + "\"");

    assertThat(c.signedGet(n1, "/api/v1/nodes/n2/workloads", "").statusCode()).isEqualTo(403);
    assertThat(c.send(HttpMethod.GET, "/api/v1/nodes/n1/workloads", null, null).statusCode())
        .isEqualTo(401);
  }

  @Test
  void streamSendsDocumentsWhenTheirContentChangesAndResumesWithUnchanged() {
    try (SseClient s = stream(n1, "")) {
      WorkloadsDocument empty = first(s);
      assertThat(empty.replicas()).isEmpty();

      long written = System.nanoTime();
      putReplica("web-0a1b2", "n1", 1, null);
      WorkloadsDocument one = next(s, SECOND);
      System.out.printf(
          "workloads event %d ms after the replica record was written%n",
          (System.nanoTime() - written) / 1_000_000);
      assertThat(one.replicas())
          .extracting(WorkloadsDocument.Replica::id)
          .containsExactly("web-0a1b2");
      assertThat(one.replicas().get(0).spec().image()).isEqualTo("busybox");

      // Another node's replica and an unrelated write: nothing for n1.
      putReplica("web-0c3d4", "n2", 1, null);
      c.op(HttpMethod.POST, "/api/v1/tokens", new JsonObject().put("role", "worker"));
      assertThat(s.silentFor(SECOND)).isTrue();

      // A new generation and the replica moved to it: spec 2, with generation 1 as previous.
      HttpResponse<Buffer> applied = applyWorkload(spec("2"));
      assertThat(applied.statusCode()).as(applied.bodyAsString()).isEqualTo(200);
      assertThat(s.silentFor(Duration.ofMillis(500)))
          .as("a new generation alone changes no replica of n1")
          .isTrue();
      putReplica("web-0a1b2", "n1", 2, null);
      WorkloadsDocument two = next(s, SECOND);
      WorkloadsDocument.Replica r = two.replicas().get(0);
      assertThat(r.generation()).isEqualTo(2);
      assertThat(r.spec().config()).containsEntry("environment.V", "2");
      assertThat(r.previousGeneration()).isEqualTo(1);
      assertThat(r.previousSpec().config()).containsEntry("environment.V", "1");

      // A command reaches the agent in the document.
      putReplica(
          "web-0a1b2",
          "n1",
          2,
          new ReplicaCommand(1, ReplicaCommand.SNAPSHOT, "before-upgrade", 1, "admin"));
      WorkloadsDocument cmd = next(s, SECOND);
      assertThat(cmd.replicas().get(0).command().kind()).isEqualTo(ReplicaCommand.SNAPSHOT);
      assertThat(cmd.replicas().get(0).command().snapshot()).isEqualTo("before-upgrade");

      // Resuming with the digest it holds: unchanged.
      try (SseClient resumed = stream(n1, "?digest=" + cmd.digest())) {
        SseClient.Event e = resumed.next(WAIT);
        assertThat(e.name()).isEqualTo("unchanged");
      }
      // With an old digest: the whole document.
      try (SseClient resumed = stream(n1, "?digest=" + one.digest())) {
        assertThat(first(resumed).digest()).isEqualTo(cmd.digest());
      }

      // A replica at a generation that is not kept: listed with an error instead of a spec.
      putReplica("web-0ffff", "n1", 99, null);
      WorkloadsDocument broken = next(s, SECOND);
      WorkloadsDocument.Replica gone =
          broken.replicas().stream().filter(x -> x.id().equals("web-0ffff")).findFirst().get();
      assertThat(gone.spec()).isNull();
      assertThat(gone.runnable()).isFalse();
      assertThat(gone.error()).contains("generation 99", "not kept");

      // The record deleted: gone from the document.
      Await.result(
          store.transaction().delete(store.layout().replica("web-0ffff")).commit("test delete"));
      assertThat(next(s, SECOND).replicas())
          .extracting(WorkloadsDocument.Replica::id)
          .containsExactly("web-0a1b2");
      assertThat(s.comments()).as("keep-alive comments").isPositive();
    }
    try (SseClient badDigest = stream(n2, "?digest=xyz")) {
      assertThat(badDigest.status).isEqualTo(400);
      assertThat(badDigest.errorBody).contains("digest");
    }
  }

  @Test
  void revocationEndsTheStream() {
    try (SseClient s = stream(n1, "")) {
      first(s);
      assertThat(c.op(HttpMethod.POST, "/api/v1/nodes/n1/revoke", new JsonObject()).statusCode())
          .isEqualTo(200);
      assertThat(s.ended(WAIT)).isTrue();
    }
  }

  @Test
  void statusesAreWrittenOnTheLeaseOthersIgnoredAndRefusedWhenNotAlive() {
    putReplica("web-0a1b2", "n1", 1, null);
    putReplica("web-0c3d4", "n2", 1, null);

    HttpResponse<Buffer> r =
        report(
            n1,
            "n1",
            status("web-0a1b2", "running", 1, 0),
            status("web-0c3d4", "running", 1, 0),
            status("web-00000", "running", 1, 0));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    JsonObject body = r.bodyAsJsonObject();
    assertThat(body.getInteger("accepted")).isEqualTo(3);
    assertThat(body.getInteger("written")).isEqualTo(1);
    assertThat(
            body.getJsonArray("ignored").stream()
                .map(o -> ((JsonObject) o).getString("replica_id")))
        .containsExactlyInAnyOrder("web-0c3d4", "web-00000");
    assertThat(body.getJsonArray("ignored").encode()).contains("assigned to node n2", "not found");

    CacheSnapshot.Entry stored =
        c.fixture.runtime.cache().snapshot().get(store.layout().replicaStatus("web-0a1b2")).get();
    CacheSnapshot.Entry alive =
        c.fixture.runtime.cache().snapshot().get(store.layout().alive("n1")).get();
    assertThat(stored.lease())
        .as("on the node's alive lease")
        .isEqualTo(alive.lease())
        .isPositive();
    ReplicaStatus s = store.decode(stored, ReplicaStatus.class).value();
    assertThat(s.running()).isTrue();
    assertThat(s.nodeId()).isEqualTo("n1");
    assertThat(c.fixture.runtime.cache().snapshot().get(store.layout().replicaStatus("web-0c3d4")))
        .isEmpty();

    // The same status again (time aside): nothing written. A command done: written.
    assertThat(
            report(n1, "n1", status("web-0a1b2", "running", 1, 0))
                .bodyAsJsonObject()
                .getInteger("written"))
        .isZero();
    assertThat(
            report(n1, "n1", status("web-0a1b2", "running", 1, 4))
                .bodyAsJsonObject()
                .getInteger("written"))
        .isEqualTo(1);
    assertThat(
            store
                .decode(
                    c.fixture
                        .runtime
                        .cache()
                        .snapshot()
                        .get(store.layout().replicaStatus("web-0a1b2"))
                        .get(),
                    ReplicaStatus.class)
                .value()
                .commandSeq())
        .isEqualTo(4);

    // Bad bodies: 400 naming the field; another node's path: 403.
    HttpResponse<Buffer> bad = report(n1, "n1", status("web-0a1b2", "dancing", 1, 0));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.bodyAsString()).contains("statuses[0].state");
    assertThat(report(n1, "n2", status("web-0c3d4", "running", 1, 0)).statusCode()).isEqualTo(403);

    // n1 stops heartbeating: its statuses go with its lease, and reports are refused with 409.
    c.stopHeartbeats(n1);
    await()
        .atMost(TTL.plusSeconds(5))
        .until(
            () -> c.fixture.runtime.cache().snapshot().get(store.layout().alive("n1")).isEmpty());
    await()
        .atMost(WAIT)
        .until(
            () ->
                c.fixture
                    .runtime
                    .cache()
                    .snapshot()
                    .get(store.layout().replicaStatus("web-0a1b2"))
                    .isEmpty());
    HttpResponse<Buffer> stale = report(n1, "n1", status("web-0a1b2", "running", 1, 4));
    assertThat(stale.statusCode()).isEqualTo(409);
    assertThat(stale.bodyAsString()).contains("not alive");
    Optional<CacheSnapshot.Entry> none =
        c.fixture.runtime.cache().snapshot().get(store.layout().replicaStatus("web-0a1b2"));
    assertThat(none).isEmpty();
  }

  private HttpResponse<Buffer> applyWorkload(JsonObject spec) {
    var req = c.fixture.http.request(HttpMethod.PUT, "/api/v1/services/web/workload");
    req.bearerTokenAuthentication(c.admin);
    return Await.result(req.sendJsonObject(new JsonObject().put("workload", spec)));
  }

  private static JsonObject status(String id, String state, long generation, long commandSeq) {
    return new JsonObject()
        .put("replica_id", id)
        .put("state", state)
        .put("generation", generation)
        .put("snapshots", new JsonArray())
        .put("error", "")
        .put("updated_at_ms", System.currentTimeMillis())
        .put("command_seq", commandSeq)
        .put("command_error", "");
  }

  private HttpResponse<Buffer> report(NodeCluster.Node signer, String pathId, JsonObject... s) {
    JsonObject body =
        new JsonObject()
            .put("node_id", signer.id())
            .put("sent_at_ms", System.currentTimeMillis())
            .put("statuses", new JsonArray(List.of((Object[]) s)));
    byte[] bytes = body.encode().getBytes(StandardCharsets.UTF_8);
    return Await.result(
        c.fixture
            .http
            .post("/api/v1/nodes/" + pathId + "/replica-status")
            .putHeader(
                HeartbeatSignatures.SIGNATURE_HEADER,
                HeartbeatSignatures.sign(bytes, signer.key().getPrivate()))
            .putHeader(HeartbeatSignatures.FINGERPRINT_HEADER, signer.fingerprint())
            .sendBuffer(Buffer.buffer(bytes)));
  }

  private static WorkloadsDocument first(SseClient s) {
    assertThat(s.status).as(s.errorBody).isEqualTo(200);
    return next(s, WAIT);
  }

  private static WorkloadsDocument next(SseClient s, Duration within) {
    SseClient.Event e = s.next(within);
    assertThat(e).as("an event within %s", within).isNotNull();
    assertThat(e.name()).isEqualTo("workloads");
    WorkloadsDocument d = WorkloadsDocument.parse(e.data().getBytes(StandardCharsets.UTF_8));
    assertThat(d.revision()).isEqualTo(Long.parseLong(e.id()));
    return d;
  }
}
