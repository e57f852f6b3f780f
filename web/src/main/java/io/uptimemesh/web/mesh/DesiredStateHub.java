package io.uptimemesh.web.mesh;

import io.uptimemesh.core.mesh.DesiredState;
import io.uptimemesh.etcd.CacheSnapshot;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.WatchCache;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One per core server: follows the watch cache, keeps the mesh as a {@link MeshView}, and moves
 * every open desired-state stream to each new view. The work per change is one pass over the node
 * families (on the cache's context) and one shared {@link MeshDelta}; each stream then derives its
 * patch on its own context. Changes that touch no document (heartbeat status, tokens, sessions…)
 * produce no view and no event.
 */
public final class DesiredStateHub {
  private final MeshViewBuilder builder;
  private final WatchCache cache;

  /** The revision of the last snapshot looked at (the view keeps that of its last change). */
  private volatile long seenRevision;

  private final Set<DesiredStateStream> streams = ConcurrentHashMap.newKeySet();
  private volatile MeshView view;

  public DesiredStateHub(EtcdStore store, WatchCache cache, String meshCidr) {
    this.builder = new MeshViewBuilder(store, meshCidr);
    this.cache = cache;
    this.view = MeshView.empty(meshCidr);
    cache.onChange(this::changed);
    changed(cache.snapshot());
  }

  /** The document of {@code nodeId} now; empty if unknown or not registered. */
  public Optional<DesiredState> stateOf(String nodeId) {
    return view().stateOf(nodeId);
  }

  /** How many streams are open on this server. */
  public int openStreams() {
    return streams.size();
  }

  /** Ends every open stream (server shutdown); the agents reconnect elsewhere. */
  public void closeStreams() {
    streams.forEach(DesiredStateStream::end);
  }

  /**
   * The current view; immutable. Catches up with the cache first: a write acknowledged after the
   * cache reached its revision (read-your-writes) may be answered before the cache's listeners ran,
   * and the node's next read must see it.
   */
  MeshView view() {
    CacheSnapshot snapshot = cache.snapshot();
    if (snapshot.revision() > seenRevision) {
      changed(snapshot);
    }
    return view;
  }

  /**
   * Adds a stream. It is registered before it reads the view, so no view published meanwhile is
   * missed; one it already started from is skipped by revision.
   */
  MeshView register(DesiredStateStream stream) {
    streams.add(stream);
    return view();
  }

  void unregister(DesiredStateStream stream) {
    streams.remove(stream);
  }

  /**
   * Builds the view of {@code snapshot} and moves the streams to it. Synchronized: usually called
   * on the cache's context, but also by a reader catching up ({@link #view()}); the builder is
   * confined by this lock.
   */
  private synchronized void changed(CacheSnapshot snapshot) {
    MeshView before = view;
    if (snapshot.revision() <= seenRevision) {
      return;
    }
    seenRevision = snapshot.revision();
    MeshView after = builder.build(snapshot);
    if (after == before) {
      return;
    }
    view = after;
    MeshDelta delta = MeshDelta.between(before, after);
    for (DesiredStateStream stream : streams) {
      stream.advance(after, delta);
    }
  }
}
