package io.uptimemesh.bench;

import io.uptimemesh.core.pki.Fingerprints;
import io.uptimemesh.core.pki.NodeKeys;
import io.uptimemesh.core.pki.Pem;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;

/** Simulated nodes for the benchmarks: bootstrap, admin login and joins through the real API. */
final class BenchNodes {
  /** A joined node: its id, Ed25519 key pair and certificate fingerprint. */
  record Node(String id, KeyPair key, String fingerprint) {}

  /** A bootstrapped cluster's admin session token and a join token for {@code uses} nodes. */
  record Cluster(String adminToken, String joinToken) {}

  private BenchNodes() {}

  /** Bootstraps the cluster and logs in as admin. */
  static Cluster bootstrap(WebClient http, int uses) {
    JsonObject boot = call(http.post("/api/v1/bootstrap").sendJsonObject(new JsonObject()));
    String admin =
        call(http.post("/api/v1/auth/login")
                .sendJsonObject(
                    new JsonObject()
                        .put("username", "admin")
                        .put("password", boot.getString("admin_password"))))
            .getString("token");
    String token =
        call(http.post("/api/v1/tokens")
                .bearerTokenAuthentication(admin)
                .sendJsonObject(
                    new JsonObject()
                        .put("role", "worker")
                        .put("uses", uses)
                        .put("ttl_seconds", 3600)))
            .getString("token");
    return new Cluster(admin, token);
  }

  /** Bootstraps, logs in, and joins {@code nodes} nodes, 16 at a time. */
  static List<Node> join(WebClient http, int nodes) {
    return join(http, bootstrap(http, nodes).joinToken(), nodes);
  }

  /** Joins {@code nodes} nodes with {@code token}, 16 at a time. */
  static List<Node> join(WebClient http, String token, int nodes) {
    List<Node> joined = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int start = 0; start < nodes; start += 16) {
      List<Future<Node>> batch = new ArrayList<>();
      for (int i = start; i < Math.min(nodes, start + 16); i++) {
        String id = "sim-" + i;
        KeyPair key = NodeKeys.generateEd25519();
        JsonObject body =
            new JsonObject()
                .put("token", token)
                .put("node_id", id)
                .put("name", id)
                .put("csr", NodeKeys.csrPem(key, id));
        batch.add(
            http.post("/api/v1/join")
                .sendJsonObject(body)
                .map(
                    r -> {
                      String pem =
                          r.statusCode() == 201
                              ? r.bodyAsJsonObject().getString("certificate")
                              : null;
                      if (pem == null) {
                        throw new IllegalStateException(
                            "join " + id + ": HTTP " + r.statusCode() + " " + r.bodyAsString());
                      }
                      return new Node(id, key, Fingerprints.sha256(Pem.parseCertificate(pem)));
                    }));
      }
      joined.addAll(Future.all(batch).await().list());
    }
    System.out.printf("joined %d nodes in %.1f s%n", nodes, (System.nanoTime() - t0) / 1e9);
    return joined;
  }

  /** The JSON answer of a call that must succeed. */
  static JsonObject call(Future<HttpResponse<Buffer>> f) {
    HttpResponse<Buffer> r = f.await();
    if (r.statusCode() >= 300) {
      throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.bodyAsString());
    }
    return r.bodyAsJsonObject();
  }
}
