package io.uptimemesh.web.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.uptimemesh.core.discovery.EndpointHealthRecord;
import io.uptimemesh.core.discovery.EndpointRecord;
import io.uptimemesh.core.discovery.HealthCheck;
import io.uptimemesh.core.discovery.ServiceRecord;
import io.uptimemesh.core.identity.AliveRecord;
import io.uptimemesh.core.identity.NodeRecord;
import io.uptimemesh.etcd.EtcdRuntime;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.testkit.Await;
import io.uptimemesh.testkit.EtcdClusterExtension;
import io.uptimemesh.web.ApiFixture;
import io.uptimemesh.web.StreamLatencies;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.parsetools.RecordParser;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A rough measure of whole-document discovery streams (ADR 0013's stated trade-off): {@value
 * #NODES} alive nodes each hosting one endpoint, written directly to a real etcd, {@value #NODES}
 * open {@code zone=true} streams on one HTTP server, and one endpoint's health flipping: the time
 * from the etcd write to each stream's client receiving the new document. Authentication is left
 * out; everything after the watch cache is the production code. Prints the figures; asserts only
 * that every stream gets every change within a few seconds.
 */
@Timeout(300)
class DiscoveryScaleIT {
  @RegisterExtension static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

  private static final int NODES = 300;
  private static final int ROUNDS = 10;
  private static final int WARMUP = 3;

  @Test
  void aHealthChangeReachesEveryZoneStream() throws Exception {
    Vertx vertx = Vertx.vertx();
    Vertx clients = Vertx.vertx();
    EtcdRuntime runtime = ApiFixture.connect(vertx, etcd.endpoints(), "/dscale-");
    try {
      EtcdStore store = runtime.store();
      KeyLayout keys = store.layout();
      long lease = Await.result(store.grantLease(Duration.ofSeconds(120)));
      Await.result(store.put(keys.service("web"), ServiceRecord.validated("web", "", 0, "u")));
      long[] endpointRevisions = new long[NODES];
      List<Future<?>> writes = new ArrayList<>();
      for (int i = 0; i < NODES; i++) {
        String id = node(i);
        String ip = "10.42." + (i / 250) + "." + (i % 250 + 1);
        writes.add(
            store.put(
                keys.node(id),
                new NodeRecord(
                    id, id, "worker", Map.of(), null, null, ip, "-", "-", 0, 0, false, 0)));
        writes.add(
            store.transaction().put(keys.alive(id), new AliveRecord(id, 0), lease).commit("alive"));
        int index = i;
        writes.add(
            store
                .put(
                    keys.endpoint("web-" + id),
                    EndpointRecord.validated(
                        "web-" + id,
                        "web",
                        id,
                        ip,
                        8080,
                        null,
                        "http",
                        HealthCheck.defaultTcp(),
                        0,
                        "u"))
                .onSuccess(rev -> endpointRevisions[index] = rev));
        if (writes.size() >= 300) {
          Await.result(Future.all(writes), Duration.ofSeconds(30));
          writes.clear();
        }
      }
      Await.result(Future.all(writes), Duration.ofSeconds(30));
      for (int i = 0; i < NODES; i++) {
        writes.add(health(store, i, endpointRevisions[i], true, lease));
        if (writes.size() >= 300) {
          Await.result(Future.all(writes), Duration.ofSeconds(30));
          writes.clear();
        }
      }
      Await.result(Future.all(writes), Duration.ofSeconds(30));
      await().atMost(Duration.ofSeconds(30)).until(runtime.cache()::synced);

      DiscoveryHub hub = new DiscoveryHub(store, runtime.cache(), Clock.systemUTC());
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> hub.view().zone().endpoints().size() == NODES);
      int documentBytes = hub.view().documentJson(node(0), true).length();

      HttpServer server =
          Await.result(
              vertx
                  .createHttpServer()
                  .requestHandler(
                      req -> {
                        String id = req.path().substring("/stream/".length());
                        io.uptimemesh.web.NodeDocumentStream<DiscoveryView> stream =
                            new io.uptimemesh.web.NodeDocumentStream<>(
                                vertx,
                                req.response(),
                                id,
                                DiscoveryView.EVENT,
                                DiscoveryView.ZONE,
                                hub::unregister);
                        DiscoveryView view = hub.register(stream);
                        stream.start(
                            io.uptimemesh.web.NodeDocumentStream.First.of(
                                    view, id, DiscoveryView.EVENT, DiscoveryView.ZONE, null)
                                .orElseThrow(),
                            Duration.ofSeconds(15));
                      })
                  .listen(0, "127.0.0.1"));

      AtomicLongArray arrival = new AtomicLongArray(NODES);
      long[] awaited = {Long.MAX_VALUE};
      AtomicInteger firstEvents = new AtomicInteger();
      HttpClient http =
          clients.createHttpClient(
              new HttpClientOptions()
                  .setDefaultHost("127.0.0.1")
                  .setDefaultPort(server.actualPort()),
              new PoolOptions().setHttp1MaxSize(NODES + 10));
      for (int i = 0; i < NODES; i++) {
        int index = i;
        boolean[] first = {true};
        http.request(HttpMethod.GET, "/stream/" + node(i))
            .compose(r -> r.send())
            .onSuccess(
                resp ->
                    resp.handler(
                        RecordParser.newDelimited(
                            "\n",
                            line -> {
                              String l = line.toString();
                              if (!l.startsWith("id: ")) {
                                return;
                              }
                              if (first[0]) {
                                first[0] = false;
                                firstEvents.incrementAndGet();
                              }
                              long rev = Long.parseLong(l.substring(4));
                              if (rev >= awaited[0] && arrival.get(index) == 0) {
                                arrival.set(index, System.nanoTime());
                              }
                            })));
      }
      long connectStart = System.nanoTime();
      await().atMost(Duration.ofSeconds(120)).until(() -> firstEvents.get() == NODES);
      System.out.printf(
          "%d zone streams opened (documents of %d bytes) in %d ms%n",
          NODES, documentBytes, (System.nanoTime() - connectStart) / 1_000_000);

      StreamLatencies measured = new StreamLatencies();
      for (int round = -WARMUP; round < ROUNDS; round++) {
        for (int i = 0; i < NODES; i++) {
          arrival.set(i, 0);
        }
        // One endpoint goes down and up again: every round changes the zone.
        int flipped = NODES / 2;
        boolean healthy = (round + WARMUP) % 2 == 1;
        // Set before the write: its event may reach a client before the write's answer does.
        awaited[0] = Await.result(store.revision()) + 1;
        long start = System.nanoTime();
        Await.result(health(store, flipped, endpointRevisions[flipped], healthy, lease));
        StreamLatencies.awaitAll(arrival, Duration.ofSeconds(20));
        if (round < 0) {
          continue;
        }
        measured.add(arrival, start);
        Thread.sleep(100);
      }
      System.out.printf(
          "discovery: health write -> %d zone streams, %d rounds: %s%n",
          NODES, ROUNDS, measured.describe());
      assertThat(measured.lastMax()).isLessThan(5_000_000L);
      http.close();
      hub.closeStreams();
      Await.result(server.close());
    } finally {
      Await.result(runtime.stop());
      Await.result(clients.close());
      Await.result(vertx.close());
    }
  }

  private static String node(int i) {
    return String.format("node-%04d", i);
  }

  /** Writes endpoint {@code i}'s verdict on the lease; yields the revision. */
  private static Future<Long> health(
      EtcdStore store, int i, long endpointRevision, boolean healthy, long lease) {
    String id = "web-" + node(i);
    return store
        .transaction()
        .put(
            store.layout().endpointHealth(id),
            new EndpointHealthRecord(
                EndpointHealthRecord.SCHEMA, id, node(i), endpointRevision, healthy, "", 0, 0),
            lease)
        .commit("health of " + id)
        .map(Optional::orElseThrow);
  }
}
