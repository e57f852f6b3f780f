package io.uptimemesh.etcd.events;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.uptimemesh.core.events.EventCategory;
import io.uptimemesh.core.events.EventIds;
import io.uptimemesh.core.events.EventLevel;
import io.uptimemesh.core.events.EventQuery;
import io.uptimemesh.core.events.EventRecord;
import io.uptimemesh.core.events.EventSince;
import io.uptimemesh.core.events.Events;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.etcd.ValueCodec;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster event log in etcd: one key per event, {@code {prefix}/events/<id>}, ids sorting like
 * time. Appends are single puts, fire and forget; listings are range reads at one revision; live
 * feeds are etcd watches ({@link #follow}). The watch cache does not mirror these keys.
 */
public final class EventLog implements Events {
  private static final Logger log = LoggerFactory.getLogger(EventLog.class);

  /** Keys read per range request when listing. */
  static final int BATCH = 500;

  /**
   * Appends waiting for etcd at most; beyond it events are dropped (and logged), so a dead etcd
   * cannot pile up puts behind operations that go on without it.
   */
  private static final int MAX_IN_FLIGHT = 1000;

  private final Vertx vertx;
  private final EtcdStore store;
  private final Watch watch;
  private final Clock clock;
  private final EventIds ids;
  private final ValueCodec codec = new ValueCodec();
  private final AtomicInteger inFlight = new AtomicInteger();

  public EventLog(Vertx vertx, EtcdStore store, Watch watch, Clock clock) {
    this(vertx, store, watch, clock, new EventIds());
  }

  public EventLog(Vertx vertx, EtcdStore store, Watch watch, Clock clock, EventIds ids) {
    this.vertx = vertx;
    this.store = store;
    this.watch = watch;
    this.clock = clock;
    this.ids = ids;
  }

  KeyLayout layout() {
    return store.layout();
  }

  EtcdStore store() {
    return store;
  }

  @Override
  public void record(
      EventCategory category,
      String name,
      EventLevel level,
      String actor,
      Map<String, String> fields) {
    submit(() -> ids.next(clock.millis()), category, name, level, actor, fields);
  }

  @Override
  public void recordAt(
      long timeMs,
      EventCategory category,
      String name,
      EventLevel level,
      String actor,
      Map<String, String> fields) {
    submit(() -> ids.at(timeMs), category, name, level, actor, fields);
  }

  private void submit(
      Supplier<String> id,
      EventCategory category,
      String name,
      EventLevel level,
      String actor,
      Map<String, String> fields) {
    String what = category + "/" + name;
    try {
      EventRecord event = EventRecord.of(id.get(), category, name, level, actor, fields);
      if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
        inFlight.decrementAndGet();
        log.warn("event {} not recorded: {} appends already wait for etcd", what, MAX_IN_FLIGHT);
        return;
      }
      append(event)
          .onComplete(
              ar -> {
                inFlight.decrementAndGet();
                if (ar.failed()) {
                  log.warn("event {} not recorded: {}", what, ar.cause().getMessage());
                }
              });
    } catch (RuntimeException e) {
      // A malformed event is a bug of its recorder; it must still not fail the operation.
      log.warn("event {} not recorded: {}", what, e.getMessage());
    }
  }

  /**
   * Writes one event (a single put, with the write deadline, not retried).
   *
   * @return the revision of the write
   */
  public Future<Long> append(EventRecord event) {
    return store.put(layout().event(event.id()), event);
  }

  /** Lists events; see {@link EventQuery} for what is selected and in which order. */
  public Future<EventPage> list(EventQuery query) {
    Promise<EventPage> done = Promise.promise();
    page(
        query,
        startKey(query),
        KeyLayout.prefixEnd(layout().eventsPrefix()),
        0,
        new ArrayList<>(),
        done);
    return done.future();
  }

  /**
   * Counts the events matching {@code query} (its limit and order do not apply), reading the log
   * from {@code since} in batches at one revision: only the number leaves the core node, so a count
   * over a day costs the browser nothing however many events there are.
   */
  public Future<Long> count(EventQuery query) {
    Promise<Long> done = Promise.promise();
    countFrom(query, startKey(query), KeyLayout.prefixEnd(layout().eventsPrefix()), 0, 0, done);
    return done.future();
  }

  /** One batch of keys in key order; every batch of one listing or count at the same revision. */
  private static GetOption.Builder batch(GetOption.SortOrder order, long revision) {
    return batch(order, revision, BATCH);
  }

  private static GetOption.Builder batch(GetOption.SortOrder order, long revision, int size) {
    GetOption.Builder options =
        GetOption.builder()
            .withSortField(GetOption.SortTarget.KEY)
            .withSortOrder(order)
            .withLimit(size);
    if (revision > 0) {
      options.withRevision(revision);
    }
    return options;
  }

  /**
   * Keys to read in one request. Without filters every event matches, so the first batch of a
   * listing is its limit and one more (to tell whether there is more): the console's "recent
   * events" read 11 keys instead of {@link #BATCH} (bench/run.sh console). Filtered listings and
   * later batches read whole batches.
   */
  private static int firstBatch(EventQuery query, long revision) {
    boolean unfiltered =
        query.categories().isEmpty() && query.names().isEmpty() && query.node().isEmpty();
    return revision == 0 && unfiltered ? Math.min(BATCH, query.limit() + 1) : BATCH;
  }

  /** The first key a listing or count reads: where its {@code since} says. */
  private String startKey(EventQuery query) {
    String prefix = layout().eventsPrefix();
    EventSince since = query.since().orElse(null);
    if (since instanceof EventSince.AfterId a) {
      return layout().event(a.id()) + "\0";
    } else if (since instanceof EventSince.FromTime t) {
      return prefix + EventIds.timePrefix(t.timeMs());
    }
    return prefix;
  }

  private void countFrom(
      EventQuery query, String lo, String hi, long revision, long counted, Promise<Long> done) {
    if (lo.compareTo(hi) >= 0) {
      done.complete(counted);
      return;
    }
    store
        .range("count events", lo, hi, batch(GetOption.SortOrder.ASCEND, revision))
        .onFailure(done::fail)
        .onSuccess(
            r -> {
              long at = revision > 0 ? revision : r.getHeader().getRevision();
              long n = counted;
              String last = null;
              for (KeyValue kv : r.getKvs()) {
                last = kv.getKey().toString(UTF_8);
                Optional<EventEntry> e = decode(kv);
                if (e.isPresent() && query.matches(e.get().event())) {
                  n++;
                }
              }
              if (!r.isMore() || last == null) {
                done.complete(n);
              } else {
                countFrom(query, last + "\0", hi, at, n, done);
              }
            });
  }

  private void page(
      EventQuery query,
      String lo,
      String hi,
      long revision,
      List<EventEntry> found,
      Promise<EventPage> done) {
    if (lo.compareTo(hi) >= 0) {
      done.complete(new EventPage(found, revision, false));
      return;
    }
    GetOption.SortOrder order =
        query.newestFirst() ? GetOption.SortOrder.DESCEND : GetOption.SortOrder.ASCEND;
    store
        .range("list events", lo, hi, batch(order, revision, firstBatch(query, revision)))
        .onFailure(done::fail)
        .onSuccess(
            r -> {
              long at = revision > 0 ? revision : r.getHeader().getRevision();
              String last = null;
              for (KeyValue kv : r.getKvs()) {
                last = kv.getKey().toString(UTF_8);
                Optional<EventEntry> e = decode(kv);
                if (e.isPresent() && query.matches(e.get().event())) {
                  if (found.size() == query.limit()) {
                    done.complete(new EventPage(found, at, true));
                    return;
                  }
                  found.add(e.get());
                }
              }
              if (!r.isMore() || last == null) {
                done.complete(new EventPage(found, at, false));
              } else if (query.newestFirst()) {
                page(query, lo, last, at, found, done);
              } else {
                page(query, last + "\0", hi, at, found, done);
              }
            });
  }

  /**
   * Follows the log live, from an etcd watch (never by polling).
   *
   * @param afterRevision deliver every event created after this revision (a catch-up read first,
   *     then the watch); 0 to deliver only events written from now on
   * @param onEvent called on the caller's Vert.x context, in revision order, once per event; after
   *     a dropped watch the feed reconnects and resumes after the last delivered revision
   */
  public EventSubscription follow(long afterRevision, Consumer<EventEntry> onEvent) {
    EventFollower follower =
        new EventFollower(vertx, vertx.getOrCreateContext(), store, watch, this, onEvent);
    follower.start(afterRevision);
    return follower;
  }

  /** The event stored in {@code kv}, or empty (and a warning) if it cannot be read. */
  Optional<EventEntry> decode(KeyValue kv) {
    String key = kv.getKey().toString(UTF_8);
    try {
      EventRecord event = codec.decode(key, kv.getValue().getBytes(), EventRecord.class);
      return Optional.of(new EventEntry(kv.getCreateRevision(), event));
    } catch (RuntimeException e) {
      log.warn("skipping unreadable event at {}: {}", key, e.getMessage());
      return Optional.empty();
    }
  }

  /** Count-only read of the whole log: its size and the current revision. */
  Future<GetResponse> count() {
    String prefix = layout().eventsPrefix();
    return store.range(
        "count events",
        prefix,
        KeyLayout.prefixEnd(prefix),
        GetOption.builder().withCountOnly(true));
  }
}
