package io.uptimemesh.launcher;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.options.DeleteOption;
import io.uptimemesh.launcher.cli.ApiClient;
import io.uptimemesh.testkit.KeySpace;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on loopback: three {@code uptimemesh server} processes with their managed etcd
 * members, joined as an operator joins them. Each test gets a fresh cluster and prints what it
 * measured.
 */
@Timeout(240)
class ControlPlaneIT {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  @TempDir Path dir;
  private CoreCluster cluster;
  private String session;

  @BeforeEach
  void start() throws Exception {
    cluster = CoreCluster.start(dir, 3, "");
    session =
        new ApiClient(List.of(URI.create(cluster.servers.get(0).url())), null)
            .post(
                "/api/v1/auth/login",
                Map.of("username", "admin", "password", cluster.adminPassword))
            .path("token")
            .asText();
  }

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void losingQuorumRefusesEveryWriteWithinTwoSecondsAndReadsGoOn() throws Exception {
    ServerProcess witness = cluster.servers.get(2);
    ProcessHandle etcd0 = etcdOf(cluster.servers.get(0));
    ProcessHandle etcd1 = etcdOf(cluster.servers.get(1));
    assertThat(post(witness, "/api/v1/tokens", "{\"role\":\"worker\"}").status).isEqualTo(201);
    String snapshot =
        cluster
            .json("snapshot-run", "--wait", "--api-url", witness.url(), "--output", "json")
            .path("id")
            .asText();

    // Stopped (SIGSTOP), not killed: the supervisor would restart a killed member at once.
    long lost = System.nanoTime();
    signal("STOP", etcd0, etcd1);
    try {
      // A write every 100 ms for 3 s, each on its own (one hanging on etcd must not delay the
      // next).
      List<CompletableFuture<Probe>> probes = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        probes.add(probe(witness));
        Thread.sleep(100);
      }
      List<Probe> answered = probes.stream().map(CompletableFuture::join).toList();
      assertThat(answered).allSatisfy(p -> assertThat(p.status).as(p.toString()).isEqualTo(503));
      Probe guardFrom =
          answered.stream()
              .filter(p -> p.answeredNs - p.sentNs < 300_000_000L)
              .findFirst()
              .orElseThrow();
      double refusedAfter = (guardFrom.sentNs - lost) / 1e9;
      double slowest =
          answered.stream().mapToLong(p -> p.answeredNs - lost).max().orElseThrow() / 1e9;
      System.out.printf(
          "writes refused at once from %.2f s after two of three etcd members stopped; writes"
              + " in flight before that got their 503 by %.2f s%n",
          refusedAfter, slowest);
      assertThat(refusedAfter).isLessThanOrEqualTo(2.0);

      // Every kind of write is refused, on every core node, with the guard's answer.
      for (ServerProcess s : cluster.servers) {
        await()
            .atMost(Duration.ofSeconds(2))
            .until(() -> post(s, "/api/v1/tokens", "{\"role\":\"worker\"}").status == 503);
        for (String[] write :
            new String[][] {
              {"POST", "/api/v1/tokens"},
              {"DELETE", "/api/v1/tokens/aaaaaaaaaaaa"},
              {"POST", "/api/v1/nodes/n1/revoke"},
              {"POST", "/api/v1/auth/login"},
              {"POST", "/api/v1/join"},
              {"POST", "/api/v1/etcd/members"},
              {"DELETE", "/api/v1/etcd/members/1"},
            }) {
          Answer a = send(s, write[0], write[1], "{}");
          assertThat(a.status).as("%s %s on %s", write[0], write[1], s.url()).isEqualTo(503);
          assertThat(a.body).contains("\"error\":\"etcd_unavailable\"");
          assertThat(a.retryAfter).isNotNull();
        }
      }
      // Reads go on from the watch cache, marked as possibly stale.
      Answer read = send(witness, "GET", "/api/v1/tokens", null);
      assertThat(read.status).isEqualTo(200);
      assertThat(read.stale).isNotNull();
      assertThat(send(witness, "GET", "/api/v1/cluster/apis", null).status).isEqualTo(200);

      // The one write the guard lets through, a restore, must not fork a cluster it cannot see.
      Answer restore = post(witness, "/api/v1/snapshots/" + snapshot + "/restore", "{}");
      assertThat(restore.status).as(restore.body).isEqualTo(409);
      assertThat(restore.body).contains("fork the cluster");

      // One member back: quorum again, writes resume.
      long back = System.nanoTime();
      signal("CONT", etcd1);
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> post(witness, "/api/v1/tokens", "{\"role\":\"worker\"}").status == 201);
      System.out.printf(
          "writes resumed %.2f s after one etcd member came back%n",
          (System.nanoTime() - back) / 1e9);
    } finally {
      signal("CONT", etcd0, etcd1);
    }
  }

  @Test
  void writesResumeSoonAfterTheEtcdLeaderHangs() throws Exception {
    JsonNode members =
        cluster.json("etcd-members", "--api-url", cluster.apiUrls(), "--output", "json");
    String leaderName = "";
    for (JsonNode m : members.path("members")) {
      if (m.path("leader").asBoolean()) {
        leaderName = m.path("name").asText();
      }
    }
    String etcdLeader = leaderName;
    ServerProcess hosting =
        cluster.servers.stream()
            .filter(s -> s.workDir.getFileName().toString().equals(etcdLeader))
            .findFirst()
            .orElseThrow();
    ServerProcess witness = cluster.servers.stream().filter(s -> s != hosting).findFirst().get();
    ProcessHandle leaderEtcd = etcdOf(hosting);

    long stopped = System.nanoTime();
    signal("STOP", leaderEtcd);
    try {
      List<CompletableFuture<Probe>> probes = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        probes.add(probe(witness));
        Thread.sleep(100);
      }
      List<Probe> answered = probes.stream().map(CompletableFuture::join).toList();
      Probe firstOk =
          answered.stream()
              .filter(p -> p.status == 201)
              .min(java.util.Comparator.comparingLong(p -> p.answeredNs))
              .orElseThrow(() -> new AssertionError("no write succeeded: " + answered));
      double resumed = (firstOk.answeredNs - stopped) / 1e9;
      System.out.printf(
          "etcd leader %s hung: writes through %s resumed after %.2f s%n",
          etcdLeader, witness.workDir.getFileName(), resumed);
      assertThat(resumed).isLessThan(5.0);
      // Once resumed, they keep working.
      assertThat(answered.get(answered.size() - 1).status).isEqualTo(201);
    } finally {
      signal("CONT", leaderEtcd);
    }
  }

  @Test
  void aClientRetryingOnAnotherCoreNodeLosesNoWriteAndAppliesNoneTwice() throws Exception {
    List<URI> urls = cluster.servers.stream().map(s -> URI.create(s.url())).toList();
    ApiClient client = new ApiClient(urls, session);
    ServerProcess first = cluster.servers.get(0);
    Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
    int writes = 60;
    long killedAt = 0;
    for (int i = 0; i < writes; i++) {
      if (i == 20) {
        // The node serving the stream dies: the client moves on with the same idempotency keys.
        first.kill();
        killedAt = System.nanoTime();
      }
      JsonNode created =
          client.post(
              "/api/v1/tokens",
              Map.of("role", "worker", "labels", Map.of("seq", Integer.toString(i))));
      // A write the dead node applied but could not answer comes back as "already applied".
      assertThat(created.hasNonNull("id") || created.path("idempotent_replay").asBoolean())
          .as("answer to write %d: %s", i, created)
          .isTrue();
      acknowledged.add(i);
      if (i == 20) {
        System.out.printf(
            "first write after the kill acknowledged %.2f s later by %s%n",
            (System.nanoTime() - killedAt) / 1e9, client.base());
      }
    }
    assertThat(acknowledged).hasSize(writes);
    JsonNode tokens = new ApiClient(urls.subList(1, 3), session).get("/api/v1/tokens");
    Map<String, Integer> perSeq = new HashMap<>();
    tokens
        .path("tokens")
        .forEach(t -> perSeq.merge(t.path("labels").path("seq").asText("none"), 1, Integer::sum));
    List<String> wrong = new ArrayList<>();
    for (int i : acknowledged) {
      Integer n = perSeq.get(Integer.toString(i));
      if (n == null || n != 1) {
        wrong.add(i + "→" + n);
      }
    }
    assertThat(wrong).as("writes lost (null) or applied more than once").isEmpty();
  }

  @Test
  void theLeaderFailsOverWithinTwoElectionTtlsAndItsJobsRunOnTheNewLeader() throws Exception {
    // Fresh cluster with a short heartbeat TTL and a fast sweep, to watch the sweep job move.
    cluster.close();
    cluster =
        CoreCluster.start(
            dir.resolve("fast"),
            3,
            "leader:\n  election_ttl_seconds: 5\n  stale_sweep_interval_seconds: 1\n",
            Map.of(
                "RUNTIME_HEARTBEAT_TTL_SECONDS", "5", "RUNTIME_HEARTBEAT_INTERVAL_SECONDS", "2"));
    List<URI> urls = cluster.servers.stream().map(s -> URI.create(s.url())).toList();
    session =
        new ApiClient(urls, null)
            .post(
                "/api/v1/auth/login",
                Map.of("username", "admin", "password", cluster.adminPassword))
            .path("token")
            .asText();
    JsonNode leader = new ApiClient(urls, null).get("/api/v1/cluster/leader");
    assertThat(leader.path("elected").asBoolean()).isTrue();
    String oldLeader = leader.path("name").asText();
    ServerProcess doomed =
        cluster.servers.stream()
            .filter(s -> s.workDir.getFileName().toString().equals(oldLeader))
            .findFirst()
            .orElseThrow();
    List<ServerProcess> survivors = cluster.servers.stream().filter(s -> s != doomed).toList();
    ServerProcess witness = survivors.get(0);
    String witnessNode = witness.workDir.getFileName().toString();

    // The whole core node dies: its server and its etcd member.
    ProcessHandle doomedEtcd = etcdOf(doomed);
    long killed = System.currentTimeMillis();
    doomed.kill();
    doomedEtcd.destroyForcibly();
    JsonNode[] next = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              ServerProcess.Response r = witness.get("/api/v1/cluster/leader");
              if (r.status() != 200) {
                return false;
              }
              next[0] = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
              return next[0].path("elected").asBoolean()
                  && !next[0].path("name").asText().equals(oldLeader);
            });
    double failover = (System.currentTimeMillis() - killed) / 1e3;
    System.out.printf(
        "new leader %s elected %.2f s after leader %s died (election TTL 5 s)%n",
        next[0].path("name").asText(), failover, oldLeader);
    assertThat(failover).isLessThanOrEqualTo(10.0);

    // A node that heartbeats once now is alive, then stale 5 s later: only the new leader's sweep
    // can mark that (the old leader is dead).
    // (etcd may be electing its own new leader for a moment: the node retries, as an agent does)
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                Cli.run(
                            "heartbeat",
                            "--api-url",
                            witness.url(),
                            "--node-id",
                            witnessNode,
                            "--identity-dir",
                            witness.workDir.resolve("data").resolve("identities").toString())
                        .code()
                    == 0);

    long heartbeatAt = System.currentTimeMillis();
    // Its announcement (a 10 s lease) is gone from the list of live APIs too.
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> !witness.get("/api/v1/cluster/apis").body().contains(doomed.url()));
    System.out.printf(
        "%s left /api/v1/cluster/apis %.2f s after it died%n",
        oldLeader, (System.currentTimeMillis() - killed) / 1e3);

    ApiClient admin =
        new ApiClient(survivors.stream().map(s -> URI.create(s.url())).toList(), session);
    long[] staleSince = new long[1];
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              for (JsonNode n : admin.get("/api/v1/nodes").path("nodes")) {
                if (n.path("node_id").asText().equals(witnessNode)
                    && n.path("stale_since_ms").asLong() > heartbeatAt) {
                  staleSince[0] = n.path("stale_since_ms").asLong();
                  return true;
                }
              }
              return false;
            });
    System.out.printf(
        "the new leader's stale sweep marked %s stale %.2f s after the kill%n",
        witnessNode, (staleSince[0] - killed) / 1e3);
    assertThat(staleSince[0]).isGreaterThan(heartbeatAt);
  }

  private static final String RESTORE_DATA = "/uptimemesh/it-restore/";

  @Test
  void aSnapshotRestoredOnEveryCoreNodeGivesBackEveryKeyAndValue() throws Exception {
    URI[] clientUrls =
        cluster.servers.stream()
            .map(s -> URI.create("http://127.0.0.1:" + cluster.etcdClientPort(s)))
            .toArray(URI[]::new);
    String before;
    try (io.etcd.jetcd.Client etcd = io.etcd.jetcd.Client.builder().endpoints(clientUrls).build()) {
      for (int i = 0; i < 500; i++) {
        etcd.getKVClient()
            .put(bytes(RESTORE_DATA + String.format("k%04d", i)), bytes("{\"n\":" + i + "}"))
            .get(10, TimeUnit.SECONDS);
      }
      before = KeySpace.hash(etcd, "/uptimemesh/", KeySpace.SERVER_OWNED);
      ServerProcess first = cluster.servers.get(0);
      JsonNode run =
          cluster.json("snapshot-run", "--wait", "--api-url", first.url(), "--output", "json");
      assertThat(run.path("state").asText()).isEqualTo("succeeded");
      Cli.Result download =
          Cli.run(
              "snapshot-download",
              run.path("id").asText(),
              "--output",
              dir.resolve("restore.db").toString(),
              "--api-url",
              first.url());
      assertThat(download.code()).as(download.stderr()).isZero();

      // Wipe: the data goes, a token comes.
      etcd.getKVClient()
          .delete(bytes(RESTORE_DATA), DeleteOption.builder().isPrefix(true).build())
          .get(10, TimeUnit.SECONDS);
      cluster.json(
          "create-token", "--api-url", cluster.apiUrls(), "--role", "worker", "--output", "json");
      assertThat(KeySpace.hash(etcd, "/uptimemesh/", KeySpace.SERVER_OWNED)).isNotEqualTo(before);
    }

    // The runbook: stop every server, restore each member from the same file, start them all.
    long t0 = System.nanoTime();
    for (ServerProcess s : cluster.servers) {
      s.sigterm();
    }
    for (ServerProcess s : cluster.servers) {
      assertThat(s.awaitExit(Duration.ofSeconds(20))).isIn(0, 143);
    }
    String initialCluster =
        cluster.servers.stream()
            .map(s -> s.workDir.getFileName() + "=http://127.0.0.1:" + cluster.etcdPeerPort(s))
            .collect(Collectors.joining(","));
    for (ServerProcess s : cluster.servers) {
      Process p =
          cliProcess(
              s,
              "snapshot-restore",
              "--local",
              "--yes",
              "--file",
              dir.resolve("restore.db").toString(),
              "--name",
              s.workDir.getFileName().toString(),
              "--initial-cluster",
              initialCluster);
      String out = new String(p.getInputStream().readAllBytes(), UTF_8);
      assertThat(p.waitFor()).as(out).isZero();
    }
    double restored = (System.nanoTime() - t0) / 1e9;
    for (ServerProcess s : cluster.servers) {
      s.start();
    }
    for (ServerProcess s : cluster.servers) {
      CoreCluster.awaitReady(s, Duration.ofSeconds(60));
    }
    System.out.printf(
        "three-member restore: servers stopped and members restored in %.1f s, all ready again"
            + " after %.1f s%n",
        restored, (System.nanoTime() - t0) / 1e9);

    try (io.etcd.jetcd.Client etcd = io.etcd.jetcd.Client.builder().endpoints(clientUrls).build()) {
      assertThat(KeySpace.hash(etcd, "/uptimemesh/", KeySpace.SERVER_OWNED)).isEqualTo(before);
    }
  }

  private static Process cliProcess(ServerProcess s, String... args) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                System.getProperty("uptimemesh.jar")));
    command.addAll(List.of(args));
    ProcessBuilder b =
        new ProcessBuilder(command).directory(s.workDir.toFile()).redirectErrorStream(true);
    b.environment().putAll(s.environment());
    return b.start();
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, UTF_8);
  }

  private record Answer(int status, String body, String retryAfter, String stale) {}

  private record Probe(long sentNs, long answeredNs, int status) {}

  private CompletableFuture<Probe> probe(ServerProcess s) {
    long sent = System.nanoTime();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(s.url() + "/api/v1/tokens"))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + session)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"role\":\"worker\"}"))
            .build();
    return HTTP.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .handle((r, t) -> new Probe(sent, System.nanoTime(), t == null ? r.statusCode() : -1));
  }

  private Answer post(ServerProcess s, String path, String body) {
    return send(s, "POST", path, body);
  }

  private Answer send(ServerProcess s, String method, String path, String body) {
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(s.url() + path))
              .timeout(Duration.ofSeconds(5))
              .header("Authorization", "Bearer " + session)
              .header("Content-Type", "application/json")
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body));
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(
          r.statusCode(),
          r.body(),
          r.headers().firstValue("Retry-After").orElse(null),
          r.headers().firstValue("X-UptimeMesh-Data-May-Be-Stale").orElse(null));
    } catch (IOException e) {
      return new Answer(-1, e.toString(), null, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(-1, "interrupted", null, null);
    }
  }

  /** The managed etcd member a server runs. */
  static ProcessHandle etcdOf(ServerProcess s) {
    return s.descendants().stream()
        .filter(p -> p.info().command().map(c -> c.endsWith("etcd")).orElse(false))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no etcd child of " + s.url()));
  }

  static void signal(String signal, ProcessHandle... processes) throws Exception {
    for (ProcessHandle p : processes) {
      new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid()))
          .inheritIO()
          .start()
          .waitFor();
    }
  }
}
