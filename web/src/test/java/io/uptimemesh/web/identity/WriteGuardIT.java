package io.uptimemesh.web.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.uptimemesh.core.etcd.EtcdHealthState;
import io.uptimemesh.etcd.EtcdRuntime;
import io.uptimemesh.testkit.Await;
import io.uptimemesh.testkit.EtcdClusterExtension;
import io.uptimemesh.web.ApiFixture;
import io.uptimemesh.web.ApiServer;
import io.uptimemesh.web.WriteGuard;
import io.uptimemesh.web.cluster.MembershipRoutes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Walks every route the server registers and proves each mutating one is refused by the write guard
 * while etcd is down; a route added later is covered without touching this test.
 */
@Timeout(90)
class WriteGuardIT {
  @RegisterExtension final EtcdClusterExtension etcd = EtcdClusterExtension.single();

  private static final Set<HttpMethod> READS =
      Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

  @Test
  void everyMutatingRouteIsRefusedWhileEtcdIsDownAndReadsAreMarkedStale() {
    IdentityConfig identity = ApiFixture.identityConfig(Duration.ofSeconds(30));
    // Every route group the server mounts, so that the walk below covers all of them.
    ApiFixture fixture =
        ApiFixture.start(
            etcd.endpoints(),
            1 << 20,
            Optional.of(identity),
            List.of(
                ApiFixture.clusterRoutes(identity, Duration.ofHours(1), e -> {}),
                (vertx, runtime) ->
                    new MembershipRoutes(
                            runtime,
                            new AuthHandler(
                                new AuthService(
                                    vertx,
                                    runtime.store(),
                                    runtime.cache(),
                                    identity,
                                    new io.uptimemesh.core.auth.PasswordHasher(),
                                    io.uptimemesh.core.events.Events.NONE)),
                            null,
                            Optional::empty,
                            ApiFixture.clusterLock(vertx, runtime))
                        ::addRoutes));
    EtcdRuntime runtime = fixture.runtime;
    ApiServer api = fixture.api;
    WebClient http = fixture.http;
    try {
      JsonObject boot =
          Await.result(http.post("/api/v1/bootstrap").sendJsonObject(new JsonObject()))
              .bodyAsJsonObject();
      String admin =
          Await.result(
                  http.post("/api/v1/auth/login")
                      .sendJsonObject(
                          new JsonObject()
                              .put("username", "admin")
                              .put("password", boot.getString("admin_password"))))
              .bodyAsJsonObject()
              .getString("token");

      etcd.member(0).stop();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !runtime.monitor().current().state().acceptsWrites());

      List<String> guarded = new ArrayList<>();
      List<String> exempt = new ArrayList<>();
      for (Route route : api.router().getRoutes()) {
        if (route.getPath() == null) {
          continue; // the router-wide handlers (request log, guard, body)
        }
        for (HttpMethod method : route.methods()) {
          if (READS.contains(method)) {
            continue;
          }
          String path = route.getPath().replaceAll(":[A-Za-z_]+", "x");
          if (WriteGuard.isExempt(method, route.getPath())) {
            // Exempt routes pass the guard and answer for themselves, never as the guard does.
            path = route.getPath().replaceAll(":[A-Za-z_]+", "20261122T112345123Z-3fa9c1");
            HttpResponse<Buffer> r =
                Await.result(
                    http.request(method, path)
                        .bearerTokenAuthentication(admin)
                        .sendJsonObject(new JsonObject()));
            assertThat(r.getHeader("Retry-After")).as("%s %s", method, path).isNull();
            assertThat(r.statusCode()).as("%s %s", method, path).isIn(404, 409);
            exempt.add(method + " " + route.getPath());
            continue;
          }
          HttpResponse<Buffer> r =
              Await.result(
                  http.request(method, path)
                      .bearerTokenAuthentication(admin)
                      .sendJsonObject(new JsonObject()));
          assertThat(r.statusCode()).as("%s %s", method, path).isEqualTo(503);
          assertThat(r.getHeader("Retry-After")).as("%s %s", method, path).isNotBlank();
          JsonObject body = r.bodyAsJsonObject();
          assertThat(body.getString("error")).isEqualTo("etcd_unavailable");
          assertThat(body.getString("etcd_status"))
              .isIn(EtcdHealthState.STALE.wireName(), EtcdHealthState.DOWN.wireName());
          guarded.add(method + " " + route.getPath());
        }
      }
      assertThat(guarded)
          .contains(
              "POST /api/v1/bootstrap",
              "POST /api/v1/join",
              "POST /api/v1/heartbeat",
              "POST /api/v1/tokens",
              "DELETE /api/v1/tokens/:id",
              "POST /api/v1/nodes/prune",
              "POST /api/v1/etcd/members",
              "DELETE /api/v1/etcd/members/:id",
              "POST /api/v1/snapshots",
              "POST /api/v1/etcd/compact",
              "POST /api/v1/services",
              "DELETE /api/v1/services/:name",
              "POST /api/v1/endpoints",
              "DELETE /api/v1/endpoints/:id",
              "POST /api/v1/nodes/:id/endpoint-health",
              "PUT /api/v1/services/:name/workload",
              "POST /api/v1/services/:name/rollback",
              "POST /api/v1/nodes/:id/cordon",
              "POST /api/v1/nodes/:id/uncordon",
              "POST /api/v1/nodes/:id/drain")
          .hasSizeGreaterThanOrEqualTo(24);
      // Exactly the documented exemptions, each of them mounted, and nothing else.
      assertThat(exempt)
          .containsExactlyInAnyOrderElementsOf(
              WriteGuard.EXEMPT.stream().map(e -> e.method() + " " + e.path()).toList());
      assertThat(guarded).contains("POST /api/v1/snapshots", "POST /api/v1/etcd/compact");

      // Reads go on from the watch cache, marked as possibly stale.
      HttpResponse<Buffer> read =
          Await.result(http.get("/api/v1/tokens").bearerTokenAuthentication(admin).send());
      assertThat(read.statusCode()).isEqualTo(200);
      assertThat(read.getHeader(WriteGuard.STALE_HEADER)).startsWith("true");

      // And writes come back with etcd.
      etcd.member(0).start();
      etcd.member(0).awaitHealthy(Duration.ofSeconds(20));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> runtime.monitor().current().state().acceptsWrites());
      HttpResponse<Buffer> write =
          Await.result(
              http.post("/api/v1/tokens")
                  .bearerTokenAuthentication(admin)
                  .sendJsonObject(new JsonObject().put("role", "worker")));
      assertThat(write.statusCode()).as(write.bodyAsString()).isEqualTo(201);
      assertThat(write.getHeader(WriteGuard.STALE_HEADER)).isNull();
    } finally {
      fixture.close();
    }
  }
}
