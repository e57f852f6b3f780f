package io.uptimemesh.web.discovery;

import io.vertx.ext.web.Router;

/**
 * Every discovery route: services and endpoints (operators), health reports and discovery documents
 * (nodes), zone, Corefile and status previews (operators), and the workload routes of ADR 0014
 * (services' specs and generations, node scheduling, replicas), which build on services. Built by
 * {@link DiscoveryModule}.
 */
public final class DiscoveryRoutes {
  private final DiscoveryHub hub;
  private final CatalogRoutes catalog;
  private final NodeDiscoveryRoutes nodes;
  private final PreviewRoutes previews;
  private final io.uptimemesh.web.workload.WorkloadRoutes workloads;
  private final io.uptimemesh.web.workload.NodeWorkloads nodeWorkloads;

  DiscoveryRoutes(
      DiscoveryHub hub,
      CatalogRoutes catalog,
      NodeDiscoveryRoutes nodes,
      PreviewRoutes previews,
      io.uptimemesh.web.workload.WorkloadRoutes workloads,
      io.uptimemesh.web.workload.NodeWorkloads nodeWorkloads) {
    this.hub = hub;
    this.catalog = catalog;
    this.nodes = nodes;
    this.previews = previews;
    this.workloads = workloads;
    this.nodeWorkloads = nodeWorkloads;
  }

  /** The node-signed workload routes (ADR 0014): their streams are closed on shutdown. */
  public io.uptimemesh.web.workload.NodeWorkloads nodeWorkloads() {
    return nodeWorkloads;
  }

  public DiscoveryHub hub() {
    return hub;
  }

  public void addRoutes(Router router) {
    catalog.addRoutes(router);
    nodes.addRoutes(router);
    previews.addRoutes(router);
    workloads.addRoutes(router);
    nodeWorkloads.addRoutes(router);
  }
}
