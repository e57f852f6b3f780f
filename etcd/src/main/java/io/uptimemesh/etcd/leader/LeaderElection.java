package io.uptimemesh.etcd.leader;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Election;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.election.LeaderKey;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.ValueCodec;
import io.uptimemesh.etcd.Versioned;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This core node's part in the leader election, and every node's view of who leads.
 *
 * <p>A <em>session</em> is one lease of {@code ttl}, kept alive every ttl/3, and one campaign on it
 * with jetcd's Election under {@link io.uptimemesh.etcd.KeyLayout#election()}. When the campaign
 * returns, this node checks that its key still exists with the revision the campaign reported (etcd
 * 3.4 can answer a campaign whose lease died meanwhile) and then leads with the {@link Fence} of
 * that key.
 *
 * <p>Leadership is lost, and the session ended, when: a keep-alive finds the lease gone; the key is
 * deleted or another key leads (seen by a watch of the election prefix, and by a read every ttl/3);
 * or no keep-alive succeeded for a whole {@code ttl} since the last one was sent. The last rule is
 * the step-down rule: a leader that cannot renew must assume its lease expired and another node
 * leads, and it steps down before the lease can have expired in etcd. Ending a session tells
 * listeners at once (jobs stop), revokes the old lease (best effort) and starts a new session.
 *
 * <p>All state lives on one Vert.x context; the public readers are safe from any thread.
 */
public final class LeaderElection {
  private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);

  private final Vertx vertx;
  private final Context context;
  private final EtcdStore store;
  private final Election election;
  private final Lease leases;
  private final Watch watches;
  private final Duration ttl;
  private final LeaderCandidate candidate;
  private final Clock clock;
  private final ValueCodec codec = new ValueCodec();
  private final List<Consumer<Optional<Fence>>> leadershipListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<Optional<LeaderInfo>>> leaderListeners = new CopyOnWriteArrayList<>();

  // State below is touched on `context` only; the volatile fields are also read elsewhere.
  private boolean started;
  private boolean stopped;
  private long generation;
  private long leaseId;
  private long expiryTimer = -1;
  private boolean renewing;
  private LeaderKey leaderKey;
  private volatile Fence fence;
  private volatile Optional<LeaderInfo> current = Optional.empty();
  private long tickTimer = -1;
  private Watch.Watcher watcher;

  public LeaderElection(
      Vertx vertx,
      Client client,
      EtcdStore store,
      Duration ttl,
      LeaderCandidate candidate,
      Clock clock) {
    if (ttl.toSeconds() < 1) {
      throw new IllegalArgumentException("election TTL must be at least 1 s: " + ttl);
    }
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.store = store;
    this.election = client.getElectionClient();
    this.leases = client.getLeaseClient();
    this.watches = client.getWatchClient();
    this.ttl = ttl;
    this.candidate = candidate;
    this.clock = clock;
  }

  /** Starts campaigning and observing; returns at once (never delays readiness). */
  public void start() {
    context.runOnContext(
        v -> {
          if (started || stopped) {
            return;
          }
          started = true;
          watch();
          tickTimer = vertx.setPeriodic(0, period().toMillis(), id -> tick());
          newSession();
        });
  }

  /**
   * Stops: tells listeners leadership is over, resigns (so a waiting node takes over at once),
   * revokes the lease and closes the watch. Every call is bounded by a deadline.
   *
   * @return completes when done; never fails
   */
  public Future<Void> stop() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(
        v -> {
          if (stopped) {
            done.complete();
            return;
          }
          stopped = true;
          generation++;
          vertx.cancelTimer(tickTimer);
          vertx.cancelTimer(expiryTimer);
          if (watcher != null) {
            watcher.close();
          }
          LeaderKey key = leaderKey;
          long lease = leaseId;
          loseLeadership("stopping");
          leaseId = 0;
          Future<Void> resigned =
              key == null
                  ? Future.succeededFuture()
                  : bounded(election.resign(key)).<Void>mapEmpty().otherwiseEmpty();
          resigned.compose(x -> revoke(lease)).onComplete(x -> done.complete());
        });
    return done.future();
  }

  /** True while this node leads (as far as it can tell; its writes are fenced anyway). */
  public boolean isLeader() {
    return fence != null;
  }

  /** This node's fence while it leads. */
  public Optional<Fence> fence() {
    return Optional.ofNullable(fence);
  }

  /** The leader as last observed (by any node, leader or not); empty while nobody leads. */
  public Optional<LeaderInfo> current() {
    return current;
  }

  public LeaderCandidate candidate() {
    return candidate;
  }

  /**
   * Calls {@code listener} (on the election's context) with the fence when this node starts to
   * lead, and with empty when it stops leading. Listeners must not block.
   */
  public void onLeadership(Consumer<Optional<Fence>> listener) {
    leadershipListeners.add(listener);
  }

  /**
   * Calls {@code listener} whenever the observed leader changes (another term, or nobody). Others
   * record "leader changed" events from it. Listeners must not block.
   */
  public void onLeaderChange(Consumer<Optional<LeaderInfo>> listener) {
    leaderListeners.add(listener);
  }

  private Duration period() {
    return Duration.ofMillis(Math.max(100, ttl.toMillis() / 3));
  }

  // --- sessions -------------------------------------------------------------------------------

  private void newSession() {
    if (stopped) {
      return;
    }
    long gen = ++generation;
    long sentMs = clock.millis();
    store
        .grantLease(ttl)
        .onSuccess(
            id -> {
              if (gen != generation || stopped) {
                revoke(id);
                return;
              }
              leaseId = id;
              renewed(gen, sentMs);
              campaign(gen, id);
            })
        .onFailure(
            t -> {
              if (gen == generation && !stopped) {
                log.warn("election: cannot grant a lease ({}); retrying", t.getMessage());
                vertx.setTimer(period().toMillis(), x -> retrySession(gen));
              }
            });
  }

  private void retrySession(long gen) {
    if (gen == generation && !stopped) {
      newSession();
    }
  }

  private void campaign(long gen, long lease) {
    ByteSequence name = bytes(store.layout().election());
    ByteSequence value = ByteSequence.from(codec.encode(candidate));
    // Waits until this node leads: exempt from the unary deadline (UnaryDeadlineInterceptor).
    Future.fromCompletionStage(election.campaign(name, lease, value), context)
        .onSuccess(r -> verifyWon(gen, r.getLeader()))
        .onFailure(
            t -> {
              if (gen == generation && !stopped) {
                endSession("campaign failed: " + t.getMessage());
              }
            });
  }

  /** etcd 3.4 may answer a campaign whose key is gone: only a key that still exists leads. */
  private void verifyWon(long gen, LeaderKey key) {
    if (gen != generation || stopped) {
      return;
    }
    String k = key.getKey().toString(UTF_8);
    store
        .get(k, LeaderCandidate.class)
        .onComplete(
            ar -> {
              if (gen != generation || stopped) {
                return;
              }
              if (ar.failed()) {
                endSession("cannot confirm the election key: " + ar.cause().getMessage());
              } else if (ar.result().isEmpty()
                  || ar.result().get().createRevision() != key.getRevision()) {
                endSession("the election key vanished before this node could lead");
              } else {
                leaderKey = key;
                fence = new Fence(k, key.getRevision());
                log.info(
                    "election: {} leads (term {}, key {})", candidate.name(), key.getRevision(), k);
                leadershipListeners.forEach(l -> notify(l, Optional.of(fence)));
                proclaimSince(gen, key);
                refresh();
              }
            });
  }

  /** Records in the election key when this term began, so "since" means leading since. */
  private void proclaimSince(long gen, LeaderKey key) {
    LeaderCandidate now = new LeaderCandidate(candidate.name(), candidate.apiUrl(), clock.millis());
    bounded(election.proclaim(key, ByteSequence.from(codec.encode(now))))
        .onComplete(
            ar -> {
              if (ar.failed() && gen == generation) {
                log.debug("election: proclaim failed: {}", ar.cause().getMessage());
              }
              if (gen == generation) {
                refresh();
              }
            });
  }

  /** Leadership (if any) is over: listeners first, then a fresh session. */
  private void endSession(String why) {
    vertx.cancelTimer(expiryTimer);
    long old = leaseId;
    leaseId = 0;
    generation++;
    if (fence != null) {
      log.warn("election: {} lost leadership: {}", candidate.name(), why);
    } else {
      log.info("election: campaign restarts: {}", why);
    }
    loseLeadership(why);
    revoke(old);
    long gen = generation;
    vertx.setTimer(period().toMillis(), x -> retrySession(gen));
  }

  private void loseLeadership(String why) {
    leaderKey = null;
    if (fence != null) {
      fence = null;
      leadershipListeners.forEach(l -> notify(l, Optional.empty()));
      log.debug("election: leadership ended ({})", why);
    }
  }

  private Future<Void> revoke(long lease) {
    if (lease == 0) {
      return Future.succeededFuture();
    }
    return bounded(leases.revoke(lease)).<Void>mapEmpty().otherwiseEmpty();
  }

  // --- keep-alive, step-down rule and observation --------------------------------------------

  private void tick() {
    if (stopped) {
      return;
    }
    long lease = leaseId;
    if (lease != 0 && !renewing) {
      renewing = true;
      long gen = generation;
      long sentMs = clock.millis();
      bounded(leases.keepAliveOnce(lease))
          .onComplete(
              ar -> {
                renewing = false;
                if (gen != generation || stopped) {
                  return;
                }
                if (ar.succeeded() && ar.result().getTTL() > 0) {
                  renewed(gen, sentMs);
                } else if (ar.succeeded() || isNotFound(ar.cause())) {
                  endSession("the election lease expired");
                } else {
                  log.debug("election: keep-alive failed: {}", ar.cause().getMessage());
                }
              });
    }
    refresh();
  }

  /**
   * The step-down rule. etcd renewed the lease at or after {@code sentMs}, so it lives at least
   * until {@code sentMs + ttl}; if no later renewal succeeds by then (minus a margin for timer
   * delays), this node must assume the lease expired and another node leads, and steps down before
   * that can happen. Fenced writes cover whatever slips through the margin.
   */
  private void renewed(long gen, long sentMs) {
    vertx.cancelTimer(expiryTimer);
    long margin = Math.min(250, ttl.toMillis() / 10);
    long delay = Math.max(1, sentMs + ttl.toMillis() - margin - clock.millis());
    expiryTimer =
        vertx.setTimer(
            delay,
            x -> {
              if (gen == generation && !stopped) {
                endSession(
                    "no lease renewal for the whole TTL ("
                        + ttl.toSeconds()
                        + " s): assuming deposed");
              }
            });
  }

  /** Reads who leads: the candidate key with the lowest create revision. */
  private void refresh() {
    long gen = generation;
    // Judge leadership only with an answer to a read made while leading: an older read may show
    // the previous leader, whose key was deleted just before this node won.
    Fence asked = fence;
    store
        .list(store.layout().electionPrefix(), LeaderCandidate.class)
        .onSuccess(
            all -> {
              Optional<Versioned<LeaderCandidate>> first =
                  all.stream().min(Comparator.comparingLong(Versioned::createRevision));
              Optional<LeaderInfo> seen =
                  first.map(
                      v ->
                          new LeaderInfo(
                              v.value().name(),
                              v.value().apiUrl(),
                              v.value().sinceMs(),
                              v.createRevision(),
                              v.key()));
              observed(seen);
              Fence f = fence;
              if (f != null
                  && f == asked
                  && gen == generation
                  && !stopped
                  && seen.map(
                          s -> !s.key().equals(f.electionKey()) || s.term() != f.createRevision())
                      .orElse(true)) {
                endSession("the election key is gone or another node leads");
              }
            })
        .onFailure(t -> log.debug("election: cannot read the leader: {}", t.getMessage()));
  }

  private void observed(Optional<LeaderInfo> seen) {
    Optional<LeaderInfo> before = current;
    current = seen;
    boolean changed =
        before.map(LeaderInfo::term).orElse(0L) != seen.map(LeaderInfo::term).orElse(0L);
    if (changed) {
      log.info(
          "election: leader is now {}",
          seen.map(s -> s.name() + " (term " + s.term() + ")").orElse("nobody"));
      leaderListeners.forEach(l -> notify(l, seen));
    }
  }

  private void watch() {
    if (stopped) {
      return;
    }
    ByteSequence prefix = bytes(store.layout().electionPrefix());
    WatchOption option = WatchOption.builder().isPrefix(true).build();
    watcher =
        watches.watch(
            prefix,
            option,
            Watch.listener(
                r -> context.runOnContext(v -> onEvents(r)),
                t ->
                    context.runOnContext(
                        v -> {
                          log.debug("election: watch failed ({}); rewatching", t.getMessage());
                          if (watcher != null) {
                            watcher.close();
                          }
                          vertx.setTimer(period().toMillis(), x -> watch());
                        })));
  }

  private void onEvents(WatchResponse response) {
    if (stopped) {
      return;
    }
    Fence f = fence;
    for (WatchEvent e : response.getEvents()) {
      if (f != null
          && e.getEventType() == WatchEvent.EventType.DELETE
          && e.getKeyValue().getKey().toString(UTF_8).equals(f.electionKey())) {
        endSession("the election key was deleted");
        break;
      }
    }
    refresh();
  }

  // --- helpers ---------------------------------------------------------------------------------

  /**
   * Every election call but the campaign ends within half a TTL (at most 2 s), whatever gRPC does:
   * a keep-alive slower than that is as good as lost, and stop() must stay quick.
   */
  private <T> Future<T> bounded(CompletableFuture<T> call) {
    long ms = Math.max(500, Math.min(ttl.toMillis() / 2, 2000));
    return Future.fromCompletionStage(call.orTimeout(ms, TimeUnit.MILLISECONDS), context);
  }

  private static boolean isNotFound(Throwable t) {
    return io.uptimemesh.etcd.EtcdErrors.code(t) == io.grpc.Status.Code.NOT_FOUND;
  }

  private static <T> void notify(Consumer<T> listener, T value) {
    try {
      listener.accept(value);
    } catch (RuntimeException e) {
      log.warn("election listener failed: {}", e.toString());
    }
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, UTF_8);
  }
}
