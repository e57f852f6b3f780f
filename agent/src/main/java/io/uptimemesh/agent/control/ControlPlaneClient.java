package io.uptimemesh.agent.control;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The agent's calls to the control plane, over the one Vert.x HTTP client. A call goes to the URL
 * in use; on a connection error, a timeout or a 5xx answer (503 included: a core node refusing
 * writes) it moves to the next URL and tries again, once around the list. Only when every URL
 * failed does the call fail; {@link ControlPlaneHealth} learns the control plane is gone if none
 * answered at all (a 5xx everywhere is "reachable, refusing", not degraded mode); the caller's loop
 * then backs off ({@link Backoff}). Call from the agent's context only.
 */
public final class ControlPlaneClient {
  /** An answer below 500. */
  public record Response(int status, MultiMap headers, Buffer body, URI url) {
    public String text() {
      return body.toString();
    }
  }

  /** Every URL failed. */
  public static final class Unreachable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Unreachable(String message) {
      super(message, null, false, false);
    }
  }

  private final HttpClient http;
  private final ApiUrls urls;
  private final ControlPlaneHealth health;
  private final NodeSigner signer;
  private final Clock clock;
  private final Duration timeout;

  public ControlPlaneClient(
      HttpClient http,
      ApiUrls urls,
      ControlPlaneHealth health,
      NodeSigner signer,
      Clock clock,
      Duration timeout) {
    this.http = http;
    this.urls = urls;
    this.health = health;
    this.signer = signer;
    this.clock = clock;
    this.timeout = timeout;
  }

  public ApiUrls urls() {
    return urls;
  }

  public ControlPlaneHealth health() {
    return health;
  }

  /** A node-signed call whose body is JSON {@code body}, or a signed bodiless one if null. */
  public Future<Response> signed(HttpMethod method, String path, byte[] body) {
    return call(method, path, body, true, h -> {});
  }

  /** A call without a node signature (cluster API list). */
  public Future<Response> plain(HttpMethod method, String path) {
    return call(method, path, null, false, h -> {});
  }

  /** As {@link #signed}, with extra headers (Idempotency-Key). */
  public Future<Response> signed(
      HttpMethod method, String path, byte[] body, Consumer<MultiMap> extraHeaders) {
    return call(method, path, body, true, extraHeaders);
  }

  /**
   * Opens a node-signed bodiless stream ({@code GET path?query}) with failover, and hands back the
   * response with status 200 unread: the caller reads it. A non-200 answer below 500 fails the
   * future with its status in {@link StreamRefused}.
   *
   * @param idleTimeout the stream is closed after this long without a byte (keep-alives count)
   */
  public Future<HttpClientResponse> openStream(String path, String query, Duration idleTimeout) {
    Promise<HttpClientResponse> result = Promise.promise();
    attemptStream(path, query, idleTimeout, 0, false, result);
    return result.future();
  }

  /** A stream answer other than 200 (and below 500). */
  public static final class StreamRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public StreamRefused(int status, String body) {
      super("HTTP " + status + ": " + body, null, false, false);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  private void attemptStream(
      String path,
      String query,
      Duration idleTimeout,
      int tried,
      boolean answered,
      Promise<HttpClientResponse> result) {
    URI base = urls.current();
    RequestOptions options =
        options(base, HttpMethod.GET, path + (query.isEmpty() ? "" : "?" + query));
    options.setIdleTimeout(idleTimeout.toMillis());
    options.setTimeout(-1);
    signer.signBodiless("GET", path, clock.millis(), options.getHeaders());
    options.addHeader("Accept", "text/event-stream");
    http.request(options)
        .compose(req -> req.send())
        .onComplete(
            ar -> {
              if (ar.succeeded() && ar.result().statusCode() < 500) {
                HttpClientResponse response = ar.result();
                health.succeeded(base);
                if (response.statusCode() == 200) {
                  result.complete(response);
                } else {
                  response
                      .body()
                      .onComplete(
                          b ->
                              result.fail(
                                  new StreamRefused(
                                      response.statusCode(),
                                      b.succeeded() ? b.result().toString() : "")));
                }
                return;
              }
              String error = describe(base, ar.succeeded() ? ar.result() : null, ar.cause());
              if (ar.succeeded()) {
                ar.result().request().reset();
              }
              urls.failed(base);
              boolean anyAnswer = answered || ar.succeeded();
              if (tried + 1 < urls.all().size()) {
                attemptStream(path, query, idleTimeout, tried + 1, anyAnswer, result);
              } else {
                giveUp(error, anyAnswer);
                result.fail(new Unreachable(error));
              }
            });
  }

  private Future<Response> call(
      HttpMethod method, String path, byte[] body, boolean sign, Consumer<MultiMap> extra) {
    Promise<Response> result = Promise.promise();
    attempt(method, path, body, sign, extra, 0, false, result);
    return result.future();
  }

  private void attempt(
      HttpMethod method,
      String path,
      byte[] body,
      boolean sign,
      Consumer<MultiMap> extra,
      int tried,
      boolean answered,
      Promise<Response> result) {
    URI base = urls.current();
    RequestOptions options = options(base, method, path);
    options.setTimeout(timeout.toMillis());
    if (sign) {
      if (body == null) {
        // The signature covers the path without its query (NodeRequests).
        int query = path.indexOf('?');
        signer.signBodiless(
            method.name(),
            query < 0 ? path : path.substring(0, query),
            clock.millis(),
            options.getHeaders());
      } else {
        signer.signBody(body, options.getHeaders());
      }
    }
    if (body != null) {
      options.addHeader("Content-Type", "application/json");
    }
    extra.accept(options.getHeaders());
    http.request(options)
        .compose(
            req ->
                (body == null ? req.send() : req.send(Buffer.buffer(body)))
                    .compose(
                        resp ->
                            resp.body()
                                .map(
                                    b -> new Response(resp.statusCode(), resp.headers(), b, base))))
        .onComplete(
            ar -> {
              if (ar.succeeded() && ar.result().status() < 500) {
                health.succeeded(base);
                result.complete(ar.result());
                return;
              }
              String error =
                  ar.succeeded()
                      ? base + " answered HTTP " + ar.result().status()
                      : base + ": " + message(ar.cause());
              urls.failed(base);
              boolean anyAnswer = answered || ar.succeeded();
              if (tried + 1 < urls.all().size()) {
                attempt(method, path, body, sign, extra, tried + 1, anyAnswer, result);
              } else {
                giveUp(error, anyAnswer);
                result.fail(new Unreachable(error));
              }
            });
  }

  /**
   * Every URL failed. If at least one core node answered (a 5xx: it refuses, e.g. its etcd is
   * catching up after a restart), the control plane is reachable though not serving: that is
   * recorded as the last error but is not degraded mode, or a core node coming back would make the
   * agent log recovery and degradation alternately while its write guard settles.
   */
  private void giveUp(String error, boolean someCoreAnswered) {
    if (someCoreAnswered) {
      health.refused(error);
    } else {
      health.allFailed(error);
    }
  }

  private RequestOptions options(URI base, HttpMethod method, String pathAndQuery) {
    URI target = URI.create(base + pathAndQuery);
    RequestOptions options =
        new RequestOptions().setMethod(method).setAbsoluteURI(target.toString());
    options.setConnectTimeout(Math.min(timeout.toMillis(), 5_000));
    options.setHeaders(MultiMap.caseInsensitiveMultiMap());
    return options;
  }

  private static String describe(URI base, HttpClientResponse response, Throwable cause) {
    return response != null
        ? base + " answered HTTP " + response.statusCode()
        : base + ": " + message(cause);
  }

  private static String message(Throwable t) {
    if (t == null) {
      return "unknown error";
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
