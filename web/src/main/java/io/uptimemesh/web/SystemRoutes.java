package io.uptimemesh.web;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.uptimemesh.core.Version;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.Optional;

/**
 * {@code GET /version} from version.json, and {@code GET /metrics} in Prometheus text format when
 * metrics are enabled. Neither needs a login: Prometheus must be able to scrape.
 */
public final class SystemRoutes {
  private final Version version;
  private final Optional<PrometheusMeterRegistry> metrics;

  public SystemRoutes(Version version, Optional<PrometheusMeterRegistry> metrics) {
    this.version = version;
    this.metrics = metrics;
  }

  public void addRoutes(Router router) {
    JsonObject body =
        new JsonObject()
            .put("app", version.app())
            .put("channel", version.channel())
            .put("api", version.api());
    router.get("/version").handler(ctx -> Responses.json(ctx, 200, body));
    metrics.ifPresent(
        registry -> router.get("/metrics").handler(PrometheusScrapingHandler.create(registry)));
  }
}
