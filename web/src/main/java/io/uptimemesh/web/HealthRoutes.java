package io.uptimemesh.web;

import io.uptimemesh.etcd.EtcdHealthMonitor;
import io.uptimemesh.etcd.EtcdRuntime;
import io.uptimemesh.etcd.EtcdStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * {@code GET /health/live}: the process is up. {@code GET /health/ready}: 200 only when etcd
 * answers through quorum and the watch cache is synced, else 503; the body always says why.
 */
public final class HealthRoutes {
  private final EtcdRuntime etcd;

  public HealthRoutes(EtcdRuntime etcd) {
    this.etcd = etcd;
  }

  public void addRoutes(Router router) {
    router
        .get("/health/live")
        .handler(ctx -> Responses.json(ctx, 200, new JsonObject().put("status", "live")));
    router.get("/health/ready").handler(this::ready);
  }

  private void ready(RoutingContext ctx) {
    EtcdStatus status = etcd.status();
    JsonObject body =
        new JsonObject()
            .put("status", status.ready() ? "ready" : "not_ready")
            .put("etcd", etcdJson(status))
            .put(
                "watch_cache",
                new JsonObject()
                    .put("synced", status.cacheSynced())
                    .put("revision", status.cacheRevision())
                    .put("keys", status.cacheKeys()));
    Responses.json(ctx, status.ready() ? 200 : 503, body);
  }

  static JsonObject etcdJson(EtcdStatus status) {
    JsonObject etcd = EtcdHealthMonitor.toJson(status.health());
    JsonArray endpoints = new JsonArray();
    status
        .health()
        .endpoints()
        .forEach(
            e -> {
              JsonObject ep = new JsonObject().put("url", e.endpoint()).put("healthy", e.healthy());
              if (e.error() != null) {
                ep.put("error", e.error());
              }
              endpoints.add(ep);
            });
    etcd.put("endpoints", endpoints);
    etcd.put("managed", status.managed());
    if (status.managed()) {
      etcd.put("managed_state", status.managedState().name().toLowerCase(Locale.ROOT));
      etcd.put("restarts", status.managedRestarts());
      etcd.put("pid", status.managedPid().isPresent() ? status.managedPid().getAsLong() : null);
    }
    return etcd;
  }
}
