package io.uptimemesh.web;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.etcd.EtcdHealthState;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The write guard: the one place that refuses every mutating request while this core node's view of
 * etcd is stale or down (503, {@code Retry-After}, {@code {"error":"etcd_unavailable",
 * "etcd_status":…}}), before any route sees it. Reads go on, served from the watch cache, with
 * {@value #STALE_HEADER} telling the client the data may be behind. Installed on every route by
 * {@link ApiServer}, so a new route cannot forget it.
 *
 * <p>The one documented exemption list, {@link #EXEMPT}: writes that repair etcd itself and so must
 * work exactly when etcd is broken. Each such route does its own checks and never writes through
 * etcd while it is down.
 */
public final class WriteGuard implements Handler<RoutingContext> {
  /** Response header on reads served while etcd is stale or down. */
  public static final String STALE_HEADER = "X-UptimeMesh-Data-May-Be-Stale";

  private static final Set<HttpMethod> READS =
      Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
  private static final String RETRY_AFTER_SECONDS = "2";

  /**
   * Mutating routes let through while etcd is stale or down, as method and path pattern: restoring
   * a snapshot into this node's managed etcd (it stops etcd, swaps its data directory from a local
   * file and starts it again; nothing is written through etcd).
   */
  public static final List<Exemption> EXEMPT =
      List.of(new Exemption(HttpMethod.POST, "/api/v1/snapshots/:id/restore"));

  /** A route the guard lets through; {@code :name} in the path matches one path segment. */
  public record Exemption(HttpMethod method, String path) {
    boolean matches(HttpMethod m, String requestPath) {
      return method.equals(m)
          && Pattern.matches(path.replaceAll(":[A-Za-z_]+", "[^/]+"), requestPath);
    }
  }

  private final Supplier<EtcdHealthState> state;

  /**
   * @param state the health monitor's current grade, read on every request (cheap)
   */
  public WriteGuard(Supplier<EtcdHealthState> state) {
    this.state = state;
  }

  @Override
  public void handle(RoutingContext ctx) {
    EtcdHealthState now = state.get();
    if (now.acceptsWrites()) {
      ctx.next();
      return;
    }
    if (READS.contains(ctx.request().method())
        || isExempt(ctx.request().method(), ctx.request().path())) {
      ctx.response().putHeader(STALE_HEADER, "true; etcd " + now.wireName());
      ctx.next();
      return;
    }
    ctx.response()
        .setStatusCode(ErrorCode.ETCD_UNAVAILABLE.httpStatus())
        .putHeader("Retry-After", RETRY_AFTER_SECONDS)
        .putHeader("Content-Type", "application/json")
        .end(
            new JsonObject()
                .put("error", ErrorCode.ETCD_UNAVAILABLE.code())
                .put(
                    "message",
                    "etcd is "
                        + now.wireName()
                        + " on this core node: writes are refused until it answers again")
                .put("etcd_status", now.wireName())
                .encode());
  }

  /** True if {@code method} on {@code path} is on the {@link #EXEMPT} list. */
  public static boolean isExempt(HttpMethod method, String path) {
    return path != null && EXEMPT.stream().anyMatch(e -> e.matches(method, path));
  }
}
