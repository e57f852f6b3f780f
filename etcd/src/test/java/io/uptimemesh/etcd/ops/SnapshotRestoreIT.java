package io.uptimemesh.etcd.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.core.config.EtcdClientConfig;
import io.uptimemesh.core.config.EtcdHealthConfig;
import io.uptimemesh.core.config.ManagedEtcdConfig;
import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.etcd.EtcdMemberSpec;
import io.uptimemesh.etcd.EtcdRuntime;
import io.uptimemesh.etcd.managed.ManagedEtcd;
import io.uptimemesh.testkit.Await;
import io.uptimemesh.testkit.FreePorts;
import io.uptimemesh.testkit.KeySpace;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Restores a real managed etcd member from its own snapshot. */
@Timeout(120)
class SnapshotRestoreIT {
  @TempDir Path dir;

  private Vertx vertx;
  private ManagedEtcd managed;
  private EtcdRuntime runtime;
  private SnapshotStore files;
  private SnapshotJobs jobs;
  private SnapshotRestore restore;
  private String prefix;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    int[] ports = FreePorts.allocate(2);
    ManagedEtcdConfig config =
        new ManagedEtcdConfig(
            "m",
            ports[0],
            ports[1],
            "periodic",
            "1h",
            256L * 1024 * 1024,
            Duration.ofSeconds(20),
            Duration.ofMillis(100),
            Duration.ofSeconds(1),
            1,
            Duration.ofMinutes(5),
            Duration.ofSeconds(3));
    EtcdMemberSpec spec =
        EtcdMemberSpec.singleMember(
            "m", dir.resolve("etcd"), ports[0], ports[1], "periodic", "1h", 256L * 1024 * 1024);
    managed =
        new ManagedEtcd(vertx, "etcd", spec, config, dir.resolve("etcd.pid"), Clock.systemUTC());
    Await.result(managed.start(), Duration.ofSeconds(30));
    runtime =
        EtcdRuntime.connect(
            vertx,
            List.of(managed.clientUrl()),
            "/uptimemesh",
            new EtcdClientConfig(Duration.ofSeconds(2), 2, Duration.ofMillis(50)),
            new EtcdHealthConfig(
                Duration.ofMillis(200),
                Duration.ofMillis(500),
                Duration.ofMillis(1000),
                Duration.ofMillis(3000)),
            Optional.of(managed));
    runtime.start();
    prefix = runtime.store().layout().root();
    files = new SnapshotStore(dir.resolve("snapshots"), 3);
    Etcdctl etcdctl = Etcdctl.besideEtcd("etcd", Duration.ofSeconds(30));
    jobs =
        new SnapshotJobs(
            vertx,
            runtime.client().getMaintenanceClient(),
            runtime.store(),
            files,
            etcdctl,
            managed.clientUrl().toString(),
            "m",
            Duration.ofMinutes(2),
            Clock.systemUTC());
    restore =
        new SnapshotRestore(
            vertx,
            runtime.client(),
            runtime.store(),
            runtime.cache(),
            Optional.of(managed),
            files,
            etcdctl,
            Clock.systemUTC());
  }

  @AfterEach
  void tearDown() {
    Await.result(runtime.stop(), Duration.ofSeconds(20));
    Await.result(vertx.close());
  }

  private SnapshotMetadata snapshot() {
    SnapshotJobs.Job job =
        Await.result(jobs.completion(jobs.start("test").id()), Duration.ofSeconds(60));
    assertThat(job.state()).as(String.valueOf(job.error())).isEqualTo(SnapshotJobs.State.SUCCEEDED);
    return job.snapshot();
  }

  @Test
  void snapshotWipeRestoreGivesBackEveryKeyAndValue() throws Exception {
    KeySpace.fill(runtime.client(), prefix + "data/", 500);
    String before = KeySpace.hash(runtime.client(), prefix);
    SnapshotMetadata meta = snapshot();
    long pidBefore = managed.pid().orElseThrow();

    assertThat(KeySpace.wipe(runtime.client(), prefix)).isGreaterThanOrEqualTo(500);
    assertThat(KeySpace.hash(runtime.client(), prefix)).startsWith("0 keys");

    SnapshotRestore.Result result =
        Await.result(restore.restore(meta.id()), Duration.ofSeconds(60));
    System.out.printf(
        "restore of %d keys (%d bytes) took %d ms%n",
        meta.totalKeys(), meta.size(), result.durationMs());

    assertThat(KeySpace.hash(runtime.client(), prefix)).isEqualTo(before);
    assertThat(result.revision()).isEqualTo(meta.revision());
    assertThat(managed.state()).isEqualTo(ManagedEtcd.State.RUNNING);
    assertThat(managed.pid().orElseThrow()).isNotEqualTo(pidBefore);
    assertThat(managed.restarts()).as("a restore is not a crash").isZero();
    assertThat(Path.of(result.previousDataDir())).isDirectory();
    assertThat(Path.of(result.previousDataDir()).getFileName().toString())
        .startsWith("etcd.before-restore-");
    // The watch cache follows the restored key space, not the wiped one.
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> runtime.cache().synced() && runtime.cache().snapshot().size() >= 500);
  }

  @Test
  void restoreWorksWhileEtcdDoesNotAnswer() throws Exception {
    KeySpace.fill(runtime.client(), prefix + "data/", 50);
    String before = KeySpace.hash(runtime.client(), prefix);
    SnapshotMetadata meta = snapshot();
    KeySpace.wipe(runtime.client(), prefix);
    long pid = managed.pid().orElseThrow();
    // A hung member: alive, but answering nothing.
    assertThat(new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start().waitFor()).isZero();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> !runtime.monitor().current().state().acceptsWrites());

    SnapshotRestore.Result result =
        Await.result(restore.restore(meta.id()), Duration.ofSeconds(60));

    assertThat(KeySpace.hash(runtime.client(), prefix)).isEqualTo(before);
    assertThat(result.revision()).isEqualTo(meta.revision());
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> runtime.monitor().current().state().acceptsWrites());
  }

  @Test
  void aCorruptSnapshotIsRefusedAndEtcdKeepsItsData() throws Exception {
    KeySpace.fill(runtime.client(), prefix + "data/", 20);
    SnapshotMetadata meta = snapshot();
    KeySpace.fill(runtime.client(), prefix + "later/", 5);
    String now = KeySpace.hash(runtime.client(), prefix);
    Files.write(
        files.dataFile(meta.id()), new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);

    Throwable failure = Await.failure(restore.restore(meta.id()), Duration.ofSeconds(30));

    assertThat(failure)
        .isInstanceOfSatisfying(
            UptimeMeshException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFLICT));
    assertThat(KeySpace.hash(runtime.client(), prefix)).isEqualTo(now);
    assertThat(dir.toFile().list((d, n) -> n.startsWith("etcd.before-restore"))).isEmpty();
  }

  @Test
  void aFailedRestoreBeforeTheSwapRestartsEtcdOnItsOldData() throws Exception {
    KeySpace.fill(runtime.client(), prefix + "data/", 20);
    SnapshotMetadata meta = snapshot();
    KeySpace.fill(runtime.client(), prefix + "later/", 5);
    String now = KeySpace.hash(runtime.client(), prefix);
    SnapshotRestore broken =
        new SnapshotRestore(
            vertx,
            runtime.client(),
            runtime.store(),
            runtime.cache(),
            Optional.of(managed),
            files,
            new Etcdctl("/nonexistent/etcdctl", Duration.ofSeconds(5)),
            Clock.systemUTC());

    Throwable failure = Await.failure(broken.restore(meta.id()), Duration.ofSeconds(60));

    assertThat(failure.getMessage()).contains("/nonexistent/etcdctl");
    assertThat(managed.state()).isEqualTo(ManagedEtcd.State.RUNNING);
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(() -> KeySpace.hash(runtime.client(), prefix).equals(now));
    assertThat(dir.toFile().list((d, n) -> n.startsWith("etcd."))).containsExactly("etcd.pid");
  }

  @Test
  void externalEtcdIsRefusedWithThePathToTheRunbook() {
    SnapshotMetadata meta = snapshot();
    SnapshotRestore external =
        new SnapshotRestore(
            vertx,
            runtime.client(),
            runtime.store(),
            runtime.cache(),
            Optional.empty(),
            files,
            Etcdctl.besideEtcd("etcd", Duration.ofSeconds(5)),
            Clock.systemUTC());

    Throwable failure = Await.failure(external.restore(meta.id()), Duration.ofSeconds(10));

    assertThat(failure)
        .isInstanceOfSatisfying(
            UptimeMeshException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFLICT);
              assertThat(e.getMessage()).contains("docs/snapshot-restore.md", "--local");
            });
  }
}
