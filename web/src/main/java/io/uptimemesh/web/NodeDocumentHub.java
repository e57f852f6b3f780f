package io.uptimemesh.web;

import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.etcd.CacheSnapshot;
import io.uptimemesh.etcd.WatchCache;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Follows the watch cache, keeps the current {@link NodeDocumentView} and hands each new view to
 * the open streams ({@link NodeDocumentStream}), which send only when their node's digest changed.
 * The build function returns the previous view itself when none of its inputs moved, so changes to
 * keys a document does not read cost the streams nothing. One per document kind per server.
 *
 * @param <V> the view type
 */
public final class NodeDocumentHub<V extends NodeDocumentView> {
  private static final Pattern DIGEST = Pattern.compile("[0-9a-fA-F]{64}");

  private final WatchCache cache;
  private final Function<CacheSnapshot, V> build;
  private final Set<NodeDocumentStream<V>> streams = ConcurrentHashMap.newKeySet();

  /** The revision of the last snapshot looked at (the view keeps that of its last change). */
  private volatile long seenRevision;

  private volatile V view;

  /**
   * @param build the view of a snapshot; called under this hub's lock, so it may keep state
   */
  public NodeDocumentHub(WatchCache cache, V empty, Function<CacheSnapshot, V> build) {
    this.cache = cache;
    this.build = build;
    this.view = empty;
    cache.onChange(this::changed);
    changed(cache.snapshot());
  }

  public int openStreams() {
    return streams.size();
  }

  /** Ends every open stream (server shutdown); the agents reconnect elsewhere. */
  public void closeStreams() {
    streams.forEach(NodeDocumentStream::end);
  }

  /**
   * The current view. Catches up with the cache first, so a write acknowledged after the cache
   * reached its revision is seen by the next read here.
   */
  public V view() {
    CacheSnapshot snapshot = cache.snapshot();
    if (snapshot.revision() > seenRevision) {
      changed(snapshot);
    }
    return view;
  }

  /** Adds a stream before it reads the view, so no view published meanwhile is missed. */
  public V register(NodeDocumentStream<V> stream) {
    streams.add(stream);
    return view();
  }

  public void unregister(NodeDocumentStream<V> stream) {
    streams.remove(stream);
  }

  /**
   * Answers a node's stream request (the caller authenticated it): 400 for a {@code digest} query
   * that is not 64 hex digits, 404 when the node has no document, else the stream, which resumes
   * with {@code unchanged} when the digest matches. The first document is written off the event
   * loop.
   *
   * @param kind the event name of a whole document
   * @param variant what the client asked for ("" for the default)
   */
  public void openStream(
      Vertx vertx,
      RoutingContext ctx,
      String nodeId,
      String kind,
      String variant,
      Duration keepAlive) {
    String digest = ctx.request().getParam("digest");
    if (digest != null && !DIGEST.matcher(digest).matches()) {
      throw UptimeMeshException.invalid("digest must be 64 hex digits (SHA-256)");
    }
    NodeDocumentStream<V> stream =
        new NodeDocumentStream<>(vertx, ctx.response(), nodeId, kind, variant, this::unregister);
    // Registered before the view is read: no view published meanwhile is missed.
    V current = register(stream);
    vertx
        .executeBlocking(() -> NodeDocumentStream.First.of(current, nodeId, kind, variant, digest))
        .onSuccess(
            first -> {
              if (first.isEmpty()) {
                unregister(stream);
                ctx.fail(unknown(nodeId));
                return;
              }
              stream.start(first.get(), keepAlive);
            })
        .onFailure(
            t -> {
              unregister(stream);
              ctx.fail(t);
            });
  }

  /** 404 for a node without a document. */
  public static UptimeMeshException unknown(String nodeId) {
    return UptimeMeshException.notFound("node " + nodeId + " does not exist");
  }

  private synchronized void changed(CacheSnapshot snapshot) {
    if (snapshot.revision() <= seenRevision) {
      return;
    }
    seenRevision = snapshot.revision();
    V before = view;
    V after = build.apply(snapshot);
    if (after == before) {
      return;
    }
    view = after;
    for (NodeDocumentStream<V> stream : streams) {
      stream.advance(after);
    }
  }
}
