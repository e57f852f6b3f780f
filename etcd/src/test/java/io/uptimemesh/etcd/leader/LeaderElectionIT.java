package io.uptimemesh.etcd.leader;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.uptimemesh.testkit.Await;
import io.uptimemesh.testkit.EtcdClusterExtension;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Leader election over a real 3-member etcd cluster, with the short TTL tests use (2 s). */
@Timeout(90)
class LeaderElectionIT {
  @RegisterExtension static final EtcdClusterExtension etcd = EtcdClusterExtension.members(3);

  private static final Duration TWO_TTL = ElectionFixture.TTL.multipliedBy(2);

  private ElectionFixture fx;

  @BeforeEach
  void setUp() {
    fx = new ElectionFixture(etcd.endpoints());
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  @Test
  void exactlyOneOfThreeLeadsAndEveryNodeSeesIt() {
    List<ElectionFixture.Node> nodes = List.of(fx.node("a"), fx.node("b"), fx.node("c"));
    nodes.forEach(n -> n.election().start());

    await().atMost(Duration.ofSeconds(10)).until(() -> fx.leaders().size() == 1);
    ElectionFixture.Node leader = fx.leaders().get(0);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                nodes.forEach(
                    n ->
                        assertThat(n.election().current().map(LeaderInfo::name))
                            .contains(leader.name())));
    LeaderInfo info = leader.election().current().orElseThrow();
    Fence fence = leader.election().fence().orElseThrow();
    assertThat(info.term()).isEqualTo(fence.createRevision());
    assertThat(info.key()).isEqualTo(fence.electionKey()).startsWith(fx.layout.electionPrefix());
    assertThat(info.apiUrl()).isEqualTo("http://" + leader.name() + ":8010");
    // Still exactly one a few keep-alive periods later.
    sleep(ElectionFixture.TTL);
    assertThat(fx.leaders()).containsExactly(leader);
  }

  @Test
  void aStoppedLeaderHandsOverAtOnce() {
    List<ElectionFixture.Node> nodes = List.of(fx.node("a"), fx.node("b"), fx.node("c"));
    nodes.forEach(n -> n.election().start());
    await().atMost(Duration.ofSeconds(10)).until(() -> fx.leaders().size() == 1);
    ElectionFixture.Node old = fx.leaders().get(0);
    long oldTerm = old.election().fence().orElseThrow().createRevision();

    long t0 = System.nanoTime();
    Await.result(old.election().stop());
    await().atMost(TWO_TTL).until(() -> fx.leaders().size() == 1);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf("new leader %d ms after the old one resigned%n", ms);

    ElectionFixture.Node next = fx.leaders().get(0);
    assertThat(next).isNotEqualTo(old);
    assertThat(next.election().fence().orElseThrow().createRevision()).isGreaterThan(oldTerm);
    assertThat(old.election().isLeader()).isFalse();
  }

  @Test
  void aCrashedLeaderIsReplacedWithinTwoTtlsAndStepsDownByItself() {
    List<ElectionFixture.Node> nodes = List.of(fx.node("a"), fx.node("b"), fx.node("c"));
    List<Optional<Fence>> seenByOld = new CopyOnWriteArrayList<>();
    nodes.forEach(n -> n.election().start());
    await().atMost(Duration.ofSeconds(10)).until(() -> fx.leaders().size() == 1);
    ElectionFixture.Node old = fx.leaders().get(0);
    old.election().onLeadership(seenByOld::add);

    // A crash as etcd sees it: no resign, no more keep-alives; the lease must run out.
    long t0 = System.nanoTime();
    old.client().close();
    await()
        .atMost(TWO_TTL)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> fx.leaders().stream().anyMatch(n -> n != old));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf("new leader %d ms after the leader crashed (TTL 2000 ms)%n", ms);

    // The cut-off leader cannot renew: by the step-down rule it gives up within about a TTL.
    await().atMost(TWO_TTL).until(() -> !old.election().isLeader());
    assertThat(seenByOld).containsExactly(Optional.empty());
    assertThat(fx.leaders()).hasSize(1);
  }

  @Test
  void aDeposedLeadersFencedWriteFailsAndTheNewLeadersSucceeds() {
    ElectionFixture.Node a = fx.node("a");
    ElectionFixture.Node b = fx.node("b");
    a.election().start();
    await().atMost(Duration.ofSeconds(10)).until(() -> a.election().isLeader());
    b.election().start();
    Fence oldFence = a.election().fence().orElseThrow();
    String target = fx.layout.root() + "jobs/out";
    assertThat(
            Await.result(
                a.store().transaction().fencedBy(oldFence).put(target, doc("a1")).commit("t")))
        .isPresent();

    // Behind its back: its lease is revoked, as if it had expired while the node was paused.
    try (Client other = fx.client()) {
      long lease =
          Await.result(
                  io.vertx.core.Future.fromCompletionStage(
                      other.getKVClient().get(ByteSequence.from(oldFence.electionKey(), UTF_8))))
              .getKvs()
              .get(0)
              .getLease();
      Await.result(io.vertx.core.Future.fromCompletionStage(other.getLeaseClient().revoke(lease)));
    }

    // The old fence no longer writes, whatever the old leader believes.
    assertThat(
            Await.result(
                a.store().transaction().fencedBy(oldFence).put(target, doc("a2")).commit("t")))
        .isEmpty();
    await().atMost(TWO_TTL).until(() -> b.election().isLeader());
    await().atMost(TWO_TTL).until(() -> !a.election().isLeader());
    Fence newFence = b.election().fence().orElseThrow();
    assertThat(newFence.createRevision()).isGreaterThan(oldFence.createRevision());
    assertThat(
            Await.result(
                b.store().transaction().fencedBy(newFence).put(target, doc("b1")).commit("t")))
        .isPresent();
    assertThat(Await.result(a.store().get(target, Doc.class)).orElseThrow().value().by())
        .isEqualTo("b1");
  }

  @Test
  void leaderChangeListenersSeeEveryTerm() {
    ElectionFixture.Node a = fx.node("a");
    ElectionFixture.Node b = fx.node("b");
    List<Optional<LeaderInfo>> seenByB = new CopyOnWriteArrayList<>();
    b.election().onLeaderChange(seenByB::add);
    a.election().start();
    await().atMost(Duration.ofSeconds(10)).until(() -> a.election().isLeader());
    b.election().start();
    await().atMost(Duration.ofSeconds(5)).until(() -> !seenByB.isEmpty());
    Await.result(a.election().stop());
    await().atMost(TWO_TTL).until(() -> b.election().isLeader());
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(seenByB.stream().map(o -> o.map(LeaderInfo::name).orElse("-")))
                    .endsWith("b")
                    .contains("a"));
  }

  @Test
  void campaignAndLockWaitLongerThanTheUnaryDeadline() throws Exception {
    // The clients' unary deadline is 800 ms; a waiting campaign or lock must outlive it.
    try (Client holder = fx.client();
        Client waiter = fx.client()) {
      ByteSequence name = ByteSequence.from(fx.layout.election(), UTF_8);
      long held = holder.getLeaseClient().grant(10).get().getID();
      long waits = waiter.getLeaseClient().grant(10).get().getID();
      var won =
          holder.getElectionClient().campaign(name, held, ByteSequence.from("h", UTF_8)).get();
      var campaign =
          waiter.getElectionClient().campaign(name, waits, ByteSequence.from("w", UTF_8));
      ByteSequence lockName = ByteSequence.from(fx.layout.lock("it"), UTF_8);
      var lock = holder.getLockClient().lock(lockName, held).get();
      var queued = waiter.getLockClient().lock(lockName, waits);

      sleep(ElectionFixture.DEADLINE.multipliedBy(2));
      assertThat(campaign).isNotDone();
      assertThat(queued).isNotDone();

      holder.getElectionClient().resign(won.getLeader()).get();
      holder.getLockClient().unlock(lock.getKey()).get();
      assertThat(campaign.get(5, java.util.concurrent.TimeUnit.SECONDS).getLeader().getRevision())
          .isGreaterThan(won.getLeader().getRevision());
      assertThat(queued.get(5, java.util.concurrent.TimeUnit.SECONDS).getKey()).isNotNull();
      waiter.getLeaseClient().revoke(waits).get();
      holder.getLeaseClient().revoke(held).get();
    }
  }

  record Doc(String by) {}

  private static Doc doc(String by) {
    return new Doc(by);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
