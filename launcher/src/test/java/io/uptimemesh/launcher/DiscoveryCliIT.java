package io.uptimemesh.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code uptimemesh services|endpoints|discovery} against the packaged server, with a node that
 * joined and heartbeat through the CLI, and the server's discovery settings from its environment.
 */
@Timeout(180)
class DiscoveryCliIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static CoreCluster cluster;
  private static String api;

  @BeforeAll
  static void start() throws Exception {
    cluster =
        CoreCluster.start(
            dir,
            1,
            "",
            Map.of(
                "RUNTIME_DISCOVERY_DOMAIN", "corp.test",
                "RUNTIME_DISCOVERY_TTL_SECONDS", "7",
                "RUNTIME_DISCOVERY_UPSTREAMS", "192.0.2.53"));
    api = cluster.servers.get(0).url();
    String token =
        cluster
            .json("create-token", "--api-url", api, "--role", "worker", "--output", "json")
            .path("token")
            .asText();
    ok(
        "join",
        "--api-url",
        api,
        "--token",
        token,
        "--node-id",
        "w1",
        "--name",
        "w1",
        "--identity-dir",
        dir.resolve("ids").toString());
    ok(
        "heartbeat",
        "--api-url",
        api,
        "--node-id",
        "w1",
        "--identity-dir",
        dir.resolve("ids").toString());
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void servicesEndpointsAndDiscoveryFromTheCommandLine() throws Exception {
    assertThat(ok("services", "create", "web", "--api-url", api, "--description", "front end"))
        .contains("service web created");
    Cli.Result dup = Cli.run("services", "create", "web", "--api-url", api);
    assertThat(dup.code()).isEqualTo(1);
    assertThat(dup.stderr()).startsWith("error: service web exists already");
    Cli.Result badName = Cli.run("services", "create", "Web_1", "--api-url", api);
    assertThat(badName.code()).isEqualTo(1);
    assertThat(badName.stderr()).contains("name must be a DNS label");

    Cli.Result http =
        createEndpoint(
            "w1",
            "8080",
            "--port-name",
            "http",
            "--check",
            "http",
            "--path",
            "/healthz",
            "--interval-ms",
            "500",
            "--timeout-ms",
            "200");
    assertThat(http.code()).as(http.stderr()).isZero();
    String created = http.stdout();
    assertThat(created)
        .contains("endpoint web-http-w1 created", "port 8080/tcp", "unknown (no report yet)");
    Cli.Result badPort = createEndpoint("w1", "70000");
    assertThat(badPort.code()).isEqualTo(1);
    assertThat(badPort.stderr()).contains("port must be between 1 and 65535");
    Cli.Result noNode = createEndpoint("ghost", "80");
    assertThat(noNode.code()).isEqualTo(1);
    assertThat(noNode.stderr()).contains("node ghost does not exist");

    assertThat(ok("services", "list", "--api-url", api))
        .startsWith("NAME")
        .containsPattern("web\\s+1\\s+0\\s+.*front end");
    assertThat(ok("endpoints", "list", "--api-url", api, "--service", "web"))
        .startsWith("ID")
        .containsPattern("web-http-w1\\s+web\\s+w1\\s+\\S+\\s+8080/tcp\\s+http\\s+unknown");
    assertThat(ok("endpoints", "list", "--api-url", api, "--node", "nobody"))
        .doesNotContain("web-http-w1");
    assertThat(ok("endpoints", "show", "web-http-w1", "--api-url", api))
        .contains("check:    http /healthz every 500 ms, timeout 200 ms", "state:    unknown");
    assertThat(ok("services", "show", "web", "--api-url", api))
        .contains("endpoints:   1 (0 healthy)", "web-http-w1");
    JsonNode listed = JSON.readTree(ok("endpoints", "list", "--api-url", api, "--output", "json"));
    assertThat(listed.path("endpoints").get(0).path("revision").asLong()).isPositive();

    JsonNode status =
        JSON.readTree(ok("discovery", "status", "--api-url", api, "--output", "json"));
    assertThat(status.path("domain").asText()).isEqualTo("corp.test");
    assertThat(status.path("ttl_seconds").asInt()).isEqualTo(7);
    assertThat(status.path("nodes_published").asInt()).isEqualTo(1);
    assertThat(ok("discovery", "status", "--api-url", api))
        .contains("domain corp.test, ttl 7 s")
        .containsPattern("web-http-w1\\s+web\\s+w1\\s+\\S+:8080/tcp\\s+unknown");
    assertThat(ok("discovery", "zone", "--api-url", api))
        .startsWith("$ORIGIN corp.test.\n$TTL 7\n")
        .contains("w1.node IN A ")
        .doesNotContain("svc");
    String corefile = ok("discovery", "corefile", "--api-url", api, "--node", "w1");
    assertThat(corefile).startsWith("corp.test.:53 {").contains("forward . 192.0.2.53");
    assertThat(corefile).doesNotContain("bind 0.0.0.0");
    Cli.Result unknownNode = Cli.run("discovery", "corefile", "--api-url", api, "--node", "zz");
    assertThat(unknownNode.code()).isEqualTo(1);
    assertThat(unknownNode.stderr()).contains("node zz does not exist");

    Cli.Result busy = Cli.run("services", "delete", "web", "--api-url", api);
    assertThat(busy.code()).isEqualTo(1);
    assertThat(busy.stderr()).contains("1 endpoint", "cascade");
    assertThat(ok("endpoints", "delete", "web-http-w1", "--api-url", api))
        .contains("endpoint web-http-w1 deleted");
    assertThat(Cli.run("endpoints", "show", "web-http-w1", "--api-url", api).code()).isEqualTo(1);
    assertThat(createEndpoint("w1", "53", "--protocol", "udp").code()).isZero();
    assertThat(ok("services", "delete", "web", "--cascade", "--api-url", api))
        .contains("service web deleted with 1 endpoint(s)");
    assertThat(ok("services", "list", "--api-url", api)).doesNotContain("web");
  }

  /** {@code endpoints create} of a web endpoint on {@code node}, with more options. */
  private static Cli.Result createEndpoint(String node, String port, String... more) {
    java.util.List<String> args =
        new java.util.ArrayList<>(
            java.util.List.of(
                "endpoints",
                "create",
                "--api-url",
                api,
                "--service",
                "web",
                "--node",
                node,
                "--port",
                port));
    args.addAll(java.util.List.of(more));
    return Cli.run(args.toArray(String[]::new));
  }

  private static String ok(String... args) {
    Cli.Result r = Cli.run(args);
    assertThat(r.code()).as("uptimemesh %s: %s", String.join(" ", args), r.stderr()).isZero();
    return r.stdout();
  }
}
