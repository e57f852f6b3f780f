package io.uptimemesh.web.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The node listing's heartbeat ages: one etcd lease read per lease and second at most, however
 * often the console lists the nodes, and never a wait for etcd once a lease was read.
 */
class HeartbeatAgesTest {
  private static final Duration TTL = Duration.ofSeconds(30);

  private final TestClock clock = new TestClock(1_000_000);

  /** The lease reads asked for, each answered by the test through its promise. */
  private final List<Long> asked = new ArrayList<>();

  private final List<Promise<Optional<Duration>>> answers = new ArrayList<>();

  private final HeartbeatAges ages =
      new HeartbeatAges(
          lease -> {
            asked.add(lease);
            Promise<Optional<Duration>> p = Promise.promise();
            answers.add(p);
            return p.future();
          },
          clock,
          TTL);

  @Test
  void theFirstReadAsksEtcdAndTheLastRenewalIsTheReadTimeMinusTheElapsedTtl() {
    Future<Optional<Long>> first = ages.lastRenewal("n1", 7);
    assertThat(first.isComplete()).isFalse();
    assertThat(asked).containsExactly(7L);

    answers.get(0).complete(Optional.of(Duration.ofSeconds(28)));

    assertThat(first.result()).contains(1_000_000L - 2_000);
  }

  @Test
  void readsWithinMaxAgeCostEtcdNothing() {
    ages.lastRenewal("n1", 7);
    answers.get(0).complete(Optional.of(Duration.ofSeconds(28)));

    for (int i = 0; i < 100; i++) {
      clock.advance(5);
      assertThat(ages.lastRenewal("n1", 7).result()).contains(998_000L);
    }

    assertThat(asked).hasSize(1);
  }

  @Test
  void anOldAnswerIsServedAtOnceWhileOneReadRefreshesIt() {
    ages.lastRenewal("n1", 7);
    answers.get(0).complete(Optional.of(Duration.ofSeconds(28)));
    clock.advance(HeartbeatAges.MAX_AGE.toMillis());

    assertThat(ages.lastRenewal("n1", 7).result()).contains(998_000L);
    assertThat(ages.lastRenewal("n1", 7).result()).contains(998_000L);
    assertThat(asked).hasSize(2); // one refresh, not one per reader

    answers.get(1).complete(Optional.of(Duration.ofSeconds(30))); // renewed just now

    assertThat(ages.lastRenewal("n1", 7).result()).contains(1_001_000L);
  }

  @Test
  void anAnswerFromBeforeAQuietSpellIsReadAgainBeforeItIsGiven() {
    ages.lastRenewal("n1", 7);
    answers.get(0).complete(Optional.of(Duration.ofSeconds(28)));
    clock.advance(HeartbeatAges.SERVE_STALE.toMillis());

    Future<Optional<Long>> later = ages.lastRenewal("n1", 7);

    assertThat(later.isComplete()).isFalse();
    answers.get(1).complete(Optional.of(Duration.ofSeconds(29)));
    assertThat(later.result()).contains(1_000_000L + 3_000 - 1_000);
  }

  @Test
  void aNewLeaseWaitsForEtcdInsteadOfShowingTheOldOne() {
    ages.lastRenewal("n1", 7);
    answers.get(0).complete(Optional.of(Duration.ofSeconds(28)));

    Future<Optional<Long>> back = ages.lastRenewal("n1", 8);

    assertThat(back.isComplete()).isFalse();
    assertThat(asked).containsExactly(7L, 8L);
    answers.get(1).complete(Optional.of(Duration.ofSeconds(30)));
    assertThat(back.result()).contains(1_000_000L);
  }

  @Test
  void anExpiredLeaseHasNoRenewalAndIsAskedForAgain() {
    Future<Optional<Long>> gone = ages.lastRenewal("n1", 7);
    answers.get(0).complete(Optional.empty());
    assertThat(gone.result()).isEmpty();

    // Renewed at the last moment by a heartbeat: the next read must not answer "gone" from memory.
    Future<Optional<Long>> again = ages.lastRenewal("n1", 7);
    assertThat(asked).hasSize(2);
    answers.get(1).complete(Optional.of(Duration.ofSeconds(30)));
    assertThat(again.result()).contains(1_000_000L);
  }

  @Test
  void etcdFailingFailsOnlyAFirstRead() {
    Future<Optional<Long>> first = ages.lastRenewal("n1", 7);
    answers.get(0).fail("etcd is down");
    assertThat(first.failed()).isTrue();

    ages.lastRenewal("n1", 7);
    answers.get(1).complete(Optional.of(Duration.ofSeconds(28)));
    clock.advance(HeartbeatAges.MAX_AGE.toMillis());
    ages.lastRenewal("n1", 7);
    answers.get(2).fail("etcd is down");

    assertThat(ages.lastRenewal("n1", 7).result()).contains(1_000_000L - 2_000);
  }

  @Test
  void aForgottenNodeIsReadAgain() {
    ages.lastRenewal("n1", 7);
    answers.get(0).complete(Optional.of(Duration.ofSeconds(28)));

    ages.forget("n1");

    assertThat(ages.lastRenewal("n1", 7).isComplete()).isFalse();
    assertThat(asked).hasSize(2);
  }

  private static final class TestClock extends Clock {
    private final AtomicLong millis;

    TestClock(long millis) {
      this.millis = new AtomicLong(millis);
    }

    void advance(long ms) {
      millis.addAndGet(ms);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public long millis() {
      return millis.get();
    }
  }
}
