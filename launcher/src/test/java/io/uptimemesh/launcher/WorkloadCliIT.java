package io.uptimemesh.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code uptimemesh services create|apply|show|generations|rollback}, {@code nodes
 * cordon|uncordon|drain} and {@code replicas list} against the packaged server.
 */
@Timeout(180)
class WorkloadCliIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static CoreCluster cluster;
  private static String api;

  @BeforeAll
  static void start() throws Exception {
    // Four kept generations: the server reads WORKLOAD_GENERATIONS_KEPT from its environment.
    cluster = CoreCluster.start(dir, 1, "", Map.of("WORKLOAD_GENERATIONS_KEPT", "4"));
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
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void specsGenerationsAndRollbackFromTheCommandLine() throws Exception {
    Path yaml = dir.resolve("web.yaml");
    Files.writeString(
        yaml,
        String.join(
            "\n",
            "image: busybox",
            "replicas: 2",
            "ports:",
            "  - name: http",
            "    port: 8080",
            "health:",
            "  type: http",
            "  path: /healthz",
            ""));
    assertThat(ok("services", "create", "web", "--api-url", api, "--file", yaml.toString()))
        .contains("service web created at generation 1");
    assertThat(ok("services", "show", "web", "--api-url", api))
        .contains(
            "generation:  1",
            "image:       busybox",
            "replicas:    2 (hard anti-affinity, roles worker)",
            "ports:       http 8080/tcp",
            "health:      http /healthz on http every 2000 ms");

    // JSON, and the spec under a top-level "workload" key, are read too.
    Path json = dir.resolve("web.json");
    Files.writeString(
        json,
        "{\"workload\":{\"image\":\"busybox\",\"replicas\":3,"
            + "\"ports\":[{\"name\":\"http\",\"port\":8080}],"
            + "\"health\":{\"type\":\"http\",\"path\":\"/healthz\"}}}");
    assertThat(ok("services", "apply", "web", "--api-url", api, "--file", json.toString()))
        .contains("service web: applied as generation 2 (was 1)");
    assertThat(ok("services", "apply", "web", "--api-url", api, "--file", json.toString()))
        .contains("unchanged, the spec is generation 2 already");
    Cli.Result stale =
        Cli.run(
            "services",
            "apply",
            "web",
            "--api-url",
            api,
            "--file",
            yaml.toString(),
            "--if-match",
            "1");
    assertThat(stale.code()).isEqualTo(1);
    assertThat(stale.stderr()).contains("If-Match");
    long rev =
        JSON.readTree(ok("services", "show", "web", "--api-url", api, "--output", "json"))
            .path("mod_revision")
            .asLong();
    assertThat(
            ok(
                "services",
                "apply",
                "web",
                "--api-url",
                api,
                "--file",
                yaml.toString(),
                "--if-match",
                Long.toString(rev)))
        .contains("applied as generation 3 (was 2)");

    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "image: busybox\nreplicas: 500\n");
    Cli.Result refused =
        Cli.run("services", "apply", "web", "--api-url", api, "--file", bad.toString());
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.stderr()).contains("workload.replicas");
    Files.writeString(bad, "image: [unclosed\n");
    Cli.Result broken =
        Cli.run("services", "apply", "web", "--api-url", api, "--file", bad.toString());
    assertThat(broken.code()).isEqualTo(1);
    assertThat(broken.stderr()).contains("not valid YAML");

    assertThat(ok("services", "generations", "web", "--api-url", api))
        .startsWith("GEN")
        .containsPattern("1\\s+\\S+.*busybox\\s+2")
        .containsPattern("3\\s+\\S+.*busybox\\s+2\\s+current");
    assertThat(ok("services", "rollback", "web", "--api-url", api))
        .contains("rolled back as generation 4 (was 3)");
    // Generation 4 has the spec of 2 already: going back to it again changes nothing.
    assertThat(ok("services", "rollback", "web", "--to-generation", "2", "--api-url", api))
        .contains("unchanged, that spec is generation 4 already");
    assertThat(ok("services", "rollback", "web", "--to-generation", "1", "--api-url", api))
        .contains("rolled back as generation 5 (was 4)");
    JsonNode shown =
        JSON.readTree(ok("services", "show", "web", "--api-url", api, "--output", "json"));
    assertThat(shown.path("generation").asLong()).isEqualTo(5);
    assertThat(shown.path("workload").path("replicas").asInt()).isEqualTo(2);
    assertThat(ok("services", "generations", "web", "--api-url", api))
        .containsPattern("5\\s+.*current, rollback to 1");
    JsonNode kept =
        JSON.readTree(ok("services", "generations", "web", "--api-url", api, "--output", "json"));
    assertThat(kept.path("kept").asInt()).isEqualTo(4);
    assertThat(kept.path("generations").findValuesAsText("generation"))
        .containsExactly("2", "3", "4", "5");
    Cli.Result notKept =
        Cli.run("services", "rollback", "web", "--to-generation", "99", "--api-url", api);
    assertThat(notKept.code()).isEqualTo(1);
    assertThat(notKept.stderr()).contains("generation 99", "not kept");
    assertThat(ok("services", "list", "--api-url", api))
        .containsPattern("NAME\\s+ENDPOINTS\\s+HEALTHY\\s+GEN")
        .containsPattern("web\\s+0\\s+0\\s+5\\s+");

    ok("services", "create", "plain", "--api-url", api);
    assertThat(ok("services", "show", "plain", "--api-url", api))
        .contains("workload:    none (discovery only)");
    Cli.Result nothing = Cli.run("services", "rollback", "plain", "--api-url", api);
    assertThat(nothing.code()).isEqualTo(1);
    assertThat(nothing.stderr()).contains("no workload");
  }

  @Test
  void nodesAreCordonedDrainedAndUncordonedAndReplicasListed() throws Exception {
    assertThat(ok("nodes", "cordon", "w1", "--api-url", api))
        .contains("node w1: cordoned (no new replicas");
    assertThat(ok("nodes", "drain", "w1", "--api-url", api))
        .contains("node w1: cordoned and draining");
    JsonNode nodes = cluster.json("nodes-status", "--api-url", api, "--output", "json");
    JsonNode w1 = null;
    for (JsonNode n : nodes.path("nodes")) {
      if (n.path("node_id").asText().equals("w1")) {
        w1 = n;
      }
    }
    assertThat(w1).as("w1 in %s", nodes).isNotNull();
    assertThat(w1.path("scheduling").path("draining").asBoolean()).isTrue();
    assertThat(ok("nodes-status", "--api-url", api))
        .containsPattern("SCHEDULING\\n")
        .containsPattern("w1\\s+w1\\s+.*\\s+draining\\n");
    assertThat(ok("nodes", "uncordon", "w1", "--api-url", api)).contains("node w1: schedulable");
    assertThat(ok("nodes-status", "--api-url", api))
        .containsPattern("w1\\s+w1\\s+.*\\s+schedulable\\n");
    Cli.Result ghost = Cli.run("nodes", "cordon", "ghost", "--api-url", api);
    assertThat(ghost.code()).isEqualTo(1);
    assertThat(ghost.stderr()).contains("node ghost does not exist");

    assertThat(ok("replicas", "list", "--api-url", api)).startsWith("ID");
    JsonNode replicas =
        JSON.readTree(
            ok(
                "replicas",
                "list",
                "--service",
                "web",
                "--node",
                "w1",
                "--api-url",
                api,
                "--output",
                "json"));
    assertThat(replicas.path("replicas").isArray()).isTrue();
    assertThat(replicas.path("replicas")).isEmpty();
  }

  private static String ok(String... args) {
    Cli.Result r = Cli.run(args);
    assertThat(r.code()).as("uptimemesh %s: %s", String.join(" ", args), r.stderr()).isZero();
    return r.stdout();
  }
}
