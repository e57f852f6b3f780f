package io.uptimemesh.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.core.heartbeat.Heartbeat;
import io.uptimemesh.core.heartbeat.HeartbeatSignatures;
import io.uptimemesh.core.heartbeat.NodeRequests;
import io.uptimemesh.core.pki.Fingerprints;
import io.uptimemesh.core.pki.NodeKeys;
import io.uptimemesh.core.pki.Pem;
import io.uptimemesh.testkit.Await;
import io.uptimemesh.web.mesh.SseClient;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bootstrapped API on real etcd with an operator logged in, and nodes that joined like agents:
 * they heartbeat on demand or every 500 ms, sign their requests and open discovery streams. The
 * mesh and discovery tests share it.
 */
public final class NodeCluster implements AutoCloseable {
  /** A node that joined: its id, identity key, certificate fingerprint and mesh address. */
  public record Node(String id, KeyPair key, String fingerprint, String meshIp) {}

  public final ApiFixture fixture;
  public final String admin;
  private final AtomicLong seq = new AtomicLong();
  private final List<Node> keptAlive = new CopyOnWriteArrayList<>();
  private final long timer;

  public NodeCluster(List<URI> etcd, Duration heartbeatTtl) {
    fixture = ApiFixture.start(etcd, 1 << 20, Optional.of(ApiFixture.identityConfig(heartbeatTtl)));
    JsonObject boot =
        send(HttpMethod.POST, "/api/v1/bootstrap", new JsonObject(), null).bodyAsJsonObject();
    admin =
        send(
                HttpMethod.POST,
                "/api/v1/auth/login",
                new JsonObject()
                    .put("username", "admin")
                    .put("password", boot.getString("admin_password")),
                null)
            .bodyAsJsonObject()
            .getString("token");
    timer = fixture.vertx.setPeriodic(500, id -> keptAlive.forEach(this::heartbeatRequest));
  }

  @Override
  public void close() {
    fixture.vertx.cancelTimer(timer);
    fixture.close();
  }

  /** An operator request (body null for none). */
  public HttpResponse<Buffer> op(HttpMethod method, String path, JsonObject body) {
    return send(method, path, body, admin);
  }

  public HttpResponse<Buffer> send(HttpMethod method, String path, JsonObject body, String bearer) {
    var req = fixture.http.request(method, path);
    if (bearer != null) {
      req.bearerTokenAuthentication(bearer);
    }
    return Await.result(
        body == null ? req.send() : req.sendJsonObject(body), Duration.ofSeconds(15));
  }

  public Node join(String id) {
    KeyPair key = NodeKeys.generateEd25519();
    HttpResponse<Buffer> token =
        op(
            HttpMethod.POST,
            "/api/v1/tokens",
            new JsonObject().put("role", "worker").put("uses", 1).put("ttl_seconds", 600));
    JsonObject joined =
        send(
                HttpMethod.POST,
                "/api/v1/join",
                new JsonObject()
                    .put("token", token.bodyAsJsonObject().getString("token"))
                    .put("node_id", id)
                    .put("name", id)
                    .put("csr", NodeKeys.csrPem(key, id)),
                null)
            .bodyAsJsonObject();
    return new Node(
        id,
        key,
        Fingerprints.sha256(Pem.parseCertificate(joined.getString("certificate"))),
        joined.getString("mesh_ip"));
  }

  /** Heartbeats now (the node is alive when this returns) and every 500 ms from now on. */
  public void keepAlive(Node n) {
    HttpResponse<Buffer> r = Await.result(heartbeatRequest(n));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    keptAlive.add(n);
  }

  /** Stops heartbeating: the node goes stale when its lease expires. */
  public void stopHeartbeats(Node n) {
    keptAlive.remove(n);
  }

  /** One heartbeat now with this status map. */
  public HttpResponse<Buffer> heartbeat(Node n, Map<String, Object> status) {
    return Await.result(heartbeatRequest(n, status));
  }

  private io.vertx.core.Future<HttpResponse<Buffer>> heartbeatRequest(Node n) {
    return heartbeatRequest(n, Map.of());
  }

  private io.vertx.core.Future<HttpResponse<Buffer>> heartbeatRequest(
      Node n, Map<String, Object> status) {
    byte[] body =
        new Heartbeat(n.id(), seq.incrementAndGet(), System.currentTimeMillis(), status).toBytes();
    return fixture
        .http
        .post("/api/v1/heartbeat")
        .putHeader(
            HeartbeatSignatures.SIGNATURE_HEADER,
            HeartbeatSignatures.sign(body, n.key().getPrivate()))
        .putHeader(HeartbeatSignatures.FINGERPRINT_HEADER, n.fingerprint())
        .sendBuffer(Buffer.buffer(body));
  }

  /** A report entry as an agent sends it. */
  public static JsonObject report(
      String endpointId, long revision, boolean healthy, String detail) {
    return new JsonObject()
        .put("endpoint_id", endpointId)
        .put("endpoint_revision", revision)
        .put("healthy", healthy)
        .put("detail", detail)
        .put("changed_at_ms", System.currentTimeMillis());
  }

  /** POSTs signed health reports for {@code pathId}, signed by {@code signer}. */
  public HttpResponse<Buffer> reportHealth(Node signer, String pathId, JsonObject... reports) {
    JsonObject body =
        new JsonObject()
            .put("node_id", signer.id())
            .put("sent_at_ms", System.currentTimeMillis())
            .put("reports", new JsonArray(List.of((Object[]) reports)));
    byte[] bytes = body.encode().getBytes(StandardCharsets.UTF_8);
    return Await.result(
        fixture
            .http
            .post("/api/v1/nodes/" + pathId + "/endpoint-health")
            .putHeader(
                HeartbeatSignatures.SIGNATURE_HEADER,
                HeartbeatSignatures.sign(bytes, signer.key().getPrivate()))
            .putHeader(HeartbeatSignatures.FINGERPRINT_HEADER, signer.fingerprint())
            .sendBuffer(Buffer.buffer(bytes)));
  }

  /** A signed bodiless GET of {@code path} (the query is not signed). */
  public HttpResponse<Buffer> signedGet(Node n, String path, String query) {
    return Await.result(
        fixture
            .http
            .get(path + query)
            .putHeaders(signedHeaders(n, "GET", path, System.currentTimeMillis()))
            .send());
  }

  public SseClient stream(Node n, String query) {
    String path = "/api/v1/nodes/" + n.id() + "/discovery/stream";
    return SseClient.connect(
        fixture.vertx,
        fixture.port,
        path + query,
        signedHeaders(n, "GET", path, System.currentTimeMillis()));
  }

  public static MultiMap signedHeaders(Node n, String method, String path, long sentAt) {
    return MultiMap.caseInsensitiveMultiMap()
        .add(
            HeartbeatSignatures.SIGNATURE_HEADER,
            NodeRequests.sign(method, path, sentAt, n.key().getPrivate()))
        .add(HeartbeatSignatures.FINGERPRINT_HEADER, n.fingerprint())
        .add(NodeRequests.SENT_AT_HEADER, Long.toString(sentAt));
  }

  /** Creates a service; asserts 201. */
  public JsonObject service(String name) {
    HttpResponse<Buffer> r =
        op(HttpMethod.POST, "/api/v1/services", new JsonObject().put("name", name));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

  /** Creates an endpoint; asserts 201. */
  public JsonObject endpoint(JsonObject body) {
    HttpResponse<Buffer> r = op(HttpMethod.POST, "/api/v1/endpoints", body);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

  /** The body of an endpoint {@code id} of {@code service} on {@code nodeId} at {@code port}. */
  public static JsonObject endpointBody(String id, String service, String nodeId, int port) {
    return new JsonObject()
        .put("id", id)
        .put("service", service)
        .put("node_id", nodeId)
        .put("port", port);
  }

  /** Creates that endpoint (asserts 201) and returns its create revision. */
  public long endpointRevision(String id, String service, String nodeId, int port) {
    return endpoint(endpointBody(id, service, nodeId, port)).getLong("revision");
  }

  public JsonObject endpointNow(String id) {
    HttpResponse<Buffer> r = op(HttpMethod.GET, "/api/v1/endpoints/" + id, null);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }
}
