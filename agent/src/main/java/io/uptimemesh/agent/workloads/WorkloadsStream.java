package io.uptimemesh.agent.workloads;

import io.uptimemesh.agent.control.Backoff;
import io.uptimemesh.agent.control.ControlPlaneClient;
import io.uptimemesh.agent.stream.DocumentTracker;
import io.uptimemesh.agent.stream.EventStreamClient;
import io.uptimemesh.agent.stream.SseEvent;
import io.uptimemesh.core.workload.WorkloadsDocument;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the workloads stream open (ADR 0014: {@code GET /api/v1/nodes/{id}/workloads/stream}) with
 * an {@link EventStreamClient}, resuming with the digest of the document held; the full fetch
 * ({@code GET .../workloads}) is the periodic safety net. Tells its listener of every document
 * whose content changed. Runs on the agent's context.
 */
public final class WorkloadsStream implements EventStreamClient.Handler {
  /** Workloads documents as a {@link DocumentTracker} follows them. */
  public static final DocumentTracker.Kind<WorkloadsDocument> KIND =
      new DocumentTracker.Kind<>(
          "workloads",
          WorkloadsDocument::parse,
          WorkloadsDocument::digest,
          WorkloadsDocument::withRevision);

  private static final Logger LOG = LoggerFactory.getLogger(WorkloadsStream.class);

  private final DocumentTracker<WorkloadsDocument> tracker;
  private final Consumer<WorkloadsDocument> changed;
  private final EventStreamClient stream;
  private boolean withDigest = true;

  public WorkloadsStream(
      Vertx vertx,
      ControlPlaneClient client,
      DocumentTracker<WorkloadsDocument> tracker,
      String nodeId,
      Duration resync,
      Backoff backoff,
      Consumer<WorkloadsDocument> changed) {
    this.tracker = tracker;
    this.changed = changed;
    String path = "/api/v1/nodes/" + nodeId + "/workloads";
    this.stream =
        new EventStreamClient(
            vertx, client, "workloads", path + "/stream", path, resync, backoff, this);
  }

  public void start() {
    stream.start();
  }

  public void stop() {
    stream.stop();
  }

  public boolean connected() {
    return stream.isOpen();
  }

  @Override
  public String streamQuery() {
    return tracker.digestQuery(withDigest);
  }

  @Override
  public boolean event(SseEvent event) {
    DocumentTracker.Outcome outcome = tracker.apply(event);
    if (outcome == DocumentTracker.Outcome.RESYNC) {
      withDigest = false;
      return false;
    }
    withDigest = true;
    if (outcome == DocumentTracker.Outcome.CHANGED) {
      changed.accept(tracker.current().orElseThrow());
    }
    return true;
  }

  @Override
  public void fetched(byte[] body) {
    try {
      WorkloadsDocument document = WorkloadsDocument.parse(body);
      boolean older = tracker.current().map(c -> c.revision() > document.revision()).orElse(false);
      if (!older && tracker.replace(document) == DocumentTracker.Outcome.CHANGED) {
        changed.accept(document);
      }
    } catch (RuntimeException e) {
      LOG.warn("the full workloads fetch returned no valid document: {}", e.getMessage());
    }
  }
}
