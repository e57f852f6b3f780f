package io.uptimemesh.web.ops;

import io.uptimemesh.core.identity.NodeRecord;
import io.uptimemesh.core.token.NodeRole;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.WatchCache;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks every core node the cluster knows (joined with role core, not revoked, with an API endpoint)
 * whether its server is ready: {@code GET <api_endpoint>/health/ready}, in parallel, with a short
 * timeout. Part of {@code util check}: etcd can be healthy while a core node's server is not. Uses
 * the JDK's asynchronous client, as {@code HealthWaiter} does, to keep Vert.x connection pools (and
 * their metrics) for the API's own traffic.
 */
final class CoreNodeProbe {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  /** One core node's answer; {@code error} is null when it answered. */
  record CoreNode(String nodeId, String apiEndpoint, int status, String error) {
    boolean ready() {
      return status == 200;
    }
  }

  private final Vertx vertx;
  private final EtcdStore store;
  private final WatchCache cache;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  CoreNodeProbe(Vertx vertx, EtcdStore store, WatchCache cache) {
    this.vertx = vertx;
    this.store = store;
    this.cache = cache;
  }

  /** Probes every known core node; never fails (an unreachable node is an answer). */
  Future<List<CoreNode>> probe() {
    List<Future<CoreNode>> each = new ArrayList<>();
    cache.snapshot().withPrefix(store.layout().nodesPrefix()).values().stream()
        .map(e -> store.decode(e, NodeRecord.class).value())
        .filter(n -> NodeRole.CORE.wireName().equals(n.role()) && !n.revoked())
        .filter(n -> n.apiEndpoint() != null && !n.apiEndpoint().isBlank())
        .forEach(n -> each.add(probe(n)));
    return Future.all(each).map(all -> each.stream().map(Future::result).toList());
  }

  private Future<CoreNode> probe(NodeRecord node) {
    HttpRequest request;
    try {
      request =
          HttpRequest.newBuilder(URI.create(node.apiEndpoint()).resolve("/health/ready"))
              .timeout(TIMEOUT)
              .build();
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(
          new CoreNode(node.nodeId(), node.apiEndpoint(), -1, "bad API endpoint"));
    }
    return Future.fromCompletionStage(
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding()),
            vertx.getOrCreateContext())
        .map(
            r ->
                new CoreNode(
                    node.nodeId(),
                    node.apiEndpoint(),
                    r.statusCode(),
                    r.statusCode() == 200 ? null : "not ready (HTTP " + r.statusCode() + ")"))
        .otherwise(
            t ->
                new CoreNode(
                    node.nodeId(),
                    node.apiEndpoint(),
                    -1,
                    "unreachable: " + (t.getMessage() == null ? t.toString() : t.getMessage())));
  }
}
