package io.uptimemesh.etcd.events;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.uptimemesh.core.config.EventsConfig;
import io.uptimemesh.core.events.EventIds;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.etcd.leader.Fence;
import io.uptimemesh.etcd.leader.LeaderJob;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's job that keeps the event log bounded: deletes events older than {@code
 * events.max_age_hours}, then the oldest beyond {@code events.max_count}. Ids sort like time, so
 * "the oldest N" is a key range: each batch reads up to {@value #BATCH} keys (keys only) and
 * deletes the range up to the last of them in one transaction fenced by the leader's election key.
 * A lost fence stops the run at once; a run does at most {@value #MAX_BATCHES} batches and the next
 * run goes on.
 */
public final class EventPruner implements LeaderJob {
  private static final Logger log = LoggerFactory.getLogger(EventPruner.class);

  /** Keys per fenced delete: well under etcd's request size limits. */
  static final int BATCH = 500;

  static final int MAX_BATCHES = 100;

  /**
   * What a run did.
   *
   * @param deletedOld events deleted for their age
   * @param deletedExcess events deleted beyond the maximum count
   * @param fenceLost true if a fenced delete failed: leadership is gone and the run stopped
   */
  public record Pruned(int deletedOld, int deletedExcess, boolean fenceLost) {}

  private final EventLog events;
  private final EtcdStore store;
  private final EventsConfig config;
  private final Clock clock;

  public EventPruner(EventLog events, EventsConfig config, Clock clock) {
    this.events = events;
    this.store = events.store();
    this.config = config;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "event-pruning";
  }

  @Override
  public Duration interval() {
    return config.pruneInterval();
  }

  @Override
  public Future<Void> run(Fence fence) {
    return prune(fence)
        .map(
            p -> {
              if (p.deletedOld() + p.deletedExcess() > 0 || p.fenceLost()) {
                log.info(
                    "event log pruned: {} too old, {} beyond {} events{}",
                    p.deletedOld(),
                    p.deletedExcess(),
                    config.maxCount(),
                    p.fenceLost() ? "; stopped: leadership lost" : "");
              }
              return null;
            });
  }

  /** One pruning pass, by age then by count. */
  public Future<Pruned> prune(Fence fence) {
    String prefix = store.layout().eventsPrefix();
    long cutoff = clock.millis() - config.maxAge().toMillis();
    String cutoffKey = prefix + EventIds.timePrefix(cutoff);
    return byAge(fence, cutoffKey, 0, new Pruned(0, 0, false))
        .compose(p -> p.fenceLost() ? Future.succeededFuture(p) : byCount(fence, 0, p));
  }

  private Future<Pruned> byAge(Fence fence, String cutoffKey, int batches, Pruned sofar) {
    String prefix = store.layout().eventsPrefix();
    return oldestKeys(cutoffKey, BATCH)
        .compose(
            r -> {
              if (r.getKvs().isEmpty()) {
                return Future.succeededFuture(sofar);
              }
              int n = r.getKvs().size();
              return deleteThrough(fence, lastKey(r))
                  .compose(
                      ok -> {
                        if (!ok) {
                          return Future.succeededFuture(
                              new Pruned(sofar.deletedOld(), sofar.deletedExcess(), true));
                        }
                        Pruned now =
                            new Pruned(sofar.deletedOld() + n, sofar.deletedExcess(), false);
                        return r.isMore() && batches + 1 < MAX_BATCHES
                            ? byAge(fence, cutoffKey, batches + 1, now)
                            : Future.succeededFuture(now);
                      });
            });
  }

  private Future<Pruned> byCount(Fence fence, int batches, Pruned sofar) {
    String end = KeyLayout.prefixEnd(store.layout().eventsPrefix());
    return events
        .count()
        .compose(
            c -> {
              long excess = c.getCount() - config.maxCount();
              if (excess <= 0 || batches >= MAX_BATCHES) {
                return Future.succeededFuture(sofar);
              }
              return oldestKeys(end, (int) Math.min(excess, BATCH))
                  .compose(
                      r -> {
                        if (r.getKvs().isEmpty()) {
                          return Future.succeededFuture(sofar);
                        }
                        int n = r.getKvs().size();
                        return deleteThrough(fence, lastKey(r))
                            .compose(
                                ok ->
                                    ok
                                        ? byCount(
                                            fence,
                                            batches + 1,
                                            new Pruned(
                                                sofar.deletedOld(),
                                                sofar.deletedExcess() + n,
                                                false))
                                        : Future.succeededFuture(
                                            new Pruned(
                                                sofar.deletedOld(), sofar.deletedExcess(), true)));
                      });
            });
  }

  /** Up to {@code limit} keys of the oldest events below {@code before}, keys only. */
  private Future<GetResponse> oldestKeys(String before, int limit) {
    return store.range(
        "read oldest events",
        store.layout().eventsPrefix(),
        before,
        GetOption.builder()
            .withKeysOnly(true)
            .withSortField(GetOption.SortTarget.KEY)
            .withSortOrder(GetOption.SortOrder.ASCEND)
            .withLimit(limit));
  }

  /**
   * Deletes every event up to and including {@code lastKey}, fenced.
   *
   * @return false if the fence failed (nothing deleted)
   */
  private Future<Boolean> deleteThrough(Fence fence, String lastKey) {
    return store
        .transaction()
        .fencedBy(fence)
        .deleteRange(store.layout().eventsPrefix(), lastKey + "\0")
        .commit("prune events")
        .map(java.util.Optional::isPresent);
  }

  private static String lastKey(GetResponse r) {
    return r.getKvs().get(r.getKvs().size() - 1).getKey().toString(UTF_8);
  }
}
