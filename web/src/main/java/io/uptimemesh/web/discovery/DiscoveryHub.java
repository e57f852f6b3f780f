package io.uptimemesh.web.discovery;

import io.uptimemesh.etcd.CacheSnapshot;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.WatchCache;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One per core server: follows the watch cache, keeps discovery as a {@link DiscoveryView}, and
 * hands each new view to the open discovery streams, which send only when their node's document
 * changed. Changes to keys discovery does not read produce no view (see {@link
 * DiscoveryViewBuilder}).
 */
public final class DiscoveryHub {
  private final DiscoveryViewBuilder builder;
  private final WatchCache cache;
  private final Set<DiscoveryStream> streams = ConcurrentHashMap.newKeySet();

  /** The revision of the last snapshot looked at (the view keeps that of its last change). */
  private volatile long seenRevision;

  private volatile DiscoveryView view = DiscoveryView.empty();

  public DiscoveryHub(EtcdStore store, WatchCache cache, Clock clock) {
    this.builder = new DiscoveryViewBuilder(store, clock);
    this.cache = cache;
    cache.onChange(this::changed);
    changed(cache.snapshot());
  }

  /** How many streams are open on this server. */
  public int openStreams() {
    return streams.size();
  }

  /** Ends every open stream (server shutdown); the agents reconnect elsewhere. */
  public void closeStreams() {
    streams.forEach(DiscoveryStream::end);
  }

  /**
   * The current view. Catches up with the cache first, so a write acknowledged after the cache
   * reached its revision is seen by the next read here.
   */
  DiscoveryView view() {
    CacheSnapshot snapshot = cache.snapshot();
    if (snapshot.revision() > seenRevision) {
      changed(snapshot);
    }
    return view;
  }

  /**
   * Adds a stream before it reads the view, so no view published meanwhile is missed; a stream
   * skips views no newer than the one it started from.
   */
  DiscoveryView register(DiscoveryStream stream) {
    streams.add(stream);
    return view();
  }

  void unregister(DiscoveryStream stream) {
    streams.remove(stream);
  }

  /**
   * Builds the view of {@code snapshot} and hands it to the streams; the lock confines the builder.
   */
  private synchronized void changed(CacheSnapshot snapshot) {
    if (snapshot.revision() <= seenRevision) {
      return;
    }
    seenRevision = snapshot.revision();
    DiscoveryView before = view;
    DiscoveryView after = builder.build(snapshot);
    if (after == before) {
      return;
    }
    view = after;
    for (DiscoveryStream stream : streams) {
      stream.advance(after);
    }
  }
}
