package io.uptimemesh.etcd.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.Client;
import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.etcd.EtcdCallPolicy;
import io.uptimemesh.etcd.EtcdClients;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.testkit.Await;
import io.uptimemesh.testkit.EtcdClusterExtension;
import io.uptimemesh.testkit.FreePorts;
import io.uptimemesh.testkit.KeySpace;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class SnapshotJobsIT {
  @RegisterExtension static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

  @TempDir Path dir;

  private Vertx vertx;
  private Client client;
  private EtcdStore store;
  private String prefix;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    client = EtcdClients.create(etcd.endpoints(), Duration.ofSeconds(2));
    KeyLayout layout = new KeyLayout("/it-" + UUID.randomUUID().toString().substring(0, 8));
    prefix = layout.root() + "data/";
    store =
        new EtcdStore(
            client.getKVClient(),
            client.getLeaseClient(),
            layout,
            new EtcdCallPolicy(vertx, Duration.ofSeconds(2), 2, Duration.ofMillis(50)));
  }

  @AfterEach
  void tearDown() {
    client.close();
    Await.result(vertx.close());
  }

  private SnapshotJobs jobs(int retention) {
    return jobs(retention, Clock.systemUTC());
  }

  private SnapshotJobs jobs(int retention, Clock clock) {
    return new SnapshotJobs(
        vertx,
        client.getMaintenanceClient(),
        store,
        new SnapshotStore(dir.resolve("snapshots"), retention),
        Etcdctl.besideEtcd("etcd", Duration.ofSeconds(30)),
        etcd.endpoints().get(0).toString(),
        "m0",
        Duration.ofMinutes(2),
        clock);
  }

  /** A clock the test moves by hand. */
  private static final class HandClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  @Test
  void aSnapshotOfAPopulatedKeySpaceRestoresToTheSameKeysAndValues() throws Exception {
    KeySpace.fill(client, prefix, 300);
    String before = KeySpace.hash(client, prefix);
    long revision = Await.result(store.revision());
    SnapshotJobs jobs = jobs(3);

    SnapshotJobs.Job started = jobs.start("test");
    assertThat(started.state()).isEqualTo(SnapshotJobs.State.RUNNING);
    SnapshotJobs.Job done = Await.result(jobs.completion(started.id()), Duration.ofSeconds(60));

    assertThat(done.state())
        .as(String.valueOf(done.error()))
        .isEqualTo(SnapshotJobs.State.SUCCEEDED);
    SnapshotMetadata meta = done.snapshot();
    assertThat(meta.id()).isEqualTo(started.id());
    assertThat(meta.revision()).isEqualTo(revision);
    assertThat(meta.totalKeys()).isGreaterThanOrEqualTo(300);
    assertThat(meta.etcdVersion()).startsWith("3.");
    assertThat(meta.node()).isEqualTo("m0");
    Path file = jobs.files().dataFile(meta.id());
    assertThat(Files.size(file)).isEqualTo(meta.size());
    assertThat(SnapshotStore.sha256(file)).isEqualTo(meta.sha256());
    assertThat(jobs.files().list()).containsExactly(meta);

    // The file really holds the key space: restore it into a new member and compare.
    Path restored = dir.resolve("restored");
    int[] ports = FreePorts.allocate(2);
    String peer = "http://127.0.0.1:" + ports[1];
    new DataDirRestore(Etcdctl.besideEtcd("etcd", Duration.ofSeconds(30)))
        .restore(
            file,
            restored,
            new DataDirRestore.Member("r", peer, Map.of("r", peer), Etcdctl.DEFAULT_CLUSTER_TOKEN),
            java.time.Instant.now());
    Process member =
        new ProcessBuilder(
                "etcd",
                "--name=r",
                "--data-dir=" + restored,
                "--listen-client-urls=http://127.0.0.1:" + ports[0],
                "--advertise-client-urls=http://127.0.0.1:" + ports[0],
                "--listen-peer-urls=" + peer,
                "--initial-advertise-peer-urls=" + peer)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("restored.log").toFile())
            .start();
    try (Client other =
        EtcdClients.create(
            List.of(java.net.URI.create("http://127.0.0.1:" + ports[0])), Duration.ofSeconds(2))) {
      String after =
          org.awaitility.Awaitility.await()
              .atMost(Duration.ofSeconds(20))
              .ignoreExceptions()
              .until(() -> KeySpace.hash(other, prefix), h -> h != null);
      assertThat(after).isEqualTo(before);
    } finally {
      member.destroyForcibly().waitFor();
    }
  }

  @Test
  void oneSnapshotAtATimeAndRetentionKeepsTheNewest() {
    SnapshotJobs jobs = jobs(2);
    SnapshotJobs.Job first = jobs.start("test");
    assertThatThrownBy(() -> jobs.start("test"))
        .isInstanceOfSatisfying(
            UptimeMeshException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFLICT));
    Await.result(jobs.completion(first.id()), Duration.ofSeconds(60));
    String second = jobs.start("test").id();
    Await.result(jobs.completion(second), Duration.ofSeconds(60));
    String third = jobs.start("test").id();
    SnapshotJobs.Job last = Await.result(jobs.completion(third), Duration.ofSeconds(60));

    assertThat(last.state()).isEqualTo(SnapshotJobs.State.SUCCEEDED);
    assertThat(Await.result(vertx.executeBlocking(() -> jobs.files().list())))
        .extracting(SnapshotMetadata::id)
        .containsExactly(third, second);
    assertThat(dir.resolve("snapshots/" + first.id() + ".db")).doesNotExist();
  }

  @Test
  void theScheduleJobTakesOneSnapshotPerIntervalAndCountsARunningOneAsItsOwn() {
    HandClock clock = new HandClock();
    SnapshotJobs jobs = jobs(5, clock);
    io.uptimemesh.etcd.leader.Fence fence = new io.uptimemesh.etcd.leader.Fence("/x/leader", 1);

    // A node that never took one waits one interval from its start.
    SnapshotScheduleJob hourly = new SnapshotScheduleJob(jobs, Duration.ofMinutes(60));
    Await.result(hourly.run(fence), Duration.ofSeconds(60));
    assertThat(jobs.recent()).isEmpty();

    SnapshotScheduleJob often = new SnapshotScheduleJob(jobs, Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(2)); // more than one interval passes
    Await.result(often.run(fence), Duration.ofSeconds(60));
    assertThat(jobs.recent()).singleElement().matches(j -> j.trigger().equals("schedule"));
    assertThat(jobs.recent().get(0).state()).isEqualTo(SnapshotJobs.State.SUCCEEDED);

    // A new leader (or a restart) finds a snapshot younger than its interval: nothing to do.
    Await.result(hourly.run(fence), Duration.ofSeconds(60));
    assertThat(jobs.recent()).hasSize(1);

    SnapshotJobs.Job manual = jobs.start("api");
    clock.advance(Duration.ofSeconds(2)); // due again, but one is running: skipped
    Await.result(often.run(fence), Duration.ofSeconds(60));
    Await.result(jobs.completion(manual.id()), Duration.ofSeconds(60));
    assertThat(jobs.recent()).hasSize(2);
    assertThat(hourly.interval()).isEqualTo(Duration.ofMinutes(60));
  }

  @Test
  void aSnapshotFailsCleanlyWhenEtcdIsDown() {
    SnapshotJobs jobs = jobs(2);
    etcd.member(0).stop();

    SnapshotJobs.Job job = jobs.start("test");
    SnapshotJobs.Job done = Await.result(jobs.completion(job.id()), Duration.ofSeconds(60));

    assertThat(done.state()).isEqualTo(SnapshotJobs.State.FAILED);
    assertThat(done.error()).isNotBlank();
    assertThat(jobs.busy()).isFalse();
    assertThat(
            dir.resolve("snapshots")
                .toFile()
                .list((d, n) -> n.endsWith(".partial") || n.endsWith(".db")))
        .isNullOrEmpty();
  }
}
