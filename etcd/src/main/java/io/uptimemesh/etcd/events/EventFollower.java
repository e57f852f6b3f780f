package io.uptimemesh.etcd.events;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.KeyLayout;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live feed of the event log. Its position is the create revision of the last event delivered:
 * a catch-up range read ({@code min_create_revision = position + 1}, at one revision R) delivers
 * what was written meanwhile, then an etcd watch from R + 1 delivers the rest as it happens. When
 * the watch fails (member lost, compaction, etcd down) the feed catches up again from its position,
 * with backoff, so nothing is skipped and nothing is delivered twice. Compaction cannot hurt the
 * catch-up: it reads current keys, not history.
 *
 * <p>Confined to one Vert.x context; {@link #close()} may be called from any thread.
 */
final class EventFollower implements EventSubscription {
  private static final Logger log = LoggerFactory.getLogger(EventFollower.class);
  private static final long BACKOFF_MIN_MS = 200;
  private static final long BACKOFF_MAX_MS = 5_000;

  private final Vertx vertx;
  private final Context context;
  private final EtcdStore store;
  private final Watch watchClient;
  private final EventLog eventLog;
  private final Consumer<EventEntry> onEvent;
  private final String prefix;
  private final String end;

  private volatile boolean closed;
  private long position;
  private long generation;
  private Watch.Watcher watcher;
  private long retryTimer = -1;
  private long backoffMs = BACKOFF_MIN_MS;

  EventFollower(
      Vertx vertx,
      Context context,
      EtcdStore store,
      Watch watchClient,
      EventLog eventLog,
      Consumer<EventEntry> onEvent) {
    this.vertx = vertx;
    this.context = context;
    this.store = store;
    this.watchClient = watchClient;
    this.eventLog = eventLog;
    this.onEvent = onEvent;
    this.prefix = store.layout().eventsPrefix();
    this.end = KeyLayout.prefixEnd(prefix);
  }

  void start(long afterRevision) {
    context.runOnContext(
        v -> {
          if (afterRevision > 0) {
            position = afterRevision;
            catchUp(0);
          } else {
            fromNow();
          }
        });
  }

  @Override
  public void close() {
    closed = true;
    context.runOnContext(
        v -> {
          closeWatcher();
          if (retryTimer >= 0) {
            vertx.cancelTimer(retryTimer);
            retryTimer = -1;
          }
        });
  }

  /** Position = the current revision: only events written from now on. */
  private void fromNow() {
    eventLog
        .count()
        .onComplete(
            ar -> {
              if (closed) {
                return;
              }
              if (ar.failed()) {
                retry(this::fromNow, ar.cause());
                return;
              }
              position = ar.result().getHeader().getRevision();
              watchFrom(position + 1);
            });
  }

  /** Delivers events created after {@code position}, reading at {@code revision} (0: current). */
  private void catchUp(long revision) {
    GetOption.Builder options =
        GetOption.builder()
            .withMinCreateRevision(position + 1)
            .withSortField(GetOption.SortTarget.CREATE)
            .withSortOrder(GetOption.SortOrder.ASCEND)
            .withLimit(EventLog.BATCH);
    if (revision > 0) {
      options.withRevision(revision);
    }
    store
        .range("catch up on events", prefix, end, options)
        .onComplete(
            ar -> {
              if (closed) {
                return;
              }
              if (ar.failed()) {
                retry(() -> catchUp(0), ar.cause());
                return;
              }
              long at = revision > 0 ? revision : ar.result().getHeader().getRevision();
              for (KeyValue kv : ar.result().getKvs()) {
                deliver(kv);
              }
              if (ar.result().isMore()) {
                catchUp(at);
              } else {
                position = Math.max(position, at);
                watchFrom(position + 1);
              }
            });
  }

  private void watchFrom(long revision) {
    closeWatcher();
    long gen = ++generation;
    WatchOption option =
        WatchOption.builder().isPrefix(true).withRevision(revision).withNoDelete(true).build();
    watcher =
        watchClient.watch(
            ByteSequence.from(prefix, UTF_8),
            option,
            Watch.listener(
                r -> context.runOnContext(v -> onWatch(gen, r)),
                t -> context.runOnContext(v -> onWatchFailed(gen, t)),
                () ->
                    context.runOnContext(
                        v -> onWatchFailed(gen, new IllegalStateException("watch closed")))));
  }

  private void onWatch(long gen, WatchResponse response) {
    if (gen != generation || closed) {
      return;
    }
    backoffMs = BACKOFF_MIN_MS;
    for (WatchEvent event : response.getEvents()) {
      if (event.getEventType() == WatchEvent.EventType.PUT) {
        deliver(event.getKeyValue());
      }
    }
  }

  private void onWatchFailed(long gen, Throwable t) {
    if (gen != generation || closed) {
      return;
    }
    closeWatcher();
    retry(() -> catchUp(0), t);
  }

  /** Delivers a newly created event past the position; anything else is a repeat or an update. */
  private void deliver(KeyValue kv) {
    long created = kv.getCreateRevision();
    if (closed || created <= position) {
      return;
    }
    position = created;
    if (created != kv.getModRevision()) {
      return; // an event rewritten in place: delivered when it was created
    }
    Optional<EventEntry> entry = eventLog.decode(kv);
    if (entry.isEmpty()) {
      return;
    }
    try {
      onEvent.accept(entry.get());
    } catch (RuntimeException e) {
      log.warn("event subscriber failed: {}", e.toString());
    }
  }

  private void retry(Runnable what, Throwable cause) {
    if (closed || retryTimer >= 0) {
      return;
    }
    log.debug("event feed interrupted ({}); resuming after revision {}", cause, position);
    retryTimer =
        vertx.setTimer(
            backoffMs,
            id -> {
              retryTimer = -1;
              if (!closed) {
                what.run();
              }
            });
    backoffMs = Math.min(backoffMs * 2, BACKOFF_MAX_MS);
  }

  private void closeWatcher() {
    generation++;
    if (watcher != null) {
      try {
        watcher.close();
      } catch (RuntimeException e) {
        log.debug("closing event watcher failed", e);
      }
      watcher = null;
    }
  }
}
