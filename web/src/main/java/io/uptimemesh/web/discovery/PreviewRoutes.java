package io.uptimemesh.web.discovery;

import io.uptimemesh.core.config.DiscoverySettings;
import io.uptimemesh.core.discovery.CorefileRenderer;
import io.uptimemesh.core.discovery.DnsNames;
import io.uptimemesh.core.discovery.ZoneRenderer;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.identity.NodeStatusRecord;
import io.uptimemesh.etcd.CacheSnapshot;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.etcd.WatchCache;
import io.uptimemesh.web.Responses;
import io.uptimemesh.web.identity.AuthHandler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * What an operator sees of discovery (login required): the zone and Corefile as an agent would
 * render them with this server's {@code RUNTIME_DISCOVERY_*} settings, and the status of the
 * endpoints and of every DNS-serving agent (from the {@code discovery} part of its node status).
 */
final class PreviewRoutes {
  /** The zone file the preview Corefile names unless {@code zone_path} is given. */
  static final String DEFAULT_ZONE_DIR = "/var/lib/uptimemesh/discovery/";

  /** How often CoreDNS checks the zone's serial in the preview Corefile. */
  static final int RELOAD_SECONDS = 2;

  private final Vertx vertx;
  private final AuthHandler loggedIn;
  private final DiscoveryHub hub;
  private final EtcdStore store;
  private final WatchCache cache;
  private final DiscoverySettings settings;

  PreviewRoutes(
      Vertx vertx,
      AuthHandler loggedIn,
      DiscoveryHub hub,
      EtcdStore store,
      WatchCache cache,
      DiscoverySettings settings) {
    this.vertx = vertx;
    this.loggedIn = loggedIn;
    this.hub = hub;
    this.store = store;
    this.cache = cache;
    this.settings = settings;
  }

  void addRoutes(Router router) {
    router.get("/api/v1/discovery/zone").handler(loggedIn).handler(this::zone);
    router.get("/api/v1/discovery/corefile").handler(loggedIn).handler(this::corefile);
    router.get("/api/v1/discovery/status").handler(loggedIn).handler(this::status);
  }

  private void zone(RoutingContext ctx) {
    DiscoveryView view = hub.view();
    text(
        ctx,
        () -> {
          try {
            return ZoneRenderer.render(
                settings.domain(),
                settings.ttlSeconds(),
                view.serial(),
                view.zone().nodes(),
                view.zone().endpoints(),
                settings.nameservers());
          } catch (UptimeMeshException e) {
            // Not the caller's mistake: no alive node and no RUNTIME_DISCOVERY_NAMESERVERS.
            throw UptimeMeshException.conflict("no zone to show: " + e.getMessage());
          }
        });
  }

  private void corefile(RoutingContext ctx) {
    String nodeId = ctx.request().getParam("node");
    String listen = "0.0.0.0";
    if (nodeId != null) {
      DiscoveryView.NodeEntry node =
          hub.view()
              .node(nodeId)
              .orElseThrow(
                  () -> UptimeMeshException.notFound("node " + nodeId + " does not exist"));
      if (node.meshIp() != null && DnsNames.parseAddress(node.meshIp()).isPresent()) {
        listen = node.meshIp();
      }
    }
    String zonePath = ctx.request().getParam("zone_path");
    String path = zonePath == null ? DEFAULT_ZONE_DIR + settings.domain() + ".zone" : zonePath;
    String bind = listen;
    text(
        ctx,
        () ->
            CorefileRenderer.render(
                bind,
                settings.port(),
                settings.domain(),
                path,
                RELOAD_SECONDS,
                settings.upstreams(),
                settings.ttlSeconds()));
  }

  private void status(RoutingContext ctx) {
    DiscoveryView view = hub.view();
    CacheSnapshot snapshot = cache.snapshot();
    vertx
        .executeBlocking(() -> statusOf(view, snapshot))
        .onSuccess(json -> Responses.json(ctx, 200, json))
        .onFailure(ctx::fail);
  }

  JsonObject statusOf(DiscoveryView view, CacheSnapshot snapshot) {
    JsonArray services = new JsonArray();
    view.services()
        .keySet()
        .forEach(
            name -> {
              var own = view.endpointsOf(name);
              services.add(
                  new JsonObject()
                      .put("name", name)
                      .put("endpoints", own.size())
                      .put("healthy", own.stream().filter(e -> e.state().published()).count()));
            });
    JsonArray endpoints = new JsonArray();
    view.endpoints()
        .values()
        .forEach(
            e ->
                endpoints.add(
                    new JsonObject()
                        .put("id", e.id())
                        .put("service", e.record().service())
                        .put("node_id", e.record().nodeId())
                        .put("address", e.record().address())
                        .put("port", e.record().port())
                        .put("protocol", e.record().protocol())
                        .put("state", e.state().health().text())
                        .put("reason", e.state().reason())));
    JsonArray servers = new JsonArray();
    KeyLayout keys = store.layout();
    for (CacheSnapshot.Entry entry : snapshot.withPrefix(keys.nodeStatusPrefix()).values()) {
      Map<String, Object> status;
      try {
        status = store.decode(entry, NodeStatusRecord.class).value().status();
      } catch (RuntimeException unreadable) {
        continue;
      }
      if (status != null && status.get("discovery") instanceof Map<?, ?> d) {
        JsonObject server = new JsonObject().put("node_id", KeyLayout.lastSegment(entry.key()));
        d.forEach((k, v) -> server.put(String.valueOf(k), v));
        servers.add(server);
      }
    }
    return new JsonObject()
        .put("domain", settings.domain())
        .put("ttl_seconds", settings.ttlSeconds())
        .put("serial", view.serial())
        .put("revision", view.revision())
        .put("nodes_published", view.zone().nodes().size())
        .put("services", services)
        .put("endpoints", endpoints)
        .put("servers", servers);
  }

  private void text(RoutingContext ctx, Callable<String> render) {
    vertx
        .executeBlocking(render)
        .onSuccess(
            body ->
                ctx.response()
                    .setStatusCode(200)
                    .putHeader("Content-Type", "text/plain; charset=utf-8")
                    .putHeader("Cache-Control", "no-store")
                    .end(body))
        .onFailure(ctx::fail);
  }
}
