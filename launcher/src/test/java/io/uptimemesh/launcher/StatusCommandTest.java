package io.uptimemesh.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code uptimemesh status} against a stand-in agent on a real unix socket. */
class StatusCommandTest {
  private static final String STATUS =
      """
      {"node_id":"w1","node_name":"Worker one","mesh_ip":"10.42.0.2","mesh_cidr":"10.42.0.0/16",
       "core_api":"http://10.0.0.1:8010","degraded":true,"degraded_since":"2026-11-22T12:00:00Z",
       "last_sync":"2026-11-22T11:59:00Z","desired_revision":41,"desired_revision_applied":40,
       "wg_key_generation":2,"last_error":"no core node reachable",
       "interfaces":[{"name":"umesh0","path":"primary","up":true,"peers":[{"node_id":"w2",
         "latest_handshake_age_seconds":12,"rx_bytes":2048,"tx_bytes":4096}]},
         {"name":"umesh1","path":"secondary","up":false}],
       "peers":[{"node_id":"w2","active_path":"secondary","primary":{"consecutive_successes":0,
         "consecutive_failures":4},"secondary":{"consecutive_successes":9,"consecutive_failures":0},
         "failovers":1,"failbacks":0,"last_switch":"2026-11-22T11:58:00Z"}],
       "discovery":{"enabled":true,"domain":"mesh.local","zone_path":"/var/lib/um/mesh.zone",
         "serial":1763812800,"records":{"nodes":3,"services":2,"endpoints":4,"total":17},
         "last_render":"2026-11-22T11:57:00Z","last_reload":{"ok":false,"exit_code":3,
         "at":"2026-11-22T11:57:01Z","duration_ms":42,"output_tail":"coredns not running"},
         "reports_pending":1,"endpoints":[{"id":"db-1","service":"db","address":"10.42.0.2:5432",
         "check":"tcp","state":"unhealthy","since":"2026-11-22T11:56:00Z",
         "detail":"Connection refused"}]},
       "workloads":{"enabled":true,"project":"uptimemesh","document_revision":77,
         "stream_connected":true,"replicas":[{"id":"web-0a1b2","service":"web","generation":3,
         "state":"failed","running_generation":2,"error":"image nope missing","command_seq":4,
         "command_error":""}],"reports_pending":0,"last_error":"web-0a1b2: image nope missing"}}
      """;

  @TempDir Path dir;
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private Path serve() throws Exception {
    Path socket = dir.resolve("agent.sock");
    vertx
        .createHttpServer()
        .requestHandler(
            r ->
                r.response()
                    .setStatusCode(r.path().equals("/status") ? 200 : 404)
                    .end(r.path().equals("/status") ? STATUS : "{}"))
        .listen(SocketAddress.domainSocketAddress(socket.toString()))
        .await(10, TimeUnit.SECONDS);
    return socket;
  }

  @Test
  void theTableShowsEveryFieldOfTheIssue() throws Exception {
    Path socket = serve();
    Cli.Result r = Cli.run("status", "--socket", socket.toString());
    assertThat(r.code()).as(r.stderr()).isZero();
    assertThat(r.stdout())
        .contains("w1 (Worker one)")
        .contains("10.42.0.2 in 10.42.0.0/16")
        .contains("http://10.0.0.1:8010")
        .contains("DEGRADED since 2026-11-22T12:00:00Z")
        .contains("last sync:         2026-11-22T11:59:00Z")
        .contains("40 applied (latest known 41)")
        .contains("no core node reachable")
        .containsPattern("umesh0\\s+primary\\s+up\\s+w2\\s+12 s")
        .containsPattern("umesh1\\s+secondary\\s+down")
        .containsPattern("w2\\s+secondary\\s+0/4\\s+9/0\\s+1\\+0 back")
        .contains("discovery:         serving mesh.local")
        .contains("zone:              /var/lib/um/mesh.zone")
        .contains("1763812800 (17 records: 3 nodes, 2 services, 4 endpoints)")
        .contains("FAILED (exit 3) at 2026-11-22T11:57:01Z in 42 ms")
        .contains("| coredns not running")
        .containsPattern(
            "db-1\\s+db\\s+10.42.0.2:5432\\s+tcp\\s+unhealthy\\s+2026-11-22T11:56:00Z\\s+"
                + "Connection refused")
        .contains(
            "workloads:         LXD project uptimemesh, document revision 77, stream connected")
        .contains("last error:        web-0a1b2: image nope missing")
        .containsPattern("web-0a1b2\\s+web\\s+3\\s+2\\s+failed\\s+4 ok\\s+image nope missing");
  }

  @Test
  void jsonIsTheAgentsDocument() throws Exception {
    Path socket = serve();
    Cli.Result r = Cli.run("status", "--socket", socket.toString(), "--output", "json");
    assertThat(r.code()).as(r.stderr()).isZero();
    assertThat(r.stdout()).contains("\"degraded_since\" : \"2026-11-22T12:00:00Z\"");
  }

  @Test
  void noAgentIsOneClearLine() {
    Cli.Result r = Cli.run("status", "--socket", dir.resolve("none.sock").toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.stderr())
        .startsWith("error: no agent answers on")
        .contains("uptimemesh agent running");
  }
}
