package io.uptimemesh.etcd.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.uptimemesh.testkit.Await;
import io.uptimemesh.testkit.EtcdClusterExtension;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Leader jobs follow leadership between core nodes, over a real 3-member etcd cluster. */
@Timeout(90)
class LeaderJobsIT {
  @RegisterExtension static final EtcdClusterExtension etcd = EtcdClusterExtension.members(3);

  private ElectionFixture fx;

  @BeforeEach
  void setUp() {
    fx = new ElectionFixture(etcd.endpoints());
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  /** Counts runs per node, checks they never overlap, and writes fenced like a real job. */
  static final class CountingJob implements LeaderJob {
    final String node;
    final ElectionFixture.Node self;
    final Vertx vertx;
    final AtomicInteger runs = new AtomicInteger();
    final AtomicInteger active = new AtomicInteger();
    final AtomicInteger maxActive = new AtomicInteger();
    final AtomicInteger fencedWrites = new AtomicInteger();
    final AtomicInteger refusedWrites = new AtomicInteger();
    volatile Promise<Void> gate;
    final AtomicInteger waitingAtGate = new AtomicInteger();

    CountingJob(ElectionFixture.Node self, Vertx vertx) {
      this.node = self.name();
      this.self = self;
      this.vertx = vertx;
    }

    @Override
    public String name() {
      return "count";
    }

    @Override
    public Duration interval() {
      return Duration.ofMillis(50);
    }

    @Override
    public Future<Void> run(Fence fence) {
      runs.incrementAndGet();
      maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
      Promise<Void> done = Promise.promise();
      // A run that takes longer than the interval (or until the test opens the gate): the next
      // one must wait for it.
      Promise<Void> ready = Promise.promise();
      Promise<Void> g = gate;
      if (g != null) {
        waitingAtGate.incrementAndGet();
        g.future().onComplete(x -> ready.complete());
      } else {
        vertx.setTimer(120, t -> ready.complete());
      }
      ready
          .future()
          .onComplete(
              t ->
                  self.store()
                      .transaction()
                      .fencedBy(fence)
                      .put(self.store().layout().root() + "jobs/count", Map.of("by", node))
                      .commit("count")
                      .onComplete(
                          ar -> {
                            if (ar.succeeded() && ar.result().isPresent()) {
                              fencedWrites.incrementAndGet();
                            } else {
                              refusedWrites.incrementAndGet();
                            }
                            active.decrementAndGet();
                            done.complete();
                          }));
      return done.future();
    }
  }

  @Test
  void jobsRunOnlyOnTheLeaderAndMoveToTheNewLeader() {
    List<ElectionFixture.Node> nodes = List.of(fx.node("a"), fx.node("b"));
    Map<String, CountingJob> jobs = new ConcurrentHashMap<>();
    Map<String, LeaderJobs> runners = new ConcurrentHashMap<>();
    for (ElectionFixture.Node n : nodes) {
      CountingJob job = new CountingJob(n, fx.vertx);
      LeaderJobs leaderJobs = new LeaderJobs(fx.vertx).register(job);
      leaderJobs.follow(n.election());
      jobs.put(n.name(), job);
      runners.put(n.name(), leaderJobs);
      n.election().start();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> fx.leaders().size() == 1);
    ElectionFixture.Node leader = fx.leaders().get(0);
    ElectionFixture.Node follower = nodes.stream().filter(n -> n != leader).findFirst().get();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> jobs.get(leader.name()).fencedWrites.get() >= 3);
    assertThat(jobs.get(follower.name()).runs.get()).isZero();
    assertThat(runners.get(leader.name()).running()).containsExactly("count");
    assertThat(runners.get(follower.name()).running()).isEmpty();

    Await.result(leader.election().stop());
    int leaderRunsAtStop = jobs.get(leader.name()).runs.get();
    await()
        .atMost(ElectionFixture.TTL.multipliedBy(2))
        .until(() -> jobs.get(follower.name()).fencedWrites.get() >= 3);
    // At most the run in flight when leadership ended; then nothing more on the old leader.
    assertThat(jobs.get(leader.name()).runs.get()).isLessThanOrEqualTo(leaderRunsAtStop);
    assertThat(runners.get(leader.name()).running()).isEmpty();
    assertThat(jobs.values()).allSatisfy(j -> assertThat(j.maxActive.get()).isEqualTo(1));
    runners.values().forEach(r -> Await.result(r.stop()));
  }

  @Test
  void aRunInFlightWhenLeadershipIsLostCannotWrite() {
    ElectionFixture.Node a = fx.node("a");
    CountingJob job = new CountingJob(a, fx.vertx);
    LeaderJobs runner = new LeaderJobs(fx.vertx).register(job);
    runner.follow(a.election());
    a.election().start();
    await().atMost(Duration.ofSeconds(10)).until(() -> job.fencedWrites.get() >= 1);
    // Leadership ends while a run waits to write: the next run holds until the gate opens.
    Promise<Void> gate = Promise.promise();
    job.gate = gate;
    await().atMost(Duration.ofSeconds(5)).until(() -> job.waitingAtGate.get() == 1);
    int written = job.fencedWrites.get();
    Await.result(a.election().stop());
    gate.complete();
    await().atMost(Duration.ofSeconds(5)).until(() -> job.active.get() == 0);
    assertThat(job.refusedWrites.get()).isEqualTo(1);
    assertThat(job.fencedWrites.get()).isEqualTo(written);
    Await.result(runner.stop());
  }
}
