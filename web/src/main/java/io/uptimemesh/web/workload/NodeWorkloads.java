package io.uptimemesh.web.workload;

import io.uptimemesh.web.NodeDocumentHub;
import io.vertx.ext.web.Router;

/**
 * The node-signed workload routes with the hub that feeds their streams; built by {@link
 * WorkloadModule#nodeRoutes}, mounted beside the discovery routes.
 */
public final class NodeWorkloads {
  private final NodeDocumentHub<WorkloadsView> hub;
  private final NodeWorkloadRoutes routes;

  NodeWorkloads(NodeDocumentHub<WorkloadsView> hub, NodeWorkloadRoutes routes) {
    this.hub = hub;
    this.routes = routes;
  }

  public void addRoutes(Router router) {
    routes.addRoutes(router);
  }

  /** How many workloads streams are open on this server. */
  public int openStreams() {
    return hub.openStreams();
  }

  /** Ends every open workloads stream (server shutdown); the agents reconnect elsewhere. */
  public void closeStreams() {
    hub.closeStreams();
  }
}
