package io.uptimemesh.web.discovery;

import io.uptimemesh.core.discovery.DnsNames;
import io.uptimemesh.core.discovery.HealthCheck;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.web.Bodies;
import io.uptimemesh.web.Responses;
import io.uptimemesh.web.idempotency.IdempotencyHandler;
import io.uptimemesh.web.identity.AuthHandler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The operator routes of services and endpoints (login required). Writes go through {@link
 * ServiceCatalog} and {@link EndpointCatalog}; reads come from the hub's view of the watch cache,
 * with each endpoint's state under the one health rule.
 */
final class CatalogRoutes {
  private final AuthHandler loggedIn;
  private final DiscoveryHub hub;
  private final ServiceCatalog services;
  private final EndpointCatalog endpoints;

  CatalogRoutes(
      AuthHandler loggedIn, DiscoveryHub hub, ServiceCatalog services, EndpointCatalog endpoints) {
    this.loggedIn = loggedIn;
    this.hub = hub;
    this.services = services;
    this.endpoints = endpoints;
  }

  void addRoutes(Router router) {
    router.post("/api/v1/services").handler(loggedIn).handler(this::createService);
    router.get("/api/v1/services").handler(loggedIn).handler(this::listServices);
    router.get("/api/v1/services/:name").handler(loggedIn).handler(this::showService);
    router.delete("/api/v1/services/:name").handler(loggedIn).handler(this::deleteService);
    router.post("/api/v1/endpoints").handler(loggedIn).handler(this::createEndpoint);
    router.get("/api/v1/endpoints").handler(loggedIn).handler(this::listEndpoints);
    router.get("/api/v1/endpoints/:id").handler(loggedIn).handler(this::showEndpoint);
    router.delete("/api/v1/endpoints/:id").handler(loggedIn).handler(this::deleteEndpoint);
  }

  private void createService(RoutingContext ctx) {
    JsonObject body = Bodies.json(ctx);
    String name = Bodies.requiredString(body, "name");
    String description = Bodies.optionalString(body, "description");
    var workload = io.uptimemesh.web.workload.WorkloadRoutes.workload(body, false);
    services
        .create(name, description, workload, AuthHandler.user(ctx), IdempotencyHandler.claim(ctx))
        .onSuccess(
            c -> {
              ctx.response().putHeader("ETag", "\"" + c.revision() + "\"");
              Responses.json(
                  ctx,
                  201,
                  DiscoveryJson.service(
                      c.record(),
                      c.revision(),
                      c.revision(),
                      hub.view().endpointsOf(c.record().name())));
            })
        .onFailure(ctx::fail);
  }

  private void listServices(RoutingContext ctx) {
    DiscoveryView view = hub.view();
    JsonArray out = new JsonArray();
    view.services()
        .values()
        .forEach(
            s ->
                out.add(
                    DiscoveryJson.service(
                        s.record(),
                        s.createRevision(),
                        s.modRevision(),
                        view.endpointsOf(s.record().name()))));
    Responses.json(
        ctx, 200, new JsonObject().put("services", out).put("revision", view.revision()));
  }

  private void showService(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    DiscoveryView view = hub.view();
    DiscoveryView.ServiceEntry s = view.services().get(name);
    if (s == null) {
      throw UptimeMeshException.notFound("service " + name + " does not exist");
    }
    List<DiscoveryView.EndpointEntry> own = view.endpointsOf(name);
    ctx.response().putHeader("ETag", "\"" + s.modRevision() + "\"");
    Responses.json(
        ctx,
        200,
        // Here "endpoints" is the list itself; the listing's count moves to "endpoint_count".
        DiscoveryJson.service(s.record(), s.createRevision(), s.modRevision(), own)
            .put("endpoint_count", own.size())
            .put("endpoints", DiscoveryJson.endpoints(own)));
  }

  private void deleteService(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    if (!DnsNames.isLabel(name)) {
      throw UptimeMeshException.notFound("service " + name + " does not exist");
    }
    boolean cascade = flag(ctx, "cascade");
    services
        .delete(name, cascade, AuthHandler.user(ctx), IdempotencyHandler.claim(ctx))
        .onSuccess(
            d ->
                Responses.json(
                    ctx,
                    200,
                    new JsonObject()
                        .put("name", d.name())
                        .put("deleted", true)
                        .put("endpoints_deleted", d.endpoints())
                        .put("revision", d.revision())))
        .onFailure(ctx::fail);
  }

  private void createEndpoint(RoutingContext ctx) {
    JsonObject body = Bodies.json(ctx);
    EndpointCatalog.Request request =
        new EndpointCatalog.Request(
            Bodies.optionalString(body, "id"),
            Bodies.requiredString(body, "service"),
            Bodies.requiredString(body, "node_id"),
            Bodies.optionalString(body, "address"),
            port(body),
            Bodies.optionalString(body, "protocol"),
            Bodies.optionalString(body, "port_name"),
            check(body));
    endpoints
        .create(request, AuthHandler.user(ctx), IdempotencyHandler.claim(ctx))
        .onSuccess(
            c -> {
              DiscoveryView.EndpointEntry now = hub.view().endpoints().get(c.record().id());
              JsonObject out =
                  now != null && now.createRevision() == c.revision()
                      ? DiscoveryJson.endpoint(now)
                      : DiscoveryJson.of(c.record()).put("revision", c.revision());
              Responses.json(ctx, 201, out);
            })
        .onFailure(ctx::fail);
  }

  private void listEndpoints(RoutingContext ctx) {
    String service = ctx.request().getParam("service");
    String node = ctx.request().getParam("node");
    DiscoveryView view = hub.view();
    List<DiscoveryView.EndpointEntry> selected =
        view.endpoints().values().stream()
            .filter(e -> service == null || e.record().service().equals(service))
            .filter(e -> node == null || e.record().nodeId().equals(node))
            .toList();
    Responses.json(
        ctx,
        200,
        new JsonObject()
            .put("endpoints", DiscoveryJson.endpoints(selected))
            .put("revision", view.revision()));
  }

  private void showEndpoint(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    DiscoveryView.EndpointEntry e = hub.view().endpoints().get(id);
    if (e == null) {
      throw UptimeMeshException.notFound("endpoint " + id + " does not exist");
    }
    Responses.json(ctx, 200, DiscoveryJson.endpoint(e));
  }

  private void deleteEndpoint(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    endpoints
        .delete(id, AuthHandler.user(ctx), IdempotencyHandler.claim(ctx))
        .onSuccess(
            rev ->
                Responses.json(
                    ctx,
                    200,
                    new JsonObject().put("id", id).put("deleted", true).put("revision", rev)))
        .onFailure(ctx::fail);
  }

  private static Integer port(JsonObject body) {
    Object value = body.getValue("port");
    if (value == null) {
      throw UptimeMeshException.invalid("field 'port' is required");
    }
    if (!(value instanceof Integer i)) {
      throw UptimeMeshException.invalid("port must be between 1 and 65535");
    }
    return i;
  }

  /** The {@code check} object, validated; null when absent (the catalog picks the default). */
  private static HealthCheck check(JsonObject body) {
    Object value = body.getValue("check");
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject c)) {
      throw UptimeMeshException.invalid("check must be an object");
    }
    return HealthCheck.validated(
        text(c, "check.type", "type"),
        text(c, "check.path", "path"),
        number(c, "check.interval_ms", "interval_ms"),
        number(c, "check.timeout_ms", "timeout_ms"),
        integer(c, "check.failure_threshold", "failure_threshold"),
        integer(c, "check.success_threshold", "success_threshold"));
  }

  private static String text(JsonObject c, String name, String field) {
    Object v = c.getValue(field);
    if (v != null && !(v instanceof String)) {
      throw UptimeMeshException.invalid(name + " must be a string");
    }
    return (String) v;
  }

  private static Long number(JsonObject c, String name, String field) {
    Object v = c.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Integer) && !(v instanceof Long)) {
      throw UptimeMeshException.invalid(name + " must be a whole number");
    }
    return ((Number) v).longValue();
  }

  private static Integer integer(JsonObject c, String name, String field) {
    Long v = number(c, name, field);
    if (v != null && (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE)) {
      throw UptimeMeshException.invalid(name + " is out of range");
    }
    return v == null ? null : v.intValue();
  }

  static boolean flag(RoutingContext ctx, String name) {
    String v = ctx.request().getParam(name);
    if (v == null || v.isEmpty() || v.equalsIgnoreCase("false")) {
      return false;
    }
    if (v.equalsIgnoreCase("true")) {
      return true;
    }
    throw UptimeMeshException.invalid(name + " must be true or false");
  }
}
