package io.uptimemesh.etcd.ops;

import io.etcd.jetcd.Maintenance;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.etcd.EtcdCallPolicy;
import io.uptimemesh.etcd.EtcdStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes etcd snapshots on this core node, one at a time, in the background. {@link #start} answers
 * at once with the job; the snapshot streams from etcd's Maintenance API through a {@link
 * SnapshotPipe} into a worker thread that writes the file, then {@link SnapshotStore#publish}
 * checksums and publishes it and retention prunes old ones.
 *
 * <p>The stream has no gRPC deadline (it is not unary), so it gets two of its own: no data for
 * {@code stall} fails it, and the whole job fails after {@code timeout}. Job states are kept in
 * memory (the last {@value #KEPT_JOBS}); the files are the durable record.
 */
public final class SnapshotJobs {
  private static final Logger log = LoggerFactory.getLogger(SnapshotJobs.class);
  private static final int KEPT_JOBS = 50;
  private static final Duration STALL = Duration.ofSeconds(30);

  /** Where a job stands. */
  public enum State {
    RUNNING,
    SUCCEEDED,
    FAILED;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * One snapshot job.
   *
   * @param error why it failed; null unless failed
   * @param snapshot the published snapshot; null unless succeeded
   */
  public record Job(
      String id,
      State state,
      String trigger,
      Instant startedAt,
      Instant finishedAt,
      String error,
      SnapshotMetadata snapshot) {}

  private final List<java.util.function.Consumer<Job>> finishedListeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Vertx vertx;
  private final Maintenance maintenance;
  private final EtcdStore store;
  private final EtcdCallPolicy calls;
  private final SnapshotStore files;
  private final Etcdctl etcdctl;
  private final String endpoint;
  private final String nodeName;
  private final Duration timeout;
  private final Clock clock;
  private final Map<String, Job> jobs = new LinkedHashMap<>();
  private final Map<String, Promise<Job>> done = new LinkedHashMap<>();
  private String running;

  /**
   * @param endpoint the client URL asked for the etcd version recorded in the metadata
   * @param nodeName this core node's name, recorded in the metadata
   * @param timeout the whole job's limit
   */
  public SnapshotJobs(
      Vertx vertx,
      Maintenance maintenance,
      EtcdStore store,
      SnapshotStore files,
      Etcdctl etcdctl,
      String endpoint,
      String nodeName,
      Duration timeout,
      Clock clock) {
    this.vertx = vertx;
    this.maintenance = maintenance;
    this.store = store;
    this.calls = store.calls();
    this.files = files;
    this.etcdctl = etcdctl;
    this.endpoint = endpoint;
    this.nodeName = nodeName;
    this.timeout = timeout;
    this.clock = clock;
  }

  public SnapshotStore files() {
    return files;
  }

  /**
   * Starts a snapshot and returns at once.
   *
   * @param trigger who asked, for logs and the job ("api", "schedule")
   * @return the running job
   * @throws UptimeMeshException 409 if a snapshot is already running on this core node
   */
  public synchronized Job start(String trigger) {
    if (running != null) {
      throw UptimeMeshException.conflict(
          "snapshot " + running + " is still running on this core node; try again when it is done");
    }
    Instant now = clock.instant();
    String id = SnapshotId.next(now);
    Job job = new Job(id, State.RUNNING, trigger, now, null, null, null);
    remember(job);
    running = id;
    Promise<Job> promise = Promise.promise();
    done.put(id, promise);
    log.info("snapshot {} started ({})", id, trigger);
    take(id, now).onComplete(ar -> finish(job, ar.result(), ar.cause()));
    return job;
  }

  /** A job this node ran recently, if it still remembers it. */
  public synchronized Optional<Job> job(String id) {
    return Optional.ofNullable(jobs.get(id));
  }

  /** Recent jobs, newest first. */
  public synchronized List<Job> recent() {
    List<Job> out = new ArrayList<>(jobs.values());
    java.util.Collections.reverse(out);
    return out;
  }

  /**
   * Completes with the job once it is over (succeeded or failed); never fails.
   *
   * @throws UptimeMeshException 404 for a job this node does not know
   */
  public synchronized Future<Job> completion(String id) {
    Job job = jobs.get(id);
    if (job == null) {
      throw UptimeMeshException.notFound("no snapshot job " + id + " on this core node");
    }
    Promise<Job> promise = done.get(id);
    return promise == null ? Future.succeededFuture(job) : promise.future();
  }

  /** True while a snapshot runs on this node. */
  /** When the newest complete snapshot on this node was taken, if there is one (reads files). */
  public Future<Optional<Instant>> newestSnapshotTime() {
    return vertx.executeBlocking(
        () -> files.list().stream().findFirst().map(m -> Instant.parse(m.createdAt())));
  }

  /** Now, by this node's clock. */
  public Instant now() {
    return clock.instant();
  }

  public synchronized boolean busy() {
    return running != null;
  }

  private Future<SnapshotMetadata> take(String id, Instant createdAt) {
    long t0 = System.nanoTime();
    Future<String> version =
        calls
            .idempotent("read etcd version", () -> maintenance.statusMember(endpoint))
            .map(s -> s.getVersion())
            .otherwise("unknown");
    Future<Long> revisionBefore = store.revision();
    return Future.all(version, revisionBefore)
        .compose(v -> blocking(() -> files.createPartial(id)))
        .compose(
            partial ->
                stream(partial)
                    .compose(
                        bytes ->
                            blocking(
                                () ->
                                    publish(
                                        id,
                                        partial,
                                        createdAt,
                                        version.result(),
                                        revisionBefore.result(),
                                        t0)))
                    .onFailure(t -> blocking(() -> discard(partial))));
  }

  private Future<Long> stream(Path partial) {
    SnapshotPipe pipe = new SnapshotPipe(STALL);
    Future<Long> written = blocking(() -> pipe.drainTo(partial));
    // A client of its own: jetcd hands the stream's chunks to the pipe on the client's event
    // loop, which waits while the disk is slower than the network. On the shared client that wait
    // would hold up lease keep-alives, watches and health probes for the whole snapshot.
    io.etcd.jetcd.Client own;
    CompletableFuture<Long> streamed;
    try {
      own =
          io.uptimemesh.etcd.EtcdClients.create(
              java.util.List.of(java.net.URI.create(endpoint)), calls.deadline());
      streamed = own.getMaintenanceClient().snapshot(pipe);
    } catch (RuntimeException e) {
      pipe.fail(e);
      return Future.failedFuture(e);
    }

    streamed.whenComplete(
        (n, t) -> {
          if (t != null) {
            pipe.fail(t);
            return;
          }
          try {
            pipe.finish();
          } catch (IOException e) {
            pipe.fail(e);
          }
        });
    long timer = vertx.setTimer(timeout.toMillis(), id -> pipe.fail(new IOException("timed out")));
    // Closing the client also ends a stream that stalled or timed out.
    return written.andThen(
        ar -> {
          vertx.cancelTimer(timer);
          vertx.executeBlocking(() -> closeQuietly(own));
        });
  }

  private static Void closeQuietly(io.etcd.jetcd.Client client) {
    try {
      client.close();
    } catch (RuntimeException e) {
      log.debug("closing the snapshot's etcd client: {}", e.toString());
    }
    return null;
  }

  private SnapshotMetadata publish(
      String id, Path partial, Instant createdAt, String version, long revisionBefore, long t0)
      throws IOException {
    long revision = revisionBefore;
    long keys = -1;
    try {
      Etcdctl.FileStatus status = etcdctl.status(partial);
      revision = status.revision();
      keys = status.totalKeys();
    } catch (IOException e) {
      // The snapshot itself is good; only its exact revision is unknown. A lower bound will do.
      log.warn(
          "cannot read the revision of snapshot {} ({}); recording revision {} read before it",
          id,
          e.getMessage(),
          revisionBefore);
    }
    long durationMs = (System.nanoTime() - t0) / 1_000_000;
    SnapshotMetadata meta =
        files.publish(
            id,
            partial,
            new SnapshotStore.Facts(
                createdAt.toString(), revision, keys, nodeName, version, durationMs));
    files.prune();
    return meta;
  }

  private Void discard(Path partial) {
    files.discard(partial);
    return null;
  }

  /** Calls {@code listener} with every job that ends (succeeded or failed); must not block. */
  public void onFinished(java.util.function.Consumer<Job> listener) {
    finishedListeners.add(listener);
  }

  private synchronized void finish(Job started, SnapshotMetadata meta, Throwable failure) {
    Instant now = clock.instant();
    Job job;
    if (failure == null) {
      job =
          new Job(
              started.id(),
              State.SUCCEEDED,
              started.trigger(),
              started.startedAt(),
              now,
              null,
              meta);
      log.info(
          "snapshot {} done: {} bytes at revision {} in {} ms",
          meta.id(),
          meta.size(),
          meta.revision(),
          meta.durationMs());
    } else {
      String why = failure.getMessage() == null ? failure.toString() : failure.getMessage();
      job =
          new Job(
              started.id(), State.FAILED, started.trigger(), started.startedAt(), now, why, null);
      log.error("snapshot {} failed: {}", started.id(), why);
    }
    remember(job);
    running = null;
    for (java.util.function.Consumer<Job> l : finishedListeners) {
      try {
        l.accept(job);
      } catch (RuntimeException e) {
        log.warn("snapshot listener failed: {}", e.toString());
      }
    }
    Promise<Job> promise = done.remove(started.id());
    if (promise != null) {
      promise.complete(job);
    }
  }

  private void remember(Job job) {
    jobs.put(job.id(), job);
    while (jobs.size() > KEPT_JOBS) {
      String oldest = jobs.keySet().iterator().next();
      jobs.remove(oldest);
    }
  }

  private <T> Future<T> blocking(java.util.concurrent.Callable<T> work) {
    // Unordered: a long snapshot must not queue up other blocking work of the same context.
    return vertx.executeBlocking(work, false);
  }
}
