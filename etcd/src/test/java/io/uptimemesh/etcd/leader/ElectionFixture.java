package io.uptimemesh.etcd.leader;

import io.etcd.jetcd.Client;
import io.uptimemesh.core.config.EtcdClientConfig;
import io.uptimemesh.etcd.EtcdCallPolicy;
import io.uptimemesh.etcd.EtcdClients;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.testkit.Await;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Core nodes for election tests: each has its own jetcd client (so one can "crash" by closing it)
 * and its own store, over one key prefix per test.
 */
final class ElectionFixture implements AutoCloseable {
  static final Duration DEADLINE = Duration.ofMillis(800);
  static final Duration TTL = Duration.ofSeconds(2);

  /** One simulated core node. */
  record Node(String name, Client client, EtcdStore store, LeaderElection election) {}

  final Vertx vertx = Vertx.vertx();
  final KeyLayout layout = new KeyLayout("/it-" + UUID.randomUUID().toString().substring(0, 8));
  private final List<URI> endpoints;
  private final List<Node> nodes = new ArrayList<>();

  ElectionFixture(List<URI> endpoints) {
    this.endpoints = endpoints;
  }

  EtcdStore store(Client client) {
    EtcdCallPolicy policy =
        new EtcdCallPolicy(vertx, new EtcdClientConfig(DEADLINE, 2, Duration.ofMillis(50)));
    return new EtcdStore(client.getKVClient(), client.getLeaseClient(), layout, policy);
  }

  Client client() {
    return EtcdClients.create(endpoints, DEADLINE);
  }

  /** A node with an election that is not started yet. */
  Node node(String name) {
    Client client = client();
    EtcdStore store = store(client);
    LeaderElection election =
        new LeaderElection(
            vertx,
            client,
            store,
            TTL,
            new LeaderCandidate(name, "http://" + name + ":8010", System.currentTimeMillis()),
            Clock.systemUTC());
    Node node = new Node(name, client, store, election);
    nodes.add(node);
    return node;
  }

  List<Node> leaders() {
    return nodes.stream().filter(n -> n.election().isLeader()).toList();
  }

  @Override
  public void close() {
    for (Node n : nodes) {
      Await.result(n.election().stop(), Duration.ofSeconds(10));
      try {
        n.client().close();
      } catch (RuntimeException e) {
        // closed already by a test that "crashed" this node
      }
    }
    Await.result(vertx.close());
  }
}
