package io.uptimemesh.launcher;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.DeleteOption;
import io.uptimemesh.testkit.KeySpace;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * Snapshot → wipe → restore of the packaged server's managed etcd through the CLI, compared by a
 * SHA-256 over every key and value under the cluster prefix; then the {@code --local} restore of a
 * stopped server's data directory. One server for the class; the tests run in order.
 */
@Timeout(180)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SnapshotCliIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "/uptimemesh/";
  private static final String DATA = PREFIX + "it-data/";

  @TempDir static Path dir;
  private static CoreCluster cluster;
  private static ServerProcess server;
  private static String api;
  private static Client etcd;
  private static String snapshotId;
  private static String before;

  @BeforeAll
  static void startServer() throws Exception {
    cluster = CoreCluster.start(dir, 1, "");
    server = cluster.servers.get(0);
    api = server.url();
    JsonNode status = json(ok("etcd-status", "--api-url", api, "--output", "json"));
    etcd =
        Client.builder()
            .endpoints(URI.create(status.path("members").path(0).path("endpoint").asText()))
            .build();
  }

  @AfterAll
  static void stopServer() {
    if (etcd != null) {
      etcd.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void statusAndCheckShowOneHealthyMember() throws Exception {
    Cli.Result table = ok("etcd-status", "--api-url", api);
    assertThat(table.stdout()).contains("NAME", "LEADER", "DB_SIZE", "core-1", "alarms: none");
    Cli.Result check = ok("util", "check", "--api-url", api);
    assertThat(check.stdout()).startsWith("ok: 1 etcd member(s) healthy");
  }

  @Test
  @Order(2)
  void snapshotWipeRestoreGivesBackEveryKeyAndValue() throws Exception {
    for (int i = 0; i < 1000; i++) {
      put(DATA + String.format("k%05d", i), "{\"n\":" + i + ",\"text\":\"value " + i + " é\"}");
    }
    before = keySpaceHash();

    JsonNode run = json(ok("snapshot-run", "--wait", "--api-url", api, "--output", "json"));
    snapshotId = run.path("id").asText();
    assertThat(run.path("state").asText()).isEqualTo("succeeded");
    assertThat(run.path("snapshot").path("total_keys").asLong()).isGreaterThanOrEqualTo(1000);
    assertThat(ok("snapshot-list", "--api-url", api).stdout()).contains(snapshotId);
    Path download = dir.resolve("copy.db");
    ok("snapshot-download", snapshotId, "--output", download.toString(), "--api-url", api);
    assertThat(Files.readString(dir.resolve("copy.db.sha256")))
        .startsWith(run.path("snapshot").path("sha256").asText() + "  copy.db");

    long deleted =
        etcd.getKVClient()
            .delete(bytes(DATA), DeleteOption.builder().isPrefix(true).build())
            .get(10, TimeUnit.SECONDS)
            .getDeleted();
    assertThat(deleted).isEqualTo(1000);
    put(DATA + "written-after-the-snapshot", "{}");
    assertThat(keySpaceHash()).isNotEqualTo(before);

    long t0 = System.nanoTime();
    Cli.Result restored = ok("snapshot-restore", snapshotId, "--yes", "--api-url", api);
    long cliMs = (System.nanoTime() - t0) / 1_000_000;
    System.out.println(
        "snapshot-restore of 1000+ keys: "
            + restored.stdout().strip()
            + " (CLI round trip "
            + cliMs
            + " ms)");

    String after =
        await()
            .atMost(Duration.ofSeconds(20))
            .ignoreExceptions()
            .until(SnapshotCliIT::keySpaceHash, h -> h != null);
    assertThat(after).isEqualTo(before);
    assertThat(restored.stdout()).contains("previous data kept at", "etcd.before-restore-");
    assertThat(ok("util", "check", "--api-url", api).code()).isZero();
    server.awaitReady(Duration.ofSeconds(10));
  }

  @Test
  @Order(3)
  void badIdsAreRefusedWithAClearMessage() {
    Cli.Result traversal =
        Cli.run("snapshot-restore", "../../etc/passwd", "--yes", "--api-url", api);
    assertThat(traversal.code()).isEqualTo(1);
    assertThat(traversal.stderr()).contains("is not a snapshot id");
    Cli.Result unknown =
        Cli.run(
            "snapshot-download",
            "20261122T112345123Z-3fa9c1",
            "--output",
            dir.resolve("x.db").toString(),
            "--api-url",
            api);
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.stderr()).contains("no snapshot 20261122T112345123Z-3fa9c1");
    assertThat(dir.resolve("x.db")).doesNotExist();
  }

  @Test
  @Order(4)
  void restoreGoesThroughTheWriteGuardWhileEtcdHangs() throws Exception {
    put(DATA + "written-before-the-hang", "{}");
    ProcessHandle member =
        server.descendants().stream()
            .filter(p -> p.info().command().map(c -> c.endsWith("etcd")).orElse(false))
            .findFirst()
            .orElseThrow();
    assertThat(new ProcessBuilder("kill", "-STOP", Long.toString(member.pid())).start().waitFor())
        .isZero();
    await().atMost(Duration.ofSeconds(20)).until(() -> server.get("/health/ready").status() == 503);
    Cli.Result refused = Cli.run("snapshot-run", "--api-url", api);
    assertThat(refused.code()).isEqualTo(1); // an ordinary write is refused meanwhile

    Cli.Result restored = ok("snapshot-restore", snapshotId, "--yes", "--api-url", api);
    System.out.println("restore of a hung etcd: " + restored.stdout().strip());

    server.awaitReady(Duration.ofSeconds(20));
    assertThat(member.isAlive()).isFalse();
    String after =
        await()
            .atMost(Duration.ofSeconds(20))
            .ignoreExceptions()
            .until(SnapshotCliIT::keySpaceHash, h -> h != null);
    assertThat(after).isEqualTo(before);
  }

  @Test
  @Order(5)
  void compactReportsTheSpaceSaved() throws Exception {
    Cli.Result compact = ok("util", "compact", "--api-url", api);
    assertThat(compact.stdout()).contains("compacted at revision", "saved", "in total");
  }

  @Test
  @Order(6)
  void localRestoreOfAStoppedServerAndItStartsOnTheRestoredData() throws Exception {
    put(DATA + "written-later", "{}");
    assertThat(keySpaceHash()).isNotEqualTo(before);

    Process refused = local("snapshot-restore", snapshotId, "--local", "--yes");
    assertThat(refused.exitValue()).isEqualTo(1);
    assertThat(output(refused)).contains("still running");

    server.sigterm();
    server.awaitExit(Duration.ofSeconds(20));
    Process restored = local("snapshot-restore", snapshotId, "--local", "--yes");
    assertThat(restored.exitValue()).as(output(restored)).isZero();
    System.out.println("local restore: " + output(restored).strip());

    server.start(); // the same data dir, port and environment
    server.awaitReady(Duration.ofSeconds(30));
    String after =
        await()
            .atMost(Duration.ofSeconds(20))
            .ignoreExceptions()
            .until(SnapshotCliIT::keySpaceHash, h -> h != null);
    assertThat(after).isEqualTo(before);
    try (var files = Files.list(server.workDir.resolve("data"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .filteredOn(n -> n.startsWith("etcd.before-restore-"))
          .hasSize(3);
    }
  }

  private static Cli.Result ok(String... args) {
    Cli.Result r = Cli.run(args);
    assertThat(r.code()).as(String.join(" ", args) + ": " + r.stderr()).isZero();
    return r;
  }

  private static JsonNode json(Cli.Result r) throws Exception {
    return JSON.readTree(r.stdout());
  }

  /** Runs the packaged CLI as a process with the server's environment (its data dir, config). */
  private static Process local(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-jar");
    cmd.add(System.getProperty("uptimemesh.jar"));
    cmd.addAll(List.of(args));
    ProcessBuilder b =
        new ProcessBuilder(cmd)
            .directory(server.workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("local.out").toFile());
    b.environment().putAll(server.environment());
    Process p = b.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return p;
  }

  private static String output(Process p) throws Exception {
    return Files.readString(dir.resolve("local.out"));
  }

  private static void put(String key, String value) throws Exception {
    etcd.getKVClient().put(bytes(key), bytes(value)).get(10, TimeUnit.SECONDS);
  }

  private static String keySpaceHash() throws Exception {
    return KeySpace.hash(etcd, PREFIX, KeySpace.SERVER_OWNED);
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, UTF_8);
  }
}
