package io.uptimemesh.launcher;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.uptimemesh.core.identity.NodeRecord;
import io.uptimemesh.core.identity.NodeRef;
import io.uptimemesh.etcd.EtcdClients;
import io.uptimemesh.etcd.ValueCodec;
import io.uptimemesh.testkit.FreePorts;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server elects itself, runs the stale sweep as leader, answers the leader route, and
 * {@code util prune-nodes} removes what it should through the CLI.
 */
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LeaderCliIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long HOUR = 3_600_000L;

  @TempDir static Path dir;
  private static ServerProcess server;
  private static Client etcd;
  private static String api;
  private static String oldHome;

  @BeforeAll
  static void startServer() throws Exception {
    Files.createDirectories(dir.resolve("server"));
    int[] ports = FreePorts.allocate(2);
    server = new ServerProcess(dir.resolve("server"));
    server.writeConfig(
        "managed_etcd:\n  member_name: core-a\n  client_port: "
            + ports[0]
            + "\n  peer_port: "
            + ports[1]
            + "\nleader:\n  election_ttl_seconds: 2\n  stale_sweep_interval_seconds: 1\n");
    server.start();
    server.awaitReady(Duration.ofSeconds(20));
    api = "http://127.0.0.1:" + server.httpPort;
    etcd =
        EtcdClients.create(
            List.of(URI.create("http://127.0.0.1:" + ports[0])), Duration.ofSeconds(2));
    oldHome = System.getProperty("user.home");
    System.setProperty("user.home", dir.resolve("home").toString());
  }

  @AfterAll
  static void stopServer() throws Exception {
    System.setProperty("user.home", oldHome);
    etcd.close();
    server.sigterm();
    server.awaitExit(Duration.ofSeconds(10));
    server.close();
  }

  @Test
  @Order(1)
  void theOnlyCoreNodeLeadsAndSaysSoWithoutLogin() throws Exception {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                JSON.readTree(server.get("/api/v1/cluster/leader").body())
                    .path("elected")
                    .asBoolean());
    JsonNode r = JSON.readTree(server.get("/api/v1/cluster/leader").body());
    assertThat(r.path("name").asText()).isEqualTo("core-a");
    assertThat(r.path("api_url").asText()).isEqualTo(api);
    assertThat(r.path("is_leader").asBoolean()).isTrue();
    assertThat(r.path("term").asLong()).isPositive();
  }

  @Test
  @Order(2)
  void pruneNodesNeedsALogin() {
    Cli.Result r = Cli.run("util", "prune-nodes", "--api-url", api, "--dry-run");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.stderr()).contains("not logged in");
  }

  @Test
  @Order(3)
  void theLeadersStaleSweepMarksANodeWithoutLease() throws Exception {
    Cli.Result boot = Cli.run("bootstrap", "--api-url", api, "--output", "json");
    assertThat(boot.code()).as(boot.stderr()).isZero();
    String password = JSON.readTree(boot.stdout()).path("admin_password").asText();
    Cli.Result login =
        Cli.withInput(password + "\n", "login", "--api-url", api, "--password-stdin");
    assertThat(login.code()).as(login.stderr()).isZero();

    long now = System.currentTimeMillis();
    put("/uptimemesh/nodes/old-1", node("old-1", true, now - 200 * HOUR));
    put("/uptimemesh/fingerprints/fp-old-1", new NodeRef("old-1"));
    put("/uptimemesh/nodes/new-1", node("new-1", true, now - HOUR / 2));
    put("/uptimemesh/nodes/gone-1", node("gone-1", false, 0));

    // The sweep (every second here) records since when gone-1 is stale.
    await().atMost(Duration.ofSeconds(10)).until(() -> exists("/uptimemesh/node-stale/gone-1"));
  }

  @Test
  @Order(4)
  void dryRunListsAndKeeps() throws Exception {
    Cli.Result r =
        Cli.run("util", "prune-nodes", "--api-url", api, "--dry-run", "--output", "json");
    assertThat(r.code()).as(r.stderr()).isZero();
    JsonNode body = JSON.readTree(r.stdout());
    assertThat(body.path("dry_run").asBoolean()).isTrue();
    assertThat(body.path("nodes")).hasSize(1);
    assertThat(body.path("nodes").get(0).path("node_id").asText()).isEqualTo("old-1");
    assertThat(exists("/uptimemesh/nodes/old-1")).isTrue();
  }

  @Test
  @Order(5)
  void pruneRemovesTheNodeWithItsKeys() throws Exception {
    Cli.Result r = Cli.run("util", "prune-nodes", "--api-url", api);
    assertThat(r.code()).as(r.stderr()).isZero();
    assertThat(r.stdout()).contains("old-1").contains("revoked").contains("removed 1 node(s)");
    assertThat(exists("/uptimemesh/nodes/old-1")).isFalse();
    assertThat(exists("/uptimemesh/fingerprints/fp-old-1")).isFalse();
    assertThat(exists("/uptimemesh/nodes/new-1")).isTrue();
    assertThat(exists("/uptimemesh/nodes/gone-1")).isTrue();

    Cli.Result again = Cli.run("util", "prune-nodes", "--api-url", api);
    assertThat(again.stdout()).contains("nothing removed");
  }

  private static NodeRecord node(String id, boolean revoked, long revokedAt) {
    return new NodeRecord(
        id, id, "worker", Map.of(), null, null, null, "PEM", "fp-" + id, 0, 0, revoked, revokedAt);
  }

  private static void put(String key, Object value) throws Exception {
    etcd.getKVClient()
        .put(ByteSequence.from(key, UTF_8), ByteSequence.from(new ValueCodec().encode(value)))
        .get(5, TimeUnit.SECONDS);
  }

  private static boolean exists(String key) throws Exception {
    return etcd.getKVClient().get(ByteSequence.from(key, UTF_8)).get(5, TimeUnit.SECONDS).getCount()
        > 0;
  }
}
