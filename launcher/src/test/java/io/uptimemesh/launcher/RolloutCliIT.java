package io.uptimemesh.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.uptimemesh.core.workload.ReplicaRecord;
import io.uptimemesh.core.workload.ReplicaStatus;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.etcd.ValueCodec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code services rollout}, the rollout in {@code services show}, and {@code replicas
 * restart|snapshot|restore [--wait]} against the packaged server, whose leader runs the rollout job
 * ({@code LXD_HEALTH_TIMEOUT_SECONDS=2}). The test plays the scheduler and the agent by writing the
 * replica and its status into etcd.
 */
@Timeout(180)
class RolloutCliIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final KeyLayout KEYS = new KeyLayout("/uptimemesh");
  private static final String ID = "web-00001";

  @TempDir static Path dir;
  private static CoreCluster cluster;
  private static String api;
  private static Client etcd;

  @BeforeAll
  static void start() throws Exception {
    cluster =
        CoreCluster.start(
            dir, 1, "", Map.of("LXD_HEALTH_TIMEOUT_SECONDS", "2", "ROLLOUT_INTERVAL_SECONDS", "1"));
    api = cluster.servers.get(0).url();
    // The replica's node: known (else the server's scheduler removes the replica at once), and
    // never alive, so the scheduler neither places nor moves anything while the test runs.
    cluster.joinWorker("w1", dir.resolve("ids"));
    etcd =
        Client.builder()
            .endpoints(
                URI.create("http://127.0.0.1:" + cluster.etcdClientPort(cluster.servers.get(0))))
            .build();
  }

  @AfterAll
  static void stop() {
    if (etcd != null) {
      etcd.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static void put(String key, Object value) throws Exception {
    etcd.getKVClient()
        .put(
            ByteSequence.from(key, StandardCharsets.UTF_8),
            ByteSequence.from(new ValueCodec().encode(value)))
        .get(10, TimeUnit.SECONDS);
  }

  private static ReplicaRecord replica() throws Exception {
    var kvs =
        etcd.getKVClient()
            .get(ByteSequence.from(KEYS.replica(ID), StandardCharsets.UTF_8))
            .get(10, TimeUnit.SECONDS)
            .getKvs();
    return new ValueCodec()
        .decode(KEYS.replica(ID), kvs.get(0).getValue().getBytes(), ReplicaRecord.class);
  }

  /** The agent's report: running {@code gen}, having done command {@code seq}. */
  private static void report(long gen, long seq, String commandError) throws Exception {
    put(
        KEYS.replicaStatus(ID),
        new ReplicaStatus(
            1,
            ID,
            "w1",
            "running",
            gen,
            List.of("gen-" + (gen - 1), "keep"),
            "",
            System.currentTimeMillis(),
            seq,
            commandError));
  }

  /** The agent's report after {@code delayMs}, while a command waits for it. */
  private static Thread reportLater(long delayMs, long gen, long seq, String commandError) {
    Thread t =
        new Thread(
            () -> {
              try {
                Thread.sleep(delayMs);
                report(gen, seq, commandError);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    t.start();
    return t;
  }

  @Test
  void aFailedRolloutIsShownStartedAgainAndReplicaCommandsAreFollowed() throws Exception {
    Path v1 = dir.resolve("v1.yaml");
    Files.writeString(v1, "image: busybox\nreplicas: 1\nconfig:\n  environment.V: one\n");
    ok("services", "create", "web", "--api-url", api, "--file", v1.toString());
    put(KEYS.replica(ID), new ReplicaRecord(1, ID, "web", "w1", 1, Map.of(), null, 0));
    report(1, 0, "");
    Path v2 = dir.resolve("v2.yaml");
    Files.writeString(v2, "image: busybox\nreplicas: 1\nconfig:\n  environment.V: two\n");
    ok("services", "apply", "web", "--api-url", api, "--file", v2.toString());

    // Nobody runs generation 2: after the 2 s health timeout the replica is back on 1.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(ok("services", "show", "web", "--api-url", api))
                    .contains(
                        "last rollout: failed, generation 1 → 2, 0/1 replicas done: replica "
                            + ID
                            + " did not run generation 2 healthy within 2 s"));
    assertThat(replica().generation()).isEqualTo(1);
    JsonNode shown =
        JSON.readTree(ok("services", "show", "web", "--api-url", api, "--output", "json"));
    assertThat(shown.path("rollout").path("state").asText()).isEqualTo("failed");
    assertThat(shown.path("rollout").path("steps").path(ID).path("state").asText())
        .isEqualTo("restored");

    // services rollout: the same generation again; this time the "agent" runs it.
    assertThat(ok("services", "rollout", "web", "--api-url", api))
        .contains("rollout of web to generation 2 started again (1 replicas)");
    Cli.Result running = Cli.run("services", "rollout", "web", "--api-url", api);
    assertThat(running.code()).isEqualTo(1);
    assertThat(running.stderr()).contains("is running");
    await().atMost(Duration.ofSeconds(20)).until(() -> replica().generation() == 2);
    report(2, 0, "");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(ok("services", "show", "web", "--api-url", api))
                    .contains("last rollout: succeeded, generation 1 → 2, 1/1 replicas done"));

    // Replica commands: one at a time; --wait follows the agent's report.
    assertThat(ok("replicas", "restart", ID, "--api-url", api))
        .contains("restart of replica " + ID + " requested (command 1)");
    Cli.Result busy = Cli.run("replicas", "snapshot", ID, "--name", "keep", "--api-url", api);
    assertThat(busy.code()).isEqualTo(1);
    assertThat(busy.stderr()).contains("not reported done");
    report(2, 1, "");
    Cli.Result badName = Cli.run("replicas", "snapshot", ID, "--name", "gen-7", "--api-url", api);
    assertThat(badName.code()).isEqualTo(1);
    assertThat(badName.stderr()).contains("gen-");
    Thread agent = reportLater(1500, 2, 2, "snapshot keep exists already");
    Cli.Result failed = waitFor("snapshot", "keep");
    agent.join();
    assertThat(failed.code()).as(failed.stdout()).isEqualTo(1);
    assertThat(failed.stderr())
        .contains("snapshot of replica " + ID + " failed: snapshot keep exists already");
    Cli.Result unknown = Cli.run("replicas", "restore", ID, "--name", "nope", "--api-url", api);
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.stderr()).contains("no snapshot nope");
    Thread agent2 = reportLater(1000, 2, 3, "");
    Cli.Result restored = waitFor("restore", "keep");
    assertThat(restored.code()).as(restored.stderr()).isZero();
    assertThat(restored.stdout()).contains("restore of replica " + ID + " done");
    agent2.join();
    Cli.Result ghost = Cli.run("replicas", "restart", "web-fffff", "--api-url", api);
    assertThat(ghost.code()).isEqualTo(1);
    assertThat(ghost.stderr()).contains("does not exist");
  }

  /** {@code replicas KIND ID --name N --wait}. */
  private static Cli.Result waitFor(String kind, String snapshot) {
    return Cli.run(
        "replicas", kind, ID, "--name", snapshot, "--wait", "--timeout", "20", "--api-url", api);
  }

  private static String ok(String... args) {
    Cli.Result r = Cli.run(args);
    assertThat(r.code()).as("uptimemesh %s: %s", String.join(" ", args), r.stderr()).isZero();
    return r.stdout();
  }
}
