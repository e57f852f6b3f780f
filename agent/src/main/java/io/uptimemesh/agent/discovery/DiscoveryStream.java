package io.uptimemesh.agent.discovery;

import io.uptimemesh.agent.control.Backoff;
import io.uptimemesh.agent.control.ControlPlaneClient;
import io.uptimemesh.agent.stream.EventStreamClient;
import io.uptimemesh.agent.stream.SseEvent;
import io.uptimemesh.core.discovery.DiscoveryDocument;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the discovery stream open (ADR 0013: {@code GET /api/v1/nodes/{id}/discovery/stream}) with
 * an {@link EventStreamClient}, resuming with the digest of the document held; the full fetch
 * ({@code GET .../discovery}) is the periodic safety net. Tells its listener of every document
 * whose content changed. Runs on the agent's context.
 */
public final class DiscoveryStream implements EventStreamClient.Handler {
  private static final Logger LOG = LoggerFactory.getLogger(DiscoveryStream.class);

  private final DiscoveryTracker tracker;
  private final Consumer<DiscoveryDocument> changed;
  private final EventStreamClient stream;
  private boolean withDigest = true;

  /**
   * @param changed told of each document whose content differs from the one before
   */
  public DiscoveryStream(
      Vertx vertx,
      ControlPlaneClient client,
      DiscoveryTracker tracker,
      String nodeId,
      Duration resync,
      Backoff backoff,
      Consumer<DiscoveryDocument> changed) {
    this.tracker = tracker;
    this.changed = changed;
    String path = "/api/v1/nodes/" + nodeId + "/discovery";
    String zone = tracker.query(false);
    this.stream =
        new EventStreamClient(
            vertx,
            client,
            "discovery",
            path + "/stream",
            zone.isEmpty() ? path : path + "?" + zone,
            resync,
            backoff,
            this);
  }

  public void start() {
    stream.start();
  }

  public void stop() {
    stream.stop();
  }

  public long connects() {
    return stream.connects();
  }

  public boolean connected() {
    return stream.isOpen();
  }

  public void fullFetch() {
    stream.fullFetch();
  }

  @Override
  public String streamQuery() {
    return tracker.query(withDigest);
  }

  @Override
  public boolean event(SseEvent event) {
    DiscoveryTracker.Outcome outcome = tracker.apply(event);
    if (outcome == DiscoveryTracker.Outcome.RESYNC) {
      withDigest = false;
      return false;
    }
    withDigest = true;
    if (outcome == DiscoveryTracker.Outcome.CHANGED) {
      changed.accept(tracker.current().orElseThrow());
    }
    return true;
  }

  @Override
  public void fetched(byte[] body) {
    try {
      DiscoveryDocument document = DiscoveryDocument.parse(body);
      boolean older = tracker.current().map(c -> c.revision() > document.revision()).orElse(false);
      if (!older && tracker.replace(document) == DiscoveryTracker.Outcome.CHANGED) {
        changed.accept(document);
      }
    } catch (RuntimeException e) {
      LOG.warn("the full discovery fetch returned no valid document: {}", e.getMessage());
    }
  }
}
