package io.uptimemesh.web.discovery;

import io.vertx.ext.web.Router;

/**
 * Every discovery route: services and endpoints (operators), health reports and discovery documents
 * (nodes), zone, Corefile and status previews (operators). Built by {@link DiscoveryModule}.
 */
public final class DiscoveryRoutes {
  private final DiscoveryHub hub;
  private final CatalogRoutes catalog;
  private final NodeDiscoveryRoutes nodes;
  private final PreviewRoutes previews;

  DiscoveryRoutes(
      DiscoveryHub hub, CatalogRoutes catalog, NodeDiscoveryRoutes nodes, PreviewRoutes previews) {
    this.hub = hub;
    this.catalog = catalog;
    this.nodes = nodes;
    this.previews = previews;
  }

  public DiscoveryHub hub() {
    return hub;
  }

  public void addRoutes(Router router) {
    catalog.addRoutes(router);
    nodes.addRoutes(router);
    previews.addRoutes(router);
  }
}
