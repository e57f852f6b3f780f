package io.uptimemesh.agent.contract;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.core.discovery.DiscoveryDocument;
import io.uptimemesh.core.discovery.DiscoveryNode;
import io.uptimemesh.core.discovery.EndpointHealthReport;
import io.uptimemesh.core.discovery.EndpointProbe;
import io.uptimemesh.core.discovery.HealthyEndpoint;
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
import java.util.Comparator;
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
 * patches. Several instances may share one {@link Cluster}, like core nodes share etcd. It also
 * speaks the discovery contract of ADR 0013: discovery documents (whole, streamed) and endpoint
 * health reports, with registered nodes counting as alive.
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
    final Map<String, List<EndpointProbe>> probes = new ConcurrentHashMap<>();
    final Map<String, EndpointHealthReport.Report> health = new ConcurrentHashMap<>();
    final List<JsonNode> healthPosts = new CopyOnWriteArrayList<>();
    final Map<String, io.uptimemesh.core.workload.WorkloadsDocument> workloads =
        new ConcurrentHashMap<>();
    final List<JsonNode> replicaStatusPosts = new CopyOnWriteArrayList<>();

    /** The workloads document a node gets (its stream sends it once, then stays open). */
    public void workloads(String nodeId, io.uptimemesh.core.workload.WorkloadsDocument document) {
      workloads.put(nodeId, document);
    }

    /** Every replica-status request body received. */
    public List<JsonNode> replicaStatusPosts() {
      return replicaStatusPosts;
    }

    /** When above 0, endpoint health reports are answered with this status. */
    public volatile int healthRefusal;

    /** When above 0, heartbeats are answered with this status. */
    public volatile int heartbeatRefusal;

    /** What etcd does when the node's lease expires: its endpoint health reports are gone. */
    public synchronized void expireLease(String nodeId) {
      probes.getOrDefault(nodeId, List.of()).forEach(p -> health.remove(p.endpointId()));
      changed();
    }

    long revision = 1;

    /** An endpoint hosted by {@code nodeId}. */
    public synchronized void endpoint(String nodeId, EndpointProbe probe) {
      probes.computeIfAbsent(nodeId, k -> new CopyOnWriteArrayList<>()).add(probe);
      changed();
    }

    /** Deletes an endpoint and its health. */
    public synchronized void deleteEndpoint(String endpointId) {
      probes.values().forEach(l -> l.removeIf(p -> p.endpointId().equals(endpointId)));
      health.remove(endpointId);
      changed();
    }

    /** The last verdict reported about an endpoint. */
    public Optional<EndpointHealthReport.Report> health(String endpointId) {
      return Optional.ofNullable(health.get(endpointId));
    }

    /** Every endpoint health request body received, accepted or not. */
    public List<JsonNode> healthPosts() {
      return healthPosts;
    }

    synchronized DiscoveryDocument discoveryOf(String nodeId, boolean withZone) {
      List<EndpointProbe> mine = new ArrayList<>(probes.getOrDefault(nodeId, List.of()));
      mine.sort(Comparator.comparing(EndpointProbe::endpointId));
      DiscoveryDocument.Zone zone = null;
      if (withZone) {
        List<DiscoveryNode> nodes = new ArrayList<>();
        registered.keySet().stream()
            .sorted()
            .forEach(id -> nodes.add(new DiscoveryNode(id, id, meshIps.get(id))));
        List<HealthyEndpoint> endpoints = new ArrayList<>();
        probes.forEach(
            (node, list) ->
                list.forEach(
                    p -> {
                      EndpointHealthReport.Report r = health.get(p.endpointId());
                      if (registered.containsKey(node)
                          && r != null
                          && r.healthy()
                          && r.endpointRevision() == p.endpointRevision()) {
                        endpoints.add(
                            new HealthyEndpoint(
                                p.service(), node, p.address(), p.port(), p.protocol(), "app"));
                      }
                    }));
        endpoints.sort(
            Comparator.comparing(HealthyEndpoint::service)
                .thenComparing(HealthyEndpoint::nodeId)
                .thenComparing(HealthyEndpoint::address)
                .thenComparing(HealthyEndpoint::port));
        zone = new DiscoveryDocument.Zone(nodes, endpoints);
      }
      Map<String, Boolean> reported = new java.util.TreeMap<>();
      for (EndpointProbe p : mine) {
        EndpointHealthReport.Report r = health.get(p.endpointId());
        if (r != null && r.endpointRevision() == p.endpointRevision()) {
          reported.put(p.endpointId(), r.healthy());
        }
      }
      return new DiscoveryDocument(
          DiscoveryDocument.SCHEMA, nodeId, revision, mine, reported, zone);
    }

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
  private final List<DiscoveryStream> discoveryStreams = new ArrayList<>();
  private final List<String> discoveryQueries = new CopyOnWriteArrayList<>();

  private static final class DiscoveryStream {
    final String nodeId;
    final boolean withZone;
    final HttpServerResponse response;
    String digest;

    DiscoveryStream(String nodeId, boolean withZone, HttpServerResponse response) {
      this.nodeId = nodeId;
      this.withZone = withZone;
      this.response = response;
    }
  }

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
          discoveryStreams.forEach(s -> s.response.reset());
          discoveryStreams.clear();
        });
    server.close().await(10, TimeUnit.SECONDS);
  }

  public int openStreams() {
    return streams.size();
  }

  public int openDiscoveryStreams() {
    return discoveryStreams.size();
  }

  /** The query strings discovery streams were opened with. */
  public List<String> discoveryQueries() {
    return discoveryQueries;
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
                if (cluster.heartbeatRefusal > 0) {
                  request.response().setStatusCode(cluster.heartbeatRefusal).end("{}");
                  return;
                }
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
                case "discovery" ->
                    request
                        .response()
                        .end(
                            Buffer.buffer(
                                cluster
                                    .discoveryOf(nodeId, "true".equals(request.getParam("zone")))
                                    .toJson()));
                case "discovery/stream" -> discoveryStream(request, nodeId);
                case "endpoint-health" -> endpointHealth(request, nodeId, body);
                case "workloads", "workloads/stream" -> workloads(request, nodeId, m.group(2));
                case "replica-status" -> {
                  JsonNode posted = json(body);
                  cluster.replicaStatusPosts.add(posted);
                  request
                      .response()
                      .end(
                          "{\"accepted\":"
                              + posted.path("statuses").size()
                              + ",\"written\":"
                              + posted.path("statuses").size()
                              + ",\"ignored\":[]}");
                }
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
      writeUnchanged(response, now.revision());
    } else {
      response.write(
          "id: " + now.revision() + "\nevent: desired-state\ndata: " + now.toJsonText() + "\n\n");
    }
    s.last = now;
    streams.add(s);
    response.closeHandler(v -> streams.remove(s));
  }

  private void discoveryStream(HttpServerRequest request, String nodeId) {
    discoveryQueries.add(request.query() == null ? "" : request.query());
    HttpServerResponse response = request.response();
    response.setChunked(true).putHeader("Content-Type", "text/event-stream");
    DiscoveryStream s =
        new DiscoveryStream(nodeId, "true".equals(request.getParam("zone")), response);
    DiscoveryDocument now = cluster.discoveryOf(nodeId, s.withZone);
    if (now.digest().equals(request.getParam("digest"))) {
      writeUnchanged(response, now.revision());
    } else {
      writeDiscovery(s, now);
    }
    s.digest = now.digest();
    discoveryStreams.add(s);
    response.closeHandler(v -> discoveryStreams.remove(s));
  }

  private static void writeUnchanged(HttpServerResponse response, long revision) {
    response.write(
        "id: " + revision + "\nevent: unchanged\ndata: {\"revision\":" + revision + "}\n\n");
  }

  private static void writeDiscovery(DiscoveryStream s, DiscoveryDocument doc) {
    s.response.write(
        "id: "
            + doc.revision()
            + "\nevent: discovery\ndata: "
            + new String(doc.toJson(), java.nio.charset.StandardCharsets.UTF_8)
            + "\n\n");
    s.digest = doc.digest();
  }

  /** The whole document, or a stream that sends it once and stays open; 404 before there is one. */
  private void workloads(HttpServerRequest request, String nodeId, String route) {
    io.uptimemesh.core.workload.WorkloadsDocument d = cluster.workloads.get(nodeId);
    if (d == null) {
      request.response().setStatusCode(404).end("{}");
      return;
    }
    String json = new String(d.toJson(), java.nio.charset.StandardCharsets.UTF_8);
    if (route.equals("workloads")) {
      request.response().end(json);
      return;
    }
    request
        .response()
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .write("event: workloads\nid: " + d.revision() + "\ndata: " + json + "\n\n");
  }

  private void endpointHealth(HttpServerRequest request, String nodeId, Buffer body) {
    JsonNode json = json(body);
    cluster.healthPosts.add(json);
    if (cluster.healthRefusal > 0) {
      request
          .response()
          .setStatusCode(cluster.healthRefusal)
          .end("{\"error\":\"refused by the test\"}");
      return;
    }
    if (!nodeId.equals(json.path("node_id").asText())) {
      request.response().setStatusCode(400).end("{\"error\":\"node_id\"}");
      return;
    }
    EndpointHealthReport report = EndpointHealthReport.parse(json);
    int written = 0;
    StringBuilder ignored = new StringBuilder();
    synchronized (cluster) {
      for (EndpointHealthReport.Report r : report.reports()) {
        Optional<EndpointProbe> probe =
            cluster.probes.getOrDefault(nodeId, List.of()).stream()
                .filter(p -> p.endpointId().equals(r.endpointId()))
                .findFirst();
        if (probe.isEmpty() || probe.get().endpointRevision() != r.endpointRevision()) {
          ignored
              .append(ignored.length() == 0 ? "" : ",")
              .append("{\"endpoint_id\":\"")
              .append(r.endpointId())
              .append("\",\"reason\":\"gone\"}");
          continue;
        }
        EndpointHealthReport.Report before = cluster.health.put(r.endpointId(), r);
        if (before == null || before.healthy() != r.healthy()) {
          written++;
        }
      }
      if (written > 0) {
        cluster.changed();
      }
    }
    request
        .response()
        .end(
            "{\"accepted\":"
                + report.reports().size()
                + ",\"written\":"
                + written
                + ",\"ignored\":["
                + ignored
                + "]}");
  }

  /** Sends each open stream the patch from what it last sent. */
  void push() {
    for (DiscoveryStream s : new ArrayList<>(discoveryStreams)) {
      DiscoveryDocument next = cluster.discoveryOf(s.nodeId, s.withZone);
      if (!next.digest().equals(s.digest)) {
        writeDiscovery(s, next);
      }
    }
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
