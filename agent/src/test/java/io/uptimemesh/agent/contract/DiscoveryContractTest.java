package io.uptimemesh.agent.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.agent.Agent;
import io.uptimemesh.agent.status.StatusClient;
import io.uptimemesh.core.discovery.EndpointProbe;
import io.uptimemesh.core.discovery.HealthCheck;
import io.uptimemesh.core.json.Json;
import io.uptimemesh.core.pki.ClusterCa;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's side of discovery against a server speaking ADR 0013's routes (stream, full fetch,
 * health reports) over real HTTP, with a real TCP listener and a real HTTP server as endpoints: the
 * agent reports them healthy, reports a closed listener unhealthy within interval × threshold,
 * writes a zone that named-checkzone accepts, runs its reload command and shows all of it in its
 * status and heartbeats.
 */
class DiscoveryContractTest {
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

  private JsonNode status(TestNode node) throws Exception {
    StatusClient.Answer a = StatusClient.get(node.socket(), "/status");
    assertThat(a.status()).isEqualTo(200);
    return Json.mapper().readTree(a.body());
  }

  private boolean healthy(String endpointId, boolean wanted) {
    return cluster.health(endpointId).map(r -> r.healthy() == wanted).orElse(false);
  }

  private TestNode discoveryNode(ContractServer server) throws Exception {
    TestNode n1 = new TestNode(ca, dir, "n1", 1, List.of(server.url()));
    n1.env.put("RUNTIME_DISCOVERY_ENABLE", "true");
    n1.env.put("RUNTIME_DISCOVERY_ZONE_PATH", dir.resolve("dns/mesh.zone").toString());
    n1.env.put(
        "RUNTIME_DISCOVERY_RELOAD_COMMAND",
        "echo reloaded $UPTIMEMESH_DISCOVERY_SERIAL >> " + dir.resolve("marker"));
    n1.env.put("RUNTIME_DISCOVERY_LISTEN", "127.0.0.1");
    n1.env.put("RUNTIME_DISCOVERY_PORT", "5353");
    cluster.join("n1", n1.certificate, "10.200.0.1");
    return n1;
  }

  @Test
  void endpointsAreProbedReportedAndRenderedIntoAZoneThatLoads() throws Exception {
    ContractServer server = new ContractServer(serverVertx, cluster, TestNode.freePort());
    server.start();
    TestNode n1 = discoveryNode(server);
    ServerSocket tcp = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    AtomicInteger httpStatus = new AtomicInteger(200);
    HttpServer http =
        serverVertx
            .createHttpServer()
            .requestHandler(r -> r.response().setStatusCode(httpStatus.get()).end("ok"))
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
    HealthCheck tcpCheck = new HealthCheck("tcp", null, 200, 100, 3, 1);
    HealthCheck httpCheck = new HealthCheck("http", "/healthz", 200, 100, 2, 2);
    cluster.endpoint(
        "n1",
        new EndpointProbe("db-1", 11, "db", "127.0.0.1", tcp.getLocalPort(), "tcp", tcpCheck));
    cluster.endpoint(
        "n1",
        new EndpointProbe("web-1", 12, "web", "127.0.0.1", http.actualPort(), "tcp", httpCheck));

    agentVertx
        .deployVerticle(new Agent(n1.settings(), new RecordingMesh(), Clock.systemUTC(), () -> "x"))
        .await(20, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(15)).until(() -> healthy("db-1", true));
    await().atMost(Duration.ofSeconds(15)).until(() -> healthy("web-1", true));
    Path zone = dir.resolve("dns/mesh.zone");
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                Files.exists(zone)
                    && Files.readString(zone).contains("db.svc IN A 127.0.0.1")
                    && Files.readString(zone).contains("web.svc IN A 127.0.0.1"));
    assertThat(Files.readString(zone))
        .contains("n1.node IN A 10.200.0.1", "_app._tcp.db.svc IN SRV 0 10 " + tcp.getLocalPort());
    assertThat(checkzone(zone)).isZero();
    assertThat(Files.readString(dir.resolve("dns/Corefile")))
        .contains("mesh.local.:5353 {", "bind 127.0.0.1", "file " + zone.toAbsolutePath());
    assertThat(server.discoveryQueries()).allSatisfy(q -> assertThat(q).startsWith("zone=true"));
    assertThat(cluster.healthPosts())
        .allSatisfy(
            p -> {
              assertThat(p.path("node_id").asText()).isEqualTo("n1");
              assertThat(p.path("sent_at_ms").asLong()).isPositive();
            });

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> status(n1).path("discovery").path("endpoints").size() == 2);
    JsonNode discovery = status(n1).path("discovery");
    assertThat(discovery.path("enabled").asBoolean()).isTrue();
    assertThat(discovery.path("serial").asLong()).isPositive();
    assertThat(discovery.path("zone_path").asText()).isEqualTo(zone.toAbsolutePath().toString());
    assertThat(discovery.path("records").path("endpoints").asInt()).isEqualTo(2);
    assertThat(discovery.path("last_reload").path("ok").asBoolean()).isTrue();
    assertThat(discovery.path("endpoints").get(0).path("id").asText()).isEqualTo("db-1");
    assertThat(discovery.path("endpoints").get(0).path("state").asText()).isEqualTo("healthy");
    assertThat(discovery.path("endpoints").get(1).path("check").asText())
        .isEqualTo("http /healthz");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                cluster
                        .heartbeats()
                        .get(cluster.heartbeats().size() - 1)
                        .path("status")
                        .path("discovery")
                        .path("serial")
                        .asLong()
                    > 0);

    // The TCP listener goes away: unhealthy within interval x threshold, then out of the zone.
    long closed = System.nanoTime();
    tcp.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> healthy("db-1", false));
    Duration detected = Duration.ofNanos(System.nanoTime() - closed);
    await().atMost(Duration.ofSeconds(5)).until(() -> !Files.readString(zone).contains("db.svc"));
    Duration withdrawn = Duration.ofNanos(System.nanoTime() - closed);
    System.out.printf(
        "closed listener reported unhealthy after %d ms, gone from the zone after %d ms%n",
        detected.toMillis(), withdrawn.toMillis());
    // 3 attempts 200 ms apart, each given up after 100 ms, and one report: well under a second.
    assertThat(detected).isLessThan(Duration.ofMillis(200 * 3 + 600));
    assertThat(cluster.health("db-1").orElseThrow().detail()).isNotEmpty();
    assertThat(checkzone(zone)).isZero();

    // The HTTP endpoint answers 503: unhealthy; back to 200 for two attempts: healthy again.
    httpStatus.set(503);
    await().atMost(Duration.ofSeconds(5)).until(() -> healthy("web-1", false));
    assertThat(cluster.health("web-1").orElseThrow().detail()).isEqualTo("HTTP 503");
    httpStatus.set(200);
    await().atMost(Duration.ofSeconds(5)).until(() -> healthy("web-1", true));

    assertThat(Files.readAllLines(dir.resolve("marker"))).hasSizeGreaterThanOrEqualTo(3);
    assertThat(StatusClient.get(n1.socket(), "/metrics").body())
        .contains("uptimemesh_agent_endpoint_health_transitions_total{to=\"unhealthy\"}")
        .contains("uptimemesh_agent_discovery_zone_renders_total");
  }

  @Test
  void reportsWaitWhileTheNodeIsNotAliveAndAnAgentStartedWithoutControlPlaneStillServes()
      throws Exception {
    ContractServer server = new ContractServer(serverVertx, cluster, TestNode.freePort());
    server.start();
    TestNode n1 = discoveryNode(server);
    ServerSocket tcp = dbListener();
    cluster.healthRefusal = 409;
    String agent =
        agentVertx
            .deployVerticle(
                new Agent(n1.settings(), new RecordingMesh(), Clock.systemUTC(), () -> "x"))
            .await(20, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> cluster.healthPosts().size() >= 2);
    assertThat(cluster.health("db-1")).isEmpty();
    cluster.healthRefusal = 0;
    await().atMost(Duration.ofSeconds(10)).until(() -> healthy("db-1", true));
    Path zone = dir.resolve("dns/mesh.zone");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> Files.exists(zone) && Files.readString(zone).contains("db.svc"));
    long serial = status(n1).path("discovery").path("serial").asLong();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> Files.exists(n1.dataDir.resolve("discovery.json")));

    // Restarted while the control plane is down: probes from the persisted document, same zone.
    agentVertx.undeploy(agent).await(10, TimeUnit.SECONDS);
    server.stop();
    String before = Files.readString(zone);
    agentVertx
        .deployVerticle(new Agent(n1.settings(), new RecordingMesh(), Clock.systemUTC(), () -> "x"))
        .await(20, TimeUnit.SECONDS);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                status(n1)
                    .path("discovery")
                    .path("endpoints")
                    .path(0)
                    .path("state")
                    .asText()
                    .equals("healthy"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> status(n1).path("discovery").path("serial").asLong() == serial);
    assertThat(Files.readString(zone)).isEqualTo(before);
    assertThat(status(n1).path("discovery").path("reports_pending").asInt()).isEqualTo(1);
    tcp.close();
  }

  @Test
  void documentChangesAddRestartAndStopProbesAndTheStreamResumesWithItsDigest() throws Exception {
    ContractServer server = new ContractServer(serverVertx, cluster, TestNode.freePort());
    server.start();
    TestNode n1 = new TestNode(ca, dir, "n1", 1, List.of(server.url()));
    cluster.join("n1", n1.certificate, "10.200.0.1");
    ServerSocket tcp = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    HealthCheck check = new HealthCheck("tcp", null, 200, 100, 2, 1);
    cluster.endpoint(
        "n1", new EndpointProbe("db-1", 11, "db", "127.0.0.1", tcp.getLocalPort(), "tcp", check));
    agentVertx
        .deployVerticle(new Agent(n1.settings(), new RecordingMesh(), Clock.systemUTC(), () -> "x"))
        .await(20, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> healthy("db-1", true));
    // Discovery off on this node: the stream does not ask for the zone, and no zone is written.
    assertThat(server.discoveryQueries()).allSatisfy(q -> assertThat(q).doesNotContain("zone"));
    assertThat(status(n1).path("discovery").path("enabled").asBoolean()).isFalse();
    assertThat(status(n1).path("discovery").has("serial")).isFalse();

    // Deleted and created again under the same id: a new create revision, probed afresh.
    cluster.deleteEndpoint("db-1");
    cluster.endpoint(
        "n1", new EndpointProbe("db-1", 20, "db", "127.0.0.1", tcp.getLocalPort(), "tcp", check));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                cluster
                    .health("db-1")
                    .map(r -> r.endpointRevision() == 20 && r.healthy())
                    .orElse(false));
    // A second endpoint on a closed port: reported unhealthy; then removed: no longer probed.
    int closed = TestNode.freePort();
    cluster.endpoint(
        "n1", new EndpointProbe("web-1", 21, "web", "127.0.0.1", closed, "tcp", check));
    await().atMost(Duration.ofSeconds(10)).until(() -> healthy("web-1", false));
    assertThat(status(n1).path("discovery").path("endpoints").size()).isEqualTo(2);
    cluster.deleteEndpoint("web-1");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> status(n1).path("discovery").path("endpoints").size() == 1);

    // The control plane restarts: the stream resumes with the digest and gets "unchanged".
    int port = Integer.parseInt(server.url().replaceAll(".*:", ""));
    server.stop();
    ContractServer again = new ContractServer(serverVertx, cluster, port);
    again.start();
    await().atMost(Duration.ofSeconds(70)).until(() -> again.openDiscoveryStreams() == 1);
    assertThat(again.discoveryQueries()).allSatisfy(q -> assertThat(q).startsWith("digest="));
    tcp.close();
  }

  @Test
  void verdictsAreSentAgainWhenHeartbeatsResumeAfterTheLeaseMayHaveExpired() throws Exception {
    ServerSocket tcp = agentWithAHealthyDbEndpoint();
    int posts = cluster.healthPosts().size();

    // Heartbeats refused for longer than the TTL (5 s here): the lease expires with the reports,
    // and the server refuses reports (409) while the node is not alive. The agent tries again
    // (the new document no longer holds its verdict) and waits out its backoff.
    cluster.heartbeatRefusal = 503;
    cluster.healthRefusal = 409;
    cluster.expireLease("n1");
    Thread.sleep(6_000);
    assertThat(cluster.health("db-1")).isEmpty();
    assertThat(cluster.healthPosts()).hasSizeGreaterThan(posts);
    // Alive again: the first accepted heartbeat after the gap sends the verdict at once, not when
    // the reporter's backoff (by now several seconds) would have ended.
    cluster.healthRefusal = 0;
    cluster.heartbeatRefusal = 0;
    await().atMost(Duration.ofSeconds(3)).until(() -> healthy("db-1", true));
    tcp.close();
  }

  @Test
  void verdictsTheControlPlaneNoLongerHoldsAreSentAgainWithoutAHeartbeatGap() throws Exception {
    ServerSocket tcp = agentWithAHealthyDbEndpoint();
    int posts = cluster.healthPosts().size();

    // The reports are gone (as when etcd ended the lease) while heartbeats go on: the next
    // document no longer lists the verdict, and the agent sends it again.
    cluster.expireLease("n1");
    await().atMost(Duration.ofSeconds(3)).until(() -> healthy("db-1", true));
    assertThat(cluster.healthPosts()).hasSizeGreaterThan(posts);
    tcp.close();
  }

  /** A contract server, agent n1 on it, and n1's endpoint db-1 reported healthy. */
  private ServerSocket agentWithAHealthyDbEndpoint() throws Exception {
    ContractServer server = new ContractServer(serverVertx, cluster, TestNode.freePort());
    server.start();
    TestNode n1 = new TestNode(ca, dir, "n1", 1, List.of(server.url()));
    cluster.join("n1", n1.certificate, "10.200.0.1");
    ServerSocket tcp = dbListener();
    agentVertx
        .deployVerticle(new Agent(n1.settings(), new RecordingMesh(), Clock.systemUTC(), () -> "x"))
        .await(20, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> healthy("db-1", true));
    return tcp;
  }

  /** A TCP listener on loopback, registered as endpoint db-1 of n1 (every 200 ms, threshold 3). */
  private ServerSocket dbListener() throws Exception {
    ServerSocket tcp = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    cluster.endpoint(
        "n1",
        new EndpointProbe(
            "db-1",
            11,
            "db",
            "127.0.0.1",
            tcp.getLocalPort(),
            "tcp",
            new HealthCheck("tcp", null, 200, 100, 3, 1)));
    return tcp;
  }

  private static int checkzone(Path zone) throws Exception {
    String binary =
        List.of("/usr/bin/named-checkzone", "/usr/sbin/named-checkzone").stream()
            .filter(p -> new File(p).canExecute())
            .findFirst()
            .orElseThrow(
                () -> new AssertionError("named-checkzone is missing: install bind9-utils"));
    Process process =
        new ProcessBuilder(
                binary, "-k", "fail", "-i", "full", "-n", "fail", "mesh.local", zone.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(output).as(output).contains("OK");
    assertThat(output).as("named-checkzone warned: %s", output).doesNotContainIgnoringCase("warn");
    return process.exitValue();
  }
}
