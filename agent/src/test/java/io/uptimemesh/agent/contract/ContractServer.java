package io.uptimemesh.agent.contract;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.core.heartbeat.HeartbeatSignatures;
import io.uptimemesh.core.heartbeat.NodeRequests;
import io.uptimemesh.core.json.Json;
import io.uptimemesh.core.mesh.DesiredState;
import io.uptimemesh.core.mesh.DesiredStatePatch;
import io.uptimemesh.core.mesh.MeshPlanner;
import io.uptimemesh.core.mesh.NodeWireGuard;
import io.uptimemesh.core.pki.Fingerprints;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small server that speaks the agent/control-plane contract of issue 5, for the agent's tests
 * while the real routes are written elsewhere: it checks node signatures, keeps registrations in
 * memory, plans with the real {@link MeshPlanner} and streams full documents, {@code unchanged} and
 * patches. Several instances may share one {@link Cluster}, like core nodes share etcd.
 */
public final class ContractServer {
  /** The shared state of the "cluster". */
  public static final class Cluster {
    final Map<String, PublicKey> keysByFingerprint = new ConcurrentHashMap<>();
    final Map<String, String> nodeOfFingerprint = new ConcurrentHashMap<>();
    final Map<String, String> meshIps = new ConcurrentHashMap<>();
    final Map<String, NodeWireGuard> registered = new ConcurrentHashMap<>();
    final Map<String, Long> generations = new ConcurrentHashMap<>();
    final Map<String, Long> desiredGenerations = new ConcurrentHashMap<>();
    final List<JsonNode> heartbeats = new CopyOnWriteArrayList<>();
    final List<ContractServer> servers = new CopyOnWriteArrayList<>();
    long revision = 1;

    /** A joined node: its certificate and mesh address. */
    public void join(String nodeId, X509Certificate cert, String meshIp) {
      String fp = Fingerprints.sha256(cert);
      keysByFingerprint.put(fp, cert.getPublicKey());
      nodeOfFingerprint.put(fp, nodeId);
      meshIps.put(nodeId, meshIp);
    }

    /** Trusts a renewed certificate too. */
    public void trust(String nodeId, X509Certificate cert) {
      join(nodeId, cert, meshIps.get(nodeId));
    }

    public synchronized void rotate(String nodeId) {
      desiredGenerations.merge(nodeId, 1L, Long::sum);
      changed();
    }

    public Optional<NodeWireGuard> registration(String nodeId) {
      return Optional.ofNullable(registered.get(nodeId));
    }

    public long generation(String nodeId) {
      return generations.getOrDefault(nodeId, -1L);
    }

    public List<JsonNode> heartbeats() {
      return heartbeats;
    }

    synchronized void changed() {
      revision++;
      servers.forEach(s -> s.vertx.runOnContext(v -> s.push()));
    }

    synchronized DesiredState stateOf(String nodeId) {
      List<MeshPlanner.Member> members = new ArrayList<>();
      registered.forEach((id, wg) -> members.add(new MeshPlanner.Member(id, meshIps.get(id), wg)));
      MeshPlanner.Member self =
          new MeshPlanner.Member(nodeId, meshIps.get(nodeId), registered.get(nodeId));
      return DesiredState.of(
          MeshPlanner.plan(self, members),
          revision,
          "10.200.0.0/16",
          desiredGenerations.getOrDefault(nodeId, 0L));
    }
  }

  private static final Pattern NODE_PATH = Pattern.compile("/api/v1/nodes/([a-z0-9-]+)/(.+)");

  private final Vertx vertx;
  private final Cluster cluster;
  private final int port;
  private HttpServer server;
  private final List<Stream> streams = new ArrayList<>();
  private final List<String> streamQueries = new CopyOnWriteArrayList<>();

  private static final class Stream {
    final String nodeId;
    final HttpServerResponse response;
    DesiredState last;

    Stream(String nodeId, HttpServerResponse response) {
      this.nodeId = nodeId;
      this.response = response;
    }
  }

  public ContractServer(Vertx vertx, Cluster cluster, int port) {
    this.vertx = vertx;
    this.cluster = cluster;
    this.port = port;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** The query strings streams were opened with. */
  public List<String> streamQueries() {
    return streamQueries;
  }

  public void start() throws Exception {
    cluster.servers.add(this);
    server = vertx.createHttpServer().requestHandler(this::handle);
    server.listen(port, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  /** Stops listening and cuts every open stream, like a killed process. */
  public void stop() throws Exception {
    cluster.servers.remove(this);
    vertx.runOnContext(
        v -> {
          streams.forEach(s -> s.response.reset());
          streams.clear();
        });
    server.close().await(10, TimeUnit.SECONDS);
  }

  public int openStreams() {
    return streams.size();
  }

  /** When above 0, every request is answered with this status (a core node refusing work). */
  public volatile int refuseWith;

  private void handle(HttpServerRequest request) {
    if (refuseWith > 0) {
      request.response().setStatusCode(refuseWith).end("{\"error\":\"unavailable\"}");
      return;
    }
    request
        .body()
        .onSuccess(
            body -> {
              String path = request.path();
              if (path.equals("/api/v1/cluster/apis")) {
                StringBuilder apis = new StringBuilder("{\"apis\":[");
                for (int i = 0; i < cluster.servers.size(); i++) {
                  apis.append(i == 0 ? "" : ",")
                      .append('"')
                      .append(cluster.servers.get(i).url())
                      .append('"');
                }
                request.response().end(apis.append("]}").toString());
                return;
              }
              String signer = authenticate(request, body);
              if (signer == null) {
                request.response().setStatusCode(401).end("{\"reason\":\"signature\"}");
                return;
              }
              if (path.equals("/api/v1/heartbeat")) {
                JsonNode hb = json(body);
                cluster.heartbeats.add(hb);
                request.response().end("{\"seq\":" + hb.path("seq").asLong() + "}");
                return;
              }
              Matcher m = NODE_PATH.matcher(path);
              if (!m.matches() || !m.group(1).equals(signer)) {
                request.response().setStatusCode(403).end("{\"error\":\"not your node\"}");
                return;
              }
              String nodeId = m.group(1);
              switch (m.group(2)) {
                case "wireguard" -> register(request, nodeId, json(body));
                case "desired-state" -> {
                  if (!cluster.registered.containsKey(nodeId)) {
                    request.response().setStatusCode(409).end("{\"error\":\"not registered\"}");
                    return;
                  }
                  DesiredState s = cluster.stateOf(nodeId);
                  request
                      .response()
                      .putHeader("ETag", Long.toString(s.revision()))
                      .end(s.toJsonText());
                }
                case "desired-state/stream" -> stream(request, nodeId);
                default -> request.response().setStatusCode(404).end("{}");
              }
            });
  }

  private String authenticate(HttpServerRequest request, Buffer body) {
    String fp = request.getHeader(HeartbeatSignatures.FINGERPRINT_HEADER);
    String sig = request.getHeader(HeartbeatSignatures.SIGNATURE_HEADER);
    PublicKey key = fp == null ? null : cluster.keysByFingerprint.get(fp);
    if (key == null || sig == null) {
      return null;
    }
    byte[] signed =
        body.length() > 0
            ? body.getBytes()
            : NodeRequests.signedBytes(
                request.method().name(),
                request.path(),
                Long.parseLong(request.getHeader(NodeRequests.SENT_AT_HEADER)));
    return HeartbeatSignatures.verify(signed, sig, key) ? cluster.nodeOfFingerprint.get(fp) : null;
  }

  private void register(HttpServerRequest request, String nodeId, JsonNode body) {
    long generation = body.path("key_generation").asLong();
    long stored = cluster.generation(nodeId);
    if (generation < stored) {
      request
          .response()
          .setStatusCode(409)
          .end("{\"error\":\"older generation\",\"key_generation\":" + stored + "}");
      return;
    }
    NodeWireGuard wg =
        new NodeWireGuard(
            body.path("primary_public_key").asText(),
            body.path("primary_endpoint").asText(),
            Optional.ofNullable(body.path("secondary_public_key").asText(null)),
            Optional.ofNullable(body.path("secondary_endpoint").asText(null)));
    boolean same = wg.equals(cluster.registered.get(nodeId)) && generation == stored;
    cluster.registered.put(nodeId, wg);
    cluster.generations.put(nodeId, generation);
    if (!same) {
      cluster.changed();
    }
    request
        .response()
        .end(
            "{\"node_id\":\""
                + nodeId
                + "\",\"key_generation\":"
                + generation
                + ",\"revision\":"
                + cluster.revision
                + "}");
  }

  private void stream(HttpServerRequest request, String nodeId) {
    if (!cluster.registered.containsKey(nodeId)) {
      request.response().setStatusCode(409).end("{\"error\":\"not registered\"}");
      return;
    }
    streamQueries.add(request.query() == null ? "" : request.query());
    HttpServerResponse response = request.response();
    response.setChunked(true).putHeader("Content-Type", "text/event-stream");
    Stream s = new Stream(nodeId, response);
    DesiredState now = cluster.stateOf(nodeId);
    String digest = request.getParam("digest");
    if (now.digest().equals(digest)) {
      response.write(
          "id: "
              + now.revision()
              + "\nevent: unchanged\ndata: {\"revision\":"
              + now.revision()
              + "}\n\n");
    } else {
      response.write(
          "id: " + now.revision() + "\nevent: desired-state\ndata: " + now.toJsonText() + "\n\n");
    }
    s.last = now;
    streams.add(s);
    response.closeHandler(v -> streams.remove(s));
  }

  /** Sends each open stream the patch from what it last sent. */
  void push() {
    for (Stream s : new ArrayList<>(streams)) {
      DesiredState next = cluster.stateOf(s.nodeId);
      if (next.revision() == s.last.revision()) {
        continue;
      }
      DesiredStatePatch patch = DesiredStatePatch.between(s.last, next);
      s.response.write(
          "id: "
              + next.revision()
              + "\nevent: patch\ndata: "
              + new String(patch.toJson())
              + "\n\n");
      s.last = next;
    }
  }

  private static JsonNode json(Buffer body) {
    try {
      return Json.mapper().readTree(body.getBytes());
    } catch (Exception e) {
      return Json.mapper().createObjectNode();
    }
  }
}
