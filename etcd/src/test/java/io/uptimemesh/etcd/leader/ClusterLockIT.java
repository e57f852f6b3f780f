package io.uptimemesh.etcd.leader;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.testkit.Await;
import io.uptimemesh.testkit.EtcdClusterExtension;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(60)
class ClusterLockIT {
  @RegisterExtension static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

  private ElectionFixture fx;
  private Client clientA;
  private Client clientB;
  private ClusterLock lockA;
  private ClusterLock lockB;

  @BeforeEach
  void setUp() {
    fx = new ElectionFixture(etcd.endpoints());
    clientA = fx.client();
    clientB = fx.client();
    lockA =
        new ClusterLock(
            fx.vertx, clientA, fx.store(clientA), Duration.ofSeconds(2), ElectionFixture.DEADLINE);
    lockB =
        new ClusterLock(
            fx.vertx, clientB, fx.store(clientB), Duration.ofSeconds(2), ElectionFixture.DEADLINE);
  }

  @AfterEach
  void tearDown() {
    clientA.close();
    clientB.close();
    fx.close();
  }

  @Test
  void concurrentHoldersNeverOverlap() {
    AtomicInteger active = new AtomicInteger();
    AtomicInteger maxActive = new AtomicInteger();
    List<Future<Integer>> calls = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ClusterLock lock = i % 2 == 0 ? lockA : lockB;
      int n = i;
      calls.add(
          lock.withLock(
              "prune-nodes",
              Duration.ofSeconds(20),
              () -> {
                maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
                Promise<Integer> p = Promise.promise();
                fx.vertx.setTimer(
                    150,
                    t -> {
                      active.decrementAndGet();
                      p.complete(n);
                    });
                return p.future();
              }));
    }
    List<Integer> results = Await.result(Future.all(calls), Duration.ofSeconds(30)).list();
    assertThat(results).containsExactly(0, 1, 2, 3, 4, 5);
    assertThat(maxActive.get()).isEqualTo(1);
  }

  @Test
  void notAcquiredInTimeIsAClearConflictAndTheLockIsFreeAfterwards() {
    Promise<String> release = Promise.promise();
    Future<String> holder = lockA.withLock("prune-nodes", Duration.ofSeconds(5), release::future);
    awaitHeld("prune-nodes");

    Throwable t =
        Await.failure(
            lockB.withLock(
                "prune-nodes", Duration.ofMillis(500), () -> Future.succeededFuture("x")),
            Duration.ofSeconds(5));
    assertThat(t)
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageContaining("another prune-nodes is in progress");
    assertThat(((UptimeMeshException) t).errorCode()).isEqualTo(ErrorCode.CONFLICT);

    release.complete("done");
    assertThat(Await.result(holder)).isEqualTo("done");
    // The timed-out waiter withdrew its claim: the lock is free at once.
    assertThat(
            Await.result(
                lockB.withLock(
                    "prune-nodes", Duration.ofSeconds(2), () -> Future.succeededFuture("b"))))
        .isEqualTo("b");
  }

  @Test
  void failingWorkStillReleasesTheLock() {
    Throwable t =
        Await.failure(
            lockA.withLock(
                "prune-nodes",
                Duration.ofSeconds(2),
                () -> Future.failedFuture(UptimeMeshException.invalid("bad"))),
            Duration.ofSeconds(5));
    assertThat(t).hasMessage("bad");
    assertThat(
            Await.result(
                lockB.withLock(
                    "prune-nodes", Duration.ofSeconds(2), () -> Future.succeededFuture(1))))
        .isEqualTo(1);
  }

  @Test
  void aCrashedHoldersLockIsReleasedWhenItsLeaseRunsOut() {
    // The crashed holder: took the lock on a 2 s lease and never renews or unlocks.
    try (Client crashed = fx.client()) {
      long lease =
          Await.result(Future.fromCompletionStage(crashed.getLeaseClient().grant(2))).getID();
      Await.result(
          Future.fromCompletionStage(
              crashed
                  .getLockClient()
                  .lock(ByteSequence.from(fx.layout.lock("prune-nodes"), UTF_8), lease)));
      long t0 = System.nanoTime();
      assertThat(
              Await.result(
                  lockB.withLock(
                      "prune-nodes",
                      Duration.ofSeconds(10),
                      () -> Future.succeededFuture("got it")),
                  Duration.ofSeconds(15)))
          .isEqualTo("got it");
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.out.printf("lock of a crashed holder free after %d ms (lease TTL 2000 ms)%n", ms);
      assertThat(ms).isLessThan(10_000);
    }
  }

  @Test
  void writesFencedByALostLockFail() {
    var store = fx.store(clientA);
    String key = fx.layout.root() + "it-fenced";
    Optional<Long>[] first = new Optional[1];
    Optional<Long> second =
        Await.result(
            lockA.withFencedLock(
                "prune-nodes",
                Duration.ofSeconds(2),
                fence ->
                    // While held, a fenced write goes through.
                    store
                        .transaction()
                        .fencedBy(fence)
                        .put(key, java.util.Map.of("v", "a"))
                        .commit("a")
                        .compose(
                            written -> {
                              first[0] = written;
                              // The lock is lost behind the holder's back (its lease gone, as
                              // after etcd was away longer than the TTL): its key is deleted.
                              return store.listRaw(fence.electionKey());
                            })
                        .compose(
                            held ->
                                Future.fromCompletionStage(
                                    clientA
                                        .getLeaseClient()
                                        .revoke(held.getKvs().get(0).getLease())))
                        .compose(
                            revoked ->
                                store
                                    .transaction()
                                    .fencedBy(fence)
                                    .put(key, java.util.Map.of("v", "b"))
                                    .commit("b"))),
            Duration.ofSeconds(10));
    assertThat(first[0]).isPresent();
    assertThat(second).isEmpty();
    assertThat(Await.result(store.get(key, java.util.Map.class)).orElseThrow().value())
        .isEqualTo(java.util.Map.of("v", "a"));
  }

  private void awaitHeld(String name) {
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                !Await.result(fx.store(clientA).listRaw(fx.layout.lock(name) + "/"))
                    .getKvs()
                    .isEmpty());
  }
}
