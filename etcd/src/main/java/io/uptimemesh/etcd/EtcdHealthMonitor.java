package io.uptimemesh.etcd;

import io.etcd.jetcd.KV;
import io.etcd.jetcd.options.GetOption;
import io.uptimemesh.core.config.EtcdHealthConfig;
import io.uptimemesh.core.etcd.EtcdHealthGrader;
import io.uptimemesh.core.etcd.EtcdHealthState;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes etcd on a fixed interval and grades it ok / degraded / stale / down.
 *
 * <p>A round is a linearizable read through quorum (does the cluster answer, and how fast) plus
 * each endpoint's {@code /health} (is every member well). Rounds never overlap: the next one is
 * scheduled when the previous finished, and every call in it has a deadline. State changes are
 * logged, published on the event bus at {@link #ADDRESS}, and passed to listeners.
 */
public final class EtcdHealthMonitor {
  /** Event bus address of state changes; the body is {@link #toJson(EtcdHealth)}. */
  public static final String ADDRESS = "uptimemesh.etcd.health";

  private static final Logger log = LoggerFactory.getLogger(EtcdHealthMonitor.class);

  private final Vertx vertx;
  private final KV kv;
  private final KeyLayout layout;
  private final List<URI> endpoints;
  private final EtcdHealthConfig config;
  private final EtcdHealthGrader grader;
  private final Duration probeDeadline;
  private final Clock clock;
  private final HttpClient http;
  private final List<Consumer<EtcdHealth>> listeners = new CopyOnWriteArrayList<>();

  private volatile EtcdHealth current;
  private volatile boolean stopped;

  /** The one context every round, timer and state change runs on. */
  private Context context;

  private long timer = -1;
  private boolean inFlight;
  private boolean rerun;

  public EtcdHealthMonitor(
      Vertx vertx,
      KV kv,
      KeyLayout layout,
      List<URI> endpoints,
      EtcdHealthConfig config,
      Duration requestDeadline,
      Clock clock) {
    this.vertx = vertx;
    this.kv = kv;
    this.layout = layout;
    this.endpoints = List.copyOf(endpoints);
    this.config = config;
    this.grader =
        new EtcdHealthGrader(config.degradedLatency(), config.staleAfter(), config.downAfter());
    // A probe must finish before the next is due, or one hung member would stall grading.
    this.probeDeadline =
        requestDeadline.compareTo(config.probeInterval()) < 0
            ? requestDeadline
            : config.probeInterval();
    this.clock = clock;
    this.http =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setName("etcd-health-probe")
                .setConnectTimeout((int) probeDeadline.toMillis())
                .setIdleTimeout(30)
                .setKeepAlive(true));
    this.current =
        EtcdHealth.initial(endpoints.stream().map(URI::toString).toList(), clock.instant());
  }

  /** Starts probing now and then every probe interval until {@link #stop()}. */
  public void start() {
    context = vertx.getOrCreateContext();
    context.runOnContext(v -> round());
  }

  /**
   * Runs a round now instead of at the next interval (say, when the managed etcd just became
   * healthy); if one is running, another follows it at once.
   */
  public void probeNow() {
    if (context == null) {
      return;
    }
    context.runOnContext(
        v -> {
          if (stopped) {
            return;
          }
          if (inFlight) {
            rerun = true;
            return;
          }
          if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
          }
          round();
        });
  }

  /** Stops probing; yields once no further round will start. */
  public Future<Void> stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return http.close();
  }

  public EtcdHealth current() {
    return current;
  }

  /**
   * The grade as of now: the latest round's facts graded against the clock. While a probe hangs
   * (etcd lost quorum: the probe waits for its deadline), the time since the last good probe keeps
   * growing; grading it now lets the write guard refuse writes {@code stale_after_ms} after the
   * last good answer, not only once the hanging round ends. Cheap: no I/O.
   */
  public EtcdHealthState stateNow() {
    EtcdHealth h = current;
    if (h.lastGoodProbe() == null) {
      return h.state();
    }
    EtcdHealthState now =
        grader.grade(
            new EtcdHealthGrader.Observation(
                h.lastGoodProbe(),
                h.lastLatency(),
                !h.reachable(),
                (int) h.healthyEndpoints(),
                h.endpoints().size()),
            clock.instant());
    // Only ever worse than the round's own grade: a good grade needs a good round.
    return now.ordinal() > h.state().ordinal() ? now : h.state();
  }

  /** Calls {@code listener} with every new result (each round), on the monitor's context. */
  public void onResult(Consumer<EtcdHealth> listener) {
    listeners.add(listener);
  }

  private void round() {
    if (stopped) {
      return;
    }
    inFlight = true;
    Instant started = clock.instant();
    Future<Long> quorum = quorumProbe();
    List<Future<EtcdHealth.EndpointHealth>> members = new ArrayList<>();
    for (URI endpoint : endpoints) {
      members.add(endpointProbe(endpoint));
    }
    Future.join(quorum, Future.join(members))
        .onComplete(
            ignored -> {
              Instant finished = clock.instant();
              List<EtcdHealth.EndpointHealth> results =
                  members.stream().map(Future::result).toList();
              record(quorum, Duration.between(started, finished), results, finished);
              inFlight = false;
              if (stopped) {
                return;
              }
              if (rerun) {
                rerun = false;
                round();
              } else {
                timer = vertx.setTimer(config.probeInterval().toMillis(), id -> round());
              }
            });
  }

  private void record(
      Future<Long> quorum, Duration latency, List<EtcdHealth.EndpointHealth> members, Instant now) {
    EtcdHealth before = current;
    boolean reachable = quorum.succeeded();
    Instant lastGood = reachable ? now : before.lastGoodProbe();
    Duration lastLatency = reachable ? latency : before.lastLatency();
    int healthy = (int) members.stream().filter(EtcdHealth.EndpointHealth::healthy).count();
    EtcdHealthState state =
        grader.grade(
            new EtcdHealthGrader.Observation(
                lastGood, lastLatency, !reachable, healthy, members.size()),
            now);
    String error = reachable ? null : quorum.cause().getMessage();
    EtcdHealth after =
        new EtcdHealth(
            state,
            reachable,
            reachable ? quorum.result() : before.revision(),
            members,
            lastLatency,
            lastGood,
            state == before.state() ? before.stateSince() : now,
            error);
    current = after;
    if (state != before.state()) {
      logTransition(before, after);
      vertx.eventBus().publish(ADDRESS, toJson(after));
    }
    for (Consumer<EtcdHealth> l : listeners) {
      try {
        l.accept(after);
      } catch (RuntimeException e) {
        log.error("etcd health listener failed", e);
      }
    }
  }

  private void logTransition(EtcdHealth before, EtcdHealth after) {
    String msg = "etcd health {} -> {} (reachable={}, healthy endpoints {}/{}{})";
    Object[] args = {
      before.state().wireName(),
      after.state().wireName(),
      after.reachable(),
      after.healthyEndpoints(),
      after.endpoints().size(),
      after.lastError() == null ? "" : ", last error: " + after.lastError()
    };
    if (after.state() == EtcdHealthState.OK) {
      log.info(msg, args);
    } else {
      log.warn(msg, args);
    }
  }

  private Future<Long> quorumProbe() {
    GetOption countOnly = GetOption.builder().withCountOnly(true).build();
    // Linearizable (the default): answered only through the leader with quorum.
    return Future.fromCompletionStage(
            kv.get(EtcdStore.bytes(layout.healthProbe()), countOnly)
                .orTimeout(probeDeadline.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS),
            vertx.getOrCreateContext())
        .map(r -> r.getHeader().getRevision())
        .recover(t -> Future.failedFuture(EtcdErrors.toApiError("health probe", t)));
  }

  private Future<EtcdHealth.EndpointHealth> endpointProbe(URI endpoint) {
    String name = endpoint.toString();
    RequestOptions request =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setAbsoluteURI(endpoint.resolve("/health").toString())
            .setTimeout(probeDeadline.toMillis());
    return http.request(request)
        .compose(req -> req.send())
        .compose(
            resp -> resp.body().map(body -> healthOf(name, resp.statusCode(), body.toString())))
        .recover(
            t -> Future.succeededFuture(new EtcdHealth.EndpointHealth(name, false, message(t))));
  }

  private static EtcdHealth.EndpointHealth healthOf(String endpoint, int status, String body) {
    try {
      boolean healthy = status == 200 && "true".equals(new JsonObject(body).getString("health"));
      return new EtcdHealth.EndpointHealth(
          endpoint, healthy, healthy ? null : "/health answered " + status + ": " + body.strip());
    } catch (RuntimeException e) {
      return new EtcdHealth.EndpointHealth(endpoint, false, "/health answered non-JSON " + status);
    }
  }

  private static String message(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /** The JSON form published on the event bus and served by the API. */
  public static JsonObject toJson(EtcdHealth h) {
    JsonObject json =
        new JsonObject()
            .put("status", h.state().wireName())
            .put("reachable", h.reachable())
            .put("revision", h.revision())
            .put("last_latency_ms", h.lastLatency().toMillis())
            .put("state_since", h.stateSince().toString())
            .put("healthy_endpoints", h.healthyEndpoints());
    if (h.lastGoodProbe() != null) {
      json.put("last_good_probe", h.lastGoodProbe().toString());
    }
    if (h.lastError() != null) {
      json.put("last_error", h.lastError());
    }
    return json;
  }
}
