package io.uptimemesh.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors every key under the cluster prefix in memory (except the families of {@link
 * KeyLayout#uncachedPrefixes()}, such as the event log): list at revision R, watch from R+1, apply
 * events in order, and relist from scratch when the watch is compacted away, fails, or etcd was
 * unreachable. Readers get an immutable {@link CacheSnapshot} and never block.
 *
 * <p>All state changes run on one Vert.x context (the one that called {@link #start}), so there is
 * a single writer; {@link #snapshot()} and {@link #synced()} are safe from any thread.
 */
public final class WatchCache {
  private static final Logger log = LoggerFactory.getLogger(WatchCache.class);
  private static final long RELIST_BACKOFF_MIN_MS = 200;
  private static final long RELIST_BACKOFF_MAX_MS = 5_000;

  private final Vertx vertx;
  private final Watch watchClient;
  private final EtcdStore store;
  private final String prefix;
  private final List<String> uncached;
  private final AtomicReference<CacheSnapshot> current = new AtomicReference<>(CacheSnapshot.EMPTY);
  private final List<Consumer<CacheSnapshot>> listeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Callers of {@link #awaitRevision}; touched only on the cache's context. */
  private final List<Waiter> waiters = new java.util.ArrayList<>();

  private Context context;
  private volatile boolean synced;

  /** System.nanoTime() when the cache last lost sync; meaningful only after a first sync. */
  private volatile long unsyncedSinceNanos;

  private volatile boolean everSynced;
  private boolean stopped;
  private boolean relisting;
  private long relistBackoffMs = RELIST_BACKOFF_MIN_MS;
  private long retryTimer = -1;
  private Watch.Watcher watcher;

  /** Events applied since the last publish, or null; confined to the cache's context. */
  private TreeMap<String, CacheSnapshot.Entry> pending;

  private long pendingRevision;

  /** Bumped on every relist, so late events of a closed watcher are ignored. */
  private long generation;

  public WatchCache(Vertx vertx, Watch watchClient, EtcdStore store) {
    this.vertx = vertx;
    this.watchClient = watchClient;
    this.store = store;
    this.prefix = store.layout().root();
    this.uncached = store.layout().uncachedPrefixes().stream().sorted().toList();
  }

  /**
   * Starts mirroring. Returns at once; {@link #synced()} turns true after the first successful
   * list, and the cache keeps retrying while etcd cannot be reached.
   */
  public void start() {
    context = vertx.getOrCreateContext();
    context.runOnContext(v -> relist());
  }

  /** Stops watching; yields when the watch is closed. */
  public Future<Void> stop() {
    if (context == null) {
      return Future.succeededFuture();
    }
    return Future.future(
        p ->
            context.runOnContext(
                v -> {
                  stopped = true;
                  synced = false;
                  cancelRetry();
                  closeWatcher();
                  p.complete();
                }));
  }

  /** The current view; never null, empty before the first sync. */
  public CacheSnapshot snapshot() {
    return current.get();
  }

  /** True while the view is known to follow etcd: listed, watching, and etcd reachable. */
  public boolean synced() {
    return synced;
  }

  /**
   * True if the view can be served as current: synced, or synced before and resyncing for less than
   * {@code tolerance} (a watch moving to another member must not make a core node unready).
   */
  public boolean fresh(Duration tolerance) {
    if (synced) {
      return true;
    }
    return everSynced && System.nanoTime() - unsyncedSinceNanos < tolerance.toNanos();
  }

  /**
   * Completes once the view reflects {@code revision} (or right away if it does already), so a
   * caller that just wrote can answer knowing its next read through this cache sees the write.
   * Never fails: after {@code timeout} it completes anyway; the cache is then behind, which the
   * health state reports.
   */
  public Future<Void> awaitRevision(long revision, Duration timeout) {
    if (current.get().revision() >= revision || context == null) {
      return Future.succeededFuture();
    }
    io.vertx.core.Promise<Void> promise = io.vertx.core.Promise.promise();
    context.runOnContext(
        v -> {
          if (current.get().revision() >= revision) {
            promise.tryComplete();
            return;
          }
          waiters.add(new Waiter(revision, promise));
          vertx.setTimer(
              Math.max(1, timeout.toMillis()),
              id -> {
                if (promise.tryComplete()) {
                  log.debug("watch cache not at revision {} after {}", revision, timeout);
                }
              });
        });
    return promise.future();
  }

  private record Waiter(long revision, io.vertx.core.Promise<Void> promise) {}

  /** Calls {@code listener} on the cache's context after every change of the view. */
  public void onChange(Consumer<CacheSnapshot> listener) {
    listeners.add(listener);
  }

  /**
   * Tells the cache that etcd stopped answering. The watch may resume silently later, but events
   * might have been missed meanwhile, so the view is marked unsynced until a fresh relist.
   */
  public void etcdUnreachable() {
    if (context != null) {
      context.runOnContext(
          v -> {
            if (synced) {
              log.warn("etcd unreachable: watch cache marked unsynced at revision {}", revision());
            }
            markUnsynced();
            closeWatcher();
          });
    }
  }

  /** Tells the cache that etcd answers again: relist now rather than after the backoff. */
  public void etcdReachable() {
    if (context != null) {
      context.runOnContext(
          v -> {
            if (!synced && !stopped && !relisting) {
              cancelRetry();
              relist();
            }
          });
    }
  }

  private long revision() {
    return current.get().revision();
  }

  private void relist() {
    if (stopped || relisting) {
      return;
    }
    relisting = true;
    closeWatcher();
    listCached()
        .onComplete(
            ar -> {
              relisting = false;
              if (stopped) {
                return;
              }
              if (ar.failed()) {
                scheduleRelist("list failed: " + ar.cause().getMessage());
                return;
              }
              install(ar.result());
            });
  }

  /** What a relist read: the cached keys, all at one revision. */
  private record Listing(long revision, List<KeyValue> kvs) {}

  /**
   * Lists the prefix without the uncached families: one range read per gap between them, the first
   * fixing the revision the others read at.
   */
  private Future<Listing> listCached() {
    List<String[]> ranges = new java.util.ArrayList<>();
    String from = prefix;
    for (String skip : uncached) {
      ranges.add(new String[] {from, skip});
      from = KeyLayout.prefixEnd(skip);
    }
    ranges.add(new String[] {from, KeyLayout.prefixEnd(prefix)});
    Future<Listing> listing = Future.succeededFuture(new Listing(0, List.of()));
    for (String[] range : ranges) {
      listing =
          listing.compose(
              sofar -> {
                io.etcd.jetcd.options.GetOption.Builder options =
                    io.etcd.jetcd.options.GetOption.builder();
                if (sofar.revision() > 0) {
                  options.withRevision(sofar.revision());
                }
                return store
                    .range("list " + range[0], range[0], range[1], options)
                    .map(
                        r -> {
                          List<KeyValue> kvs = new java.util.ArrayList<>(sofar.kvs());
                          kvs.addAll(r.getKvs());
                          long rev =
                              sofar.revision() > 0 ? sofar.revision() : r.getHeader().getRevision();
                          return new Listing(rev, kvs);
                        });
              });
    }
    return listing;
  }

  private boolean isCached(String key) {
    for (String skip : uncached) {
      if (key.startsWith(skip)) {
        return false;
      }
    }
    return true;
  }

  private void install(Listing response) {
    long revision = response.revision();
    TreeMap<String, CacheSnapshot.Entry> entries = new TreeMap<>();
    for (KeyValue kv : response.kvs()) {
      CacheSnapshot.Entry e = entry(kv);
      entries.put(e.key(), e);
    }
    publish(new CacheSnapshot(revision, entries));
    long gen = ++generation;
    WatchOption option =
        WatchOption.builder().isPrefix(true).withRevision(revision + 1).withPrevKV(false).build();
    watcher =
        watchClient.watch(
            EtcdStore.bytes(prefix),
            option,
            Watch.listener(
                r -> context.runOnContext(v -> onEvents(gen, r)),
                t -> context.runOnContext(v -> onWatchError(gen, t)),
                () ->
                    context.runOnContext(
                        v -> onWatchError(gen, new IllegalStateException("watch closed")))));
    synced = true;
    everSynced = true;
    relistBackoffMs = RELIST_BACKOFF_MIN_MS;
    log.info("watch cache synced: {} keys at revision {}", entries.size(), revision);
  }

  /**
   * Applies a watch response to the pending view. The first response after a publish schedules one
   * publish behind the tasks already queued on this context, so a burst of responses costs one copy
   * of the map instead of one per response (each copy is O(keys)).
   */
  private void onEvents(long gen, WatchResponse response) {
    if (gen != generation || stopped) {
      return;
    }
    for (WatchEvent event : response.getEvents()) {
      KeyValue kv = event.getKeyValue();
      if (!isCached(kv.getKey().toString(UTF_8))) {
        continue; // an event-log append: not mirrored, and no reason to publish a copy
      }
      if (pending == null) {
        CacheSnapshot before = current.get();
        pending = new TreeMap<>(before.entries());
        pendingRevision = before.revision();
        context.runOnContext(v -> publishPending(gen));
      }
      pendingRevision = Math.max(pendingRevision, response.getHeader().getRevision());
      pendingRevision = Math.max(pendingRevision, kv.getModRevision());
      switch (event.getEventType()) {
        case PUT -> pending.put(kv.getKey().toString(UTF_8), entry(kv));
        case DELETE -> pending.remove(kv.getKey().toString(UTF_8));
        default -> log.warn("unrecognised watch event {}", event.getEventType());
      }
    }
  }

  private void publishPending(long gen) {
    if (pending == null || gen != generation || stopped) {
      return;
    }
    TreeMap<String, CacheSnapshot.Entry> entries = pending;
    pending = null;
    publish(new CacheSnapshot(pendingRevision, entries));
  }

  private void onWatchError(long gen, Throwable t) {
    if (gen != generation || stopped) {
      return;
    }
    markUnsynced();
    closeWatcher();
    if (EtcdErrors.unwrap(t) instanceof CompactedException c) {
      log.info(
          "watch compacted at revision {} (cache at {}): relisting",
          c.getCompactedRevision(),
          revision());
      relist();
    } else {
      scheduleRelist("watch failed: " + t.getMessage());
    }
  }

  private void markUnsynced() {
    if (synced) {
      unsyncedSinceNanos = System.nanoTime();
    }
    synced = false;
  }

  private void scheduleRelist(String why) {
    if (stopped || retryTimer >= 0) {
      return;
    }
    log.warn("watch cache not synced ({}); retrying in {} ms", why, relistBackoffMs);
    retryTimer =
        vertx.setTimer(
            relistBackoffMs,
            id -> {
              retryTimer = -1;
              relist();
            });
    relistBackoffMs = Math.min(relistBackoffMs * 2, RELIST_BACKOFF_MAX_MS);
  }

  private void publish(CacheSnapshot snapshot) {
    current.set(snapshot);
    waiters.removeIf(
        w -> {
          if (w.revision() <= snapshot.revision()) {
            w.promise().tryComplete();
            return true;
          }
          return w.promise().future().isComplete(); // timed out
        });
    for (Consumer<CacheSnapshot> l : listeners) {
      try {
        l.accept(snapshot);
      } catch (RuntimeException e) {
        log.error("watch cache listener failed", e);
      }
    }
  }

  private void cancelRetry() {
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
      retryTimer = -1;
    }
  }

  private void closeWatcher() {
    generation++;
    pending = null; // events of the closed watch; a relist replaces them
    if (watcher != null) {
      try {
        watcher.close();
      } catch (RuntimeException e) {
        log.debug("closing watcher failed", e);
      }
      watcher = null;
    }
  }

  private static CacheSnapshot.Entry entry(KeyValue kv) {
    return new CacheSnapshot.Entry(
        kv.getKey().toString(UTF_8),
        kv.getValue().getBytes(),
        kv.getCreateRevision(),
        kv.getModRevision(),
        kv.getLease());
  }
}
