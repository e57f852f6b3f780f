package io.uptimemesh.web.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.testkit.EtcdClusterExtension;
import io.uptimemesh.web.NodeCluster;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Zone, Corefile and status previews on real etcd, with the fixture's default settings. */
@Timeout(120)
class PreviewRoutesIT {
  @RegisterExtension static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

  private static final Pattern SOA = Pattern.compile("@ IN SOA \\S+ \\S+ (\\d+) ");

  private NodeCluster c;

  @BeforeEach
  void setUp() {
    c = new NodeCluster(etcd.endpoints(), Duration.ofSeconds(30));
  }

  @AfterEach
  void tearDown() {
    c.close();
  }

  @Test
  void zoneCorefileAndStatusFollowTheCluster() {
    HttpResponse<Buffer> empty = c.op(HttpMethod.GET, "/api/v1/discovery/zone", null);
    assertThat(empty.statusCode()).as("no node, no name server").isEqualTo(409);
    assertThat(empty.bodyAsJsonObject().getString("message")).contains("name server");
    assertThat(c.send(HttpMethod.GET, "/api/v1/discovery/zone", null, null).statusCode())
        .isEqualTo(401);

    NodeCluster.Node n1 = c.join("n1");
    c.keepAlive(n1);
    c.service("web");
    long rev =
        c.endpoint(
                new JsonObject()
                    .put("service", "web")
                    .put("node_id", "n1")
                    .put("port", 8080)
                    .put("port_name", "http"))
            .getLong("revision");
    String before = zone();
    assertThat(before)
        .startsWith("$ORIGIN mesh.local.\n$TTL 10\n")
        .contains("n1.node IN A " + n1.meshIp())
        .doesNotContain("svc");
    c.reportHealth(n1, "n1", NodeCluster.report("web-http-n1", rev, true, ""));
    String after = zone();
    assertThat(after)
        .contains(
            "web.svc IN A " + n1.meshIp(),
            "_http._tcp.web.svc IN SRV 0 10 8080 n1.web.svc.mesh.local.");
    assertThat(serial(after)).isGreaterThan(serial(before));
    assertThat(serial(zone())).as("no change, same serial").isEqualTo(serial(after));

    String any = text("/api/v1/discovery/corefile");
    assertThat(any)
        .startsWith("mesh.local.:53 {\n    bind 0.0.0.0\n")
        .contains("file /var/lib/uptimemesh/discovery/mesh.local.zone mesh.local.")
        .doesNotContain("forward");
    assertThat(text("/api/v1/discovery/corefile?node=n1")).contains("bind " + n1.meshIp());
    assertThat(c.op(HttpMethod.GET, "/api/v1/discovery/corefile?node=zz", null).statusCode())
        .isEqualTo(404);
    HttpResponse<Buffer> badPath =
        c.op(HttpMethod.GET, "/api/v1/discovery/corefile?zone_path=relative.zone", null);
    assertThat(badPath.statusCode()).isEqualTo(400);
    assertThat(badPath.bodyAsJsonObject().getString("message")).contains("zone path");

    // An agent that serves DNS puts its discovery status into its heartbeat.
    Map<String, Object> discovery =
        Map.of(
            "serial",
            42,
            "records",
            5,
            "zone_path",
            "/tmp/z",
            "last_reload",
            Map.of("ok", true, "exit_code", 0, "at_ms", 1, "duration_ms", 3));
    assertThat(c.heartbeat(n1, Map.of("discovery", discovery)).statusCode()).isEqualTo(200);
    JsonObject status = c.op(HttpMethod.GET, "/api/v1/discovery/status", null).bodyAsJsonObject();
    assertThat(status.getString("domain")).isEqualTo("mesh.local");
    assertThat(status.getInteger("ttl_seconds")).isEqualTo(10);
    assertThat(status.getLong("serial")).isEqualTo(serial(after));
    assertThat(status.getInteger("nodes_published")).isEqualTo(1);
    assertThat(status.getJsonArray("services").getJsonObject(0).getInteger("healthy")).isEqualTo(1);
    JsonObject endpoint = status.getJsonArray("endpoints").getJsonObject(0);
    assertThat(endpoint.getString("id")).isEqualTo("web-http-n1");
    assertThat(endpoint.getString("state")).isEqualTo("healthy");
    JsonObject server = status.getJsonArray("servers").getJsonObject(0);
    assertThat(server.getString("node_id")).isEqualTo("n1");
    assertThat(server.getInteger("serial")).isEqualTo(42);
    assertThat(server.getJsonObject("last_reload").getBoolean("ok")).isTrue();
  }

  private String zone() {
    return text("/api/v1/discovery/zone");
  }

  private String text(String path) {
    HttpResponse<Buffer> r = c.op(HttpMethod.GET, path, null);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.getHeader("Content-Type")).startsWith("text/plain");
    return r.bodyAsString();
  }

  private static long serial(String zone) {
    Matcher m = SOA.matcher(zone);
    assertThat(m.find()).as(zone).isTrue();
    return Long.parseLong(m.group(1));
  }
}
