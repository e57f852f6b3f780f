package io.uptimemesh.web.discovery;

import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.WatchCache;
import io.uptimemesh.web.NodeDocumentHub;
import io.uptimemesh.web.NodeDocumentStream;
import java.time.Clock;

/**
 * One per core server: follows the watch cache, keeps discovery as a {@link DiscoveryView}, and
 * hands each new view to the open discovery streams, which send only when their node's document
 * changed (the generic {@link NodeDocumentHub}). Changes to keys discovery does not read produce no
 * view (see {@link DiscoveryViewBuilder}).
 */
public final class DiscoveryHub {
  private final NodeDocumentHub<DiscoveryView> hub;

  public DiscoveryHub(EtcdStore store, WatchCache cache, Clock clock) {
    DiscoveryViewBuilder builder = new DiscoveryViewBuilder(store, clock);
    this.hub = new NodeDocumentHub<>(cache, DiscoveryView.empty(), builder::build);
  }

  /** How many streams are open on this server. */
  public int openStreams() {
    return hub.openStreams();
  }

  /** Ends every open stream (server shutdown); the agents reconnect elsewhere. */
  public void closeStreams() {
    hub.closeStreams();
  }

  /**
   * The current view. Catches up with the cache first, so a write acknowledged after the cache
   * reached its revision is seen by the next read here.
   */
  DiscoveryView view() {
    return hub.view();
  }

  /**
   * Adds a stream before it reads the view, so no view published meanwhile is missed; a stream
   * skips views no newer than the one it started from.
   */
  DiscoveryView register(NodeDocumentStream<DiscoveryView> stream) {
    return hub.register(stream);
  }

  void unregister(NodeDocumentStream<DiscoveryView> stream) {
    hub.unregister(stream);
  }

  /** Answers a node's discovery stream request; see {@link NodeDocumentHub#openStream}. */
  void openStream(
      io.vertx.core.Vertx vertx,
      io.vertx.ext.web.RoutingContext ctx,
      String nodeId,
      String variant,
      java.time.Duration keepAlive) {
    hub.openStream(vertx, ctx, nodeId, DiscoveryView.EVENT, variant, keepAlive);
  }
}
