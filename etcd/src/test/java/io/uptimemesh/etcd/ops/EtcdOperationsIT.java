package io.uptimemesh.etcd.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.Client;
import io.uptimemesh.etcd.EtcdCallPolicy;
import io.uptimemesh.etcd.EtcdClients;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.testkit.Await;
import io.uptimemesh.testkit.EtcdClusterExtension;
import io.uptimemesh.testkit.KeySpace;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(120)
class EtcdOperationsIT {
  @RegisterExtension static final EtcdClusterExtension etcd = EtcdClusterExtension.members(3);

  private Vertx vertx;
  private Client client;
  private EtcdStore store;
  private EtcdOperations ops;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    client = EtcdClients.create(etcd.endpoints(), Duration.ofSeconds(2));
    store =
        new EtcdStore(
            client.getKVClient(),
            client.getLeaseClient(),
            new KeyLayout("/it-" + UUID.randomUUID().toString().substring(0, 8)),
            new EtcdCallPolicy(vertx, Duration.ofSeconds(2), 2, Duration.ofMillis(50)));
    ops =
        new EtcdOperations(vertx, client, store, Etcdctl.besideEtcd("etcd", Duration.ofMinutes(2)));
  }

  @AfterEach
  void tearDown() {
    client.close();
    Await.result(vertx.close());
  }

  @Test
  void statusShowsEveryMemberWithOneLeaderAndCheckIsOk() {
    EtcdOperations.ClusterStatus status = Await.result(ops.status());

    assertThat(status.members()).hasSize(3);
    assertThat(status.members()).allMatch(EtcdOperations.MemberStatus::reachable);
    assertThat(status.members()).filteredOn(EtcdOperations.MemberStatus::leader).hasSize(1);
    assertThat(status.members())
        .extracting(EtcdOperations.MemberStatus::name)
        .containsExactlyInAnyOrder("m0", "m1", "m2");
    assertThat(status.members()).allMatch(m -> m.dbSize() > 0 && m.raftTerm() > 0);
    assertThat(status.alarms()).isEmpty();

    EtcdOperations.CheckResult check = Await.result(ops.check());
    assertThat(check.ok()).as(check.problems().toString()).isTrue();
  }

  @Test
  void aStoppedMemberIsReportedAndFailsTheCheck() {
    etcd.member(2).stop();

    EtcdOperations.CheckResult check = Await.result(ops.check(), Duration.ofSeconds(30));

    assertThat(check.ok()).isFalse();
    assertThat(check.problems()).anyMatch(p -> p.startsWith("member m2"));
    assertThat(check.status().members())
        .filteredOn(m -> m.name().equals("m2"))
        .singleElement()
        .matches(m -> !m.reachable());
  }

  @Test
  void compactAndDefragmentReportSizesAndSavedBytes() throws Exception {
    byte[] big = new byte[64 * 1024];
    java.util.Arrays.fill(big, (byte) 'x');
    String key = store.layout().root() + "churn";
    for (int i = 0; i < 200; i++) {
      big[0] = (byte) i;
      client
          .getKVClient()
          .put(KeySpace.bytes(key), io.etcd.jetcd.ByteSequence.from(big))
          .get(10, TimeUnit.SECONDS);
    }
    long revision = Await.result(store.revision());

    EtcdOperations.CompactResult result = Await.result(ops.compact(), Duration.ofSeconds(60));

    assertThat(result.compactedRevision()).isGreaterThanOrEqualTo(revision);
    assertThat(result.members()).hasSize(3).allMatch(d -> d.error() == null);
    assertThat(result.members()).allMatch(d -> d.dbSizeAfter() < d.dbSizeBefore());
    assertThat(result.savedBytes())
        .isEqualTo(
            result.members().stream().mapToLong(d -> d.dbSizeBefore() - d.dbSizeAfter()).sum())
        .isGreaterThan(3L * 5 * 1024 * 1024);
    // A second compaction at the same revision is not an error.
    assertThat(Await.result(ops.compact(), Duration.ofSeconds(60)).members()).hasSize(3);
  }
}
