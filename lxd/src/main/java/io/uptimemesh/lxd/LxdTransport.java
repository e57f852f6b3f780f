package io.uptimemesh.lxd;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * HTTP/1.1 to the LXD daemon over its unix socket, with Vert.x's own client: on JDK 16+ the NIO
 * transport connects to unix domain sockets itself, so no native transport is needed and nothing
 * blocks an event loop. Every exchange has an idle timeout; answers are decoded into {@link
 * LxdResponse} and LXD errors become {@link UptimeMeshException}s here, in one place.
 */
final class LxdTransport {
  // Operation waits hold a connection for up to their timeout, so allow several at once.
  private static final int POOL_SIZE = 16;

  private final LxdClientOptions options;
  private final Vertx vertx;
  private final Context context;
  private final HttpClientAgent http;
  private final SocketAddress server;

  LxdTransport(Vertx vertx, LxdClientOptions options) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.options = options;
    this.server = SocketAddress.domainSocketAddress(options.socket().toString());
    this.http =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setKeepAlive(true)
                .setConnectTimeout((int) options.requestTimeout().toMillis())
                .setDefaultHost("lxd"),
            new PoolOptions().setHttp1MaxSize(POOL_SIZE));
  }

  /** The same connections for other options (another project); the socket must be the same. */
  LxdTransport(LxdTransport shared, LxdClientOptions options) {
    if (!shared.options.socket().equals(options.socket())) {
      throw new IllegalArgumentException("a shared transport serves one socket");
    }
    this.vertx = shared.vertx;
    this.context = shared.context;
    this.options = options;
    this.server = shared.server;
    this.http = shared.http;
  }

  LxdClientOptions options() {
    return options;
  }

  /** One request with a JSON body (or none), answered with LXD's envelope. */
  Future<LxdResponse> call(
      LxdAction action, HttpMethod method, String uri, JsonNode body, Duration idleTimeout) {
    return exchange(action, method, uri, body, idleTimeout)
        .compose(
            answer -> {
              LxdResponse r = LxdJson.envelope(action, answer.status, answer.body.getBytes());
              if (r.isError()) {
                return Future.failedFuture(
                    LxdErrors.fromResponse(
                        action, r.errorCode() != 0 ? r.errorCode() : r.httpStatus(), r.error()));
              }
              return Future.succeededFuture(r);
            });
  }

  Future<LxdResponse> call(LxdAction action, HttpMethod method, String uri, JsonNode body) {
    return call(action, method, uri, body, options.requestTimeout());
  }

  /** A raw GET (exec output logs are served as plain files, not in an envelope). */
  Future<Buffer> raw(LxdAction action, String uri) {
    return exchange(action, HttpMethod.GET, uri, null, options.requestTimeout())
        .compose(
            answer -> {
              if (answer.status == 200) {
                return Future.succeededFuture(answer.body);
              }
              LxdResponse r = LxdJson.envelope(action, answer.status, answer.body.getBytes());
              return Future.failedFuture(
                  LxdErrors.fromResponse(
                      action, r.errorCode() != 0 ? r.errorCode() : answer.status, r.error()));
            });
  }

  Future<Void> close() {
    return http.close();
  }

  private record Answer(int status, Buffer body) {}

  private Future<Answer> exchange(
      LxdAction action, HttpMethod method, String uri, JsonNode body, Duration idleTimeout) {
    RequestOptions request =
        new RequestOptions()
            .setServer(server)
            .setHost("lxd")
            .setMethod(method)
            .setURI(uri)
            .setIdleTimeout(idleTimeout.toMillis());
    // The exchange itself always runs on the client's context (see start), which also puts a
    // deadline of its own over it.
    Promise<Answer> promise = Promise.promise();
    Context caller = Vertx.currentContext();
    if (caller == context) {
      start(action, request, body, idleTimeout, promise);
      return promise.future();
    }
    context.runOnContext(v -> start(action, request, body, idleTimeout, promise));
    if (caller == null) {
      return promise.future();
    }
    // A verticle's continuation runs on its own context, not on the client's.
    Promise<Answer> back = Promise.promise();
    promise.future().onComplete(ar -> caller.runOnContext(v -> back.handle(ar)));
    return back.future();
  }

  /**
   * Runs on the client's one context. Pooled connections belong to the context that opened them; a
   * request made from another thread got its response on the connection's event loop while our body
   * handler was attached from the caller's context, and now and then the end of a short body was
   * missed and the call hung (seen in LxdClientIT). One context for every exchange removes the
   * race. A timer puts a deadline of our own over the whole exchange (connection, request, answer):
   * the idle timeout only covers a request that has a connection, and no call may wait forever.
   */
  private void start(
      LxdAction action,
      RequestOptions request,
      JsonNode body,
      Duration idleTimeout,
      Promise<Answer> promise) {
    AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
    AtomicReference<String> phase = new AtomicReference<>("connecting");
    long deadlineMillis = idleTimeout.plus(options.requestTimeout()).toMillis();
    long timer =
        vertx.setTimer(
            deadlineMillis,
            id -> {
              if (promise.tryFail(
                  LxdErrors.unreachable(
                      action,
                      options.socket(),
                      new TimeoutException(
                          "no answer within " + deadlineMillis + " ms (" + phase.get() + ")")))) {
                HttpClientRequest req = sent.get();
                if (req != null) {
                  req.reset(); // closes the stream so the connection is not reused half-read
                }
              }
            });
    http.request(request)
        .compose(
            req -> {
              sent.set(req);
              phase.set("sending");
              if (body == null) {
                return req.send();
              }
              req.putHeader("Content-Type", "application/json");
              return req.send(Buffer.buffer(LxdJson.bytes(body)));
            })
        .compose(
            (HttpClientResponse resp) -> {
              phase.set("reading the answer");
              return resp.body().map(buf -> new Answer(resp.statusCode(), buf));
            })
        .onComplete(
            ar -> {
              vertx.cancelTimer(timer);
              if (ar.succeeded()) {
                promise.tryComplete(ar.result());
              } else {
                Throwable err = ar.cause();
                promise.tryFail(
                    err instanceof UptimeMeshException
                        ? err
                        : LxdErrors.unreachable(action, options.socket(), err));
              }
            });
  }
}
