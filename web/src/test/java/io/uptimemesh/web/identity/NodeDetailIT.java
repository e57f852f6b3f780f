package io.uptimemesh.web.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.uptimemesh.testkit.EtcdClusterExtension;
import io.uptimemesh.web.NodeCluster;
import io.uptimemesh.web.NodeCluster.Node;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Node detail and Network routes and the path switch events, on real etcd, with nodes that
 * joined and send signed heartbeats carrying the agent's {@code wireguard.paths}.
 */
@Timeout(120)
class NodeDetailIT {
  @RegisterExtension static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

  private static final Duration WAIT = Duration.ofSeconds(10);

  /** When the simulated agents switched: events are stamped with it, so it must be today. */
  private static final String SWITCHED = java.time.Instant.now().minusSeconds(1).toString();

  private NodeCluster cluster;

  @BeforeEach
  void setUp() {
    cluster = new NodeCluster(etcd.endpoints(), Duration.ofSeconds(5));
  }

  @AfterEach
  void tearDown() {
    cluster.close();
  }

  @Test
  void aNodesDetailShowsItsIdentityStateAndReportedPaths() {
    Node a = cluster.join("detail-a");
    cluster.join("detail-b");
    ok(cluster.heartbeat(a, status("detail-b", "primary", 0, 0)));

    HttpResponse<Buffer> r = cluster.op(HttpMethod.GET, "/api/v1/nodes/detail-a", null);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    JsonObject node = r.bodyAsJsonObject();
    assertThat(node.getString("node_id")).isEqualTo("detail-a");
    assertThat(node.getString("state")).isEqualTo("alive");
    assertThat(node.getString("mesh_ip")).isEqualTo(a.meshIp());
    assertThat(node.getString("cert_fingerprint")).isEqualTo(a.fingerprint());
    assertThat(node.getLong("cert_not_after_ms")).isPositive();
    assertThat(node.getJsonObject("scheduling").getBoolean("cordoned")).isFalse();
    JsonObject path =
        node.getJsonObject("status")
            .getJsonObject("wireguard")
            .getJsonArray("paths")
            .getJsonObject(0);
    assertThat(path.getString("peer")).isEqualTo("detail-b");
    assertThat(path.getString("active")).isEqualTo("primary");
    assertThat(r.bodyAsString()).doesNotContainIgnoringCase("private");

    HttpResponse<Buffer> missing = cluster.op(HttpMethod.GET, "/api/v1/nodes/no-such-node", null);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.bodyAsJsonObject().getString("message")).contains("no-such-node");
    HttpResponse<Buffer> bad = cluster.op(HttpMethod.GET, "/api/v1/nodes/Not_An_Id", null);
    assertThat(bad.statusCode()).isEqualTo(400);
    HttpResponse<Buffer> anonymous =
        cluster.send(HttpMethod.GET, "/api/v1/nodes/detail-a", null, null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
  }

  @Test
  void theMeshListsEveryLinkAsEachEndReportsIt() {
    Node a = cluster.join("mesh-a");
    Node b = cluster.join("mesh-b");
    cluster.join("mesh-c");
    ok(cluster.heartbeat(a, status("mesh-b", "secondary", 1, 0)));
    ok(cluster.heartbeat(b, status("mesh-a", "primary", 0, 0)));

    HttpResponse<Buffer> r = cluster.op(HttpMethod.GET, "/api/v1/mesh/paths", null);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    JsonObject mesh = r.bodyAsJsonObject();
    assertThat(mesh.getJsonArray("nodes").stream().map(o -> ((JsonObject) o).getString("node_id")))
        .containsExactly("mesh-a", "mesh-b", "mesh-c");
    JsonObject c = mesh.getJsonArray("nodes").getJsonObject(2);
    assertThat(c.getBoolean("reported")).isFalse();
    assertThat(c.getString("state")).isEqualTo("stale"); // joined, never heartbeat
    JsonArray links = mesh.getJsonArray("links");
    assertThat(links).hasSize(2);
    assertThat(links.getJsonObject(0).getString("from")).isEqualTo("mesh-a");
    assertThat(links.getJsonObject(0).getString("to")).isEqualTo("mesh-b");
    assertThat(links.getJsonObject(0).getString("active")).isEqualTo("secondary");
    assertThat(links.getJsonObject(0).getJsonObject("primary").getString("state"))
        .isEqualTo("down");
    assertThat(links.getJsonObject(1).getString("from")).isEqualTo("mesh-b");
    assertThat(links.getJsonObject(1).getString("active")).isEqualTo("primary");
  }

  @Test
  void theKeptMeshAnswerFollowsEveryChange() {
    Node a = cluster.join("kept-a");
    cluster.join("kept-b");
    ok(cluster.heartbeat(a, status("kept-b", "primary", 0, 0)));
    assertThat(link("kept-a").getString("active")).isEqualTo("primary");
    assertThat(link("kept-a").getString("active")).isEqualTo("primary"); // kept: the same view

    ok(cluster.heartbeat(a, status("kept-b", "secondary", 1, 0)));

    assertThat(link("kept-a").getString("active")).isEqualTo("secondary");
    assertThat(meshNode("kept-b").getString("state")).isEqualTo("stale");
    ok(cluster.heartbeat(cluster.join("kept-c"), status("kept-a", "primary", 0, 0)));
    assertThat(meshNode("kept-c").getString("state")).isEqualTo("alive");
  }

  @Test
  void theKeptListingFollowsEveryChangeAtOnce() {
    Node a = cluster.join("list-a");
    assertThat(listed("list-a").getString("state")).isEqualTo("stale"); // never heartbeat
    ok(cluster.heartbeat(a, status("list-b", "primary", 0, 0)));
    assertThat(listed("list-a").getString("state")).isEqualTo("alive");
    cluster.join("list-b");
    assertThat(listed("list-b").getString("node_id")).isEqualTo("list-b");

    ok(cluster.op(HttpMethod.POST, "/api/v1/nodes/list-a/revoke", new JsonObject()));

    assertThat(listed("list-a").getString("state")).isEqualTo("revoked");
  }

  @Test
  void theListingTellsWhenEachAliveNodeLastHeartbeat() {
    Node a = cluster.join("age-a");
    long before = System.currentTimeMillis();
    ok(cluster.heartbeat(a, status("age-b", "primary", 0, 0)));

    HttpResponse<Buffer> r = cluster.op(HttpMethod.GET, "/api/v1/nodes", null);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    JsonObject row =
        r.bodyAsJsonObject().getJsonArray("nodes").stream()
            .map(JsonObject.class::cast)
            .filter(n -> n.getString("node_id").equals("age-a"))
            .findFirst()
            .orElseThrow();
    assertThat(row.getString("state")).isEqualTo("alive");
    // The lease TTL is whole seconds: the age is right to a second.
    assertThat(row.getLong("last_heartbeat_ms"))
        .isBetween(before - 1_500, System.currentTimeMillis() + 1_500);
  }

  @Test
  void aSwitchIsRecordedOnceAndAnAgentRestartIsNoSwitch() {
    Node a = cluster.join("switch-a");
    cluster.join("switch-b");
    // Since an hour before the switch: "today" could start after it right after midnight.
    String today =
        String.valueOf(java.time.Instant.parse(SWITCHED).minusSeconds(3600).toEpochMilli());
    ok(cluster.heartbeat(a, status("switch-b", "primary", 0, 0)));
    ok(cluster.heartbeat(a, status("switch-b", "secondary", 1, 0)));
    ok(cluster.heartbeat(a, status("switch-b", "secondary", 1, 0))); // unchanged: nothing new

    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(events("name=path_failover&node=switch-a")).hasSize(1));
    JsonObject event = events("name=path_failover&node=switch-b").getJsonObject(0);
    assertThat(event.getJsonObject("fields").getMap())
        .containsEntry("node_id", "switch-a")
        .containsEntry("peer_id", "switch-b")
        .containsEntry("from", "primary")
        .containsEntry("to", "secondary");
    assertThat(count("name=path_failover&since=" + today)).isEqualTo(1);
    // Stamped with when the agent switched, not when the heartbeat arrived.
    assertThat(event.getLong("time_ms"))
        .isEqualTo(java.time.Instant.parse(SWITCHED).toEpochMilli());

    // The agent restarts: back on the primary with its counters at zero. Not a failback.
    ok(cluster.heartbeat(a, status("switch-b", "primary", 0, 0)));
    // Then a real failover and a real failback.
    ok(cluster.heartbeat(a, status("switch-b", "secondary", 1, 0)));
    ok(cluster.heartbeat(a, status("switch-b", "primary", 1, 1)));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(count("name=path_failover&since=" + today)).isEqualTo(2);
              assertThat(events("name=path_failback&node=switch-a")).hasSize(1);
            });
    assertThat(count("name=path_failover,path_failback&node=switch-a")).isEqualTo(3);
    assertThat(count("name=path_failover&node=someone-else")).isZero();

    HttpResponse<Buffer> badName =
        cluster.op(HttpMethod.GET, "/api/v1/events/count?name=No!", null);
    assertThat(badName.statusCode()).isEqualTo(400);
    assertThat(badName.bodyAsJsonObject().getString("message")).startsWith("name:");
  }

  private JsonObject listed(String id) {
    HttpResponse<Buffer> r = cluster.op(HttpMethod.GET, "/api/v1/nodes", null);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("nodes").stream()
        .map(JsonObject.class::cast)
        .filter(n -> n.getString("node_id").equals(id))
        .findFirst()
        .orElseThrow();
  }

  private JsonObject mesh() {
    HttpResponse<Buffer> r = cluster.op(HttpMethod.GET, "/api/v1/mesh/paths", null);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private JsonObject link(String from) {
    return mesh().getJsonArray("links").stream()
        .map(JsonObject.class::cast)
        .filter(l -> l.getString("from").equals(from))
        .findFirst()
        .orElseThrow();
  }

  private JsonObject meshNode(String id) {
    return mesh().getJsonArray("nodes").stream()
        .map(JsonObject.class::cast)
        .filter(n -> n.getString("node_id").equals(id))
        .findFirst()
        .orElseThrow();
  }

  private JsonArray events(String query) {
    HttpResponse<Buffer> r = cluster.op(HttpMethod.GET, "/api/v1/events?" + query, null);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("events");
  }

  private long count(String query) {
    HttpResponse<Buffer> r = cluster.op(HttpMethod.GET, "/api/v1/events/count?" + query, null);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getLong("count");
  }

  private static void ok(HttpResponse<Buffer> r) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
  }

  /** A heartbeat status as the agent sends it, with one peer. */
  private static Map<String, Object> status(
      String peer, String active, long failovers, long failbacks) {
    boolean secondary = active.equals("secondary");
    Map<String, Object> path = new LinkedHashMap<>();
    path.put("peer", peer);
    path.put("active", active);
    path.put(
        "primary",
        secondary
            ? Map.of("state", "down", "handshake", "stale", "handshake_at", "2026-11-22T10:00:00Z")
            : Map.of("state", "up", "handshake", "fresh"));
    path.put("secondary", Map.of("state", "up", "handshake", "fresh"));
    path.put("failovers", failovers);
    path.put("failbacks", failbacks);
    path.put("last_switch", failovers + failbacks == 0 ? null : SWITCHED);
    Map<String, Object> wg = new LinkedHashMap<>();
    wg.put("peers", 1);
    wg.put("peers_on_secondary", secondary ? 1 : 0);
    wg.put("paths", List.of(path));
    return Map.of("wireguard", wg);
  }
}
