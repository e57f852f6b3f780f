package io.uptimemesh.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server's scheduler job places replicas on alive nodes; {@code scheduler plan} shows
 * what it would do, {@code replicas move} places a replacement, {@code nodes drain} says what is
 * left on the node.
 */
@Timeout(180)
class SchedulerCliIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static CoreCluster cluster;
  private static String api;

  @BeforeAll
  static void start() throws Exception {
    cluster = CoreCluster.start(dir, 1, "", Map.of("SCHEDULER_INTERVAL_SECONDS", "1"));
    api = cluster.servers.get(0).url();
    for (String id : new String[] {"w1", "w2", "w3"}) {
      String token =
          cluster
              .json("create-token", "--api-url", api, "--role", "worker", "--output", "json")
              .path("token")
              .asText();
      String ids = dir.resolve("ids-" + id).toString();
      ok(
          "join",
          "--api-url",
          api,
          "--token",
          token,
          "--node-id",
          id,
          "--name",
          id,
          "--identity-dir",
          ids);
      // One heartbeat: alive for the lease's TTL (30 s), long enough for this test.
      ok("heartbeat", "--api-url", api, "--node-id", id, "--identity-dir", ids);
    }
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void theJobPlacesThePlanShowsAndAMoveWritesAReplacement() throws Exception {
    Path yaml = dir.resolve("web.yaml");
    Files.writeString(
        yaml, "image: busybox\nreplicas: 2\nports:\n  - name: http\n    port: 8080\n");
    ok("services", "create", "web", "--api-url", api, "--file", yaml.toString());
    await().atMost(Duration.ofSeconds(20)).until(() -> replicas("web").size() == 2);
    JsonNode onW1 = null;
    for (JsonNode r : replicas("web")) {
      if (r.path("node_id").asText().equals("w1")) {
        onW1 = r;
      }
    }
    assertThat(onW1).as("the first replica goes to w1: %s", replicas("web")).isNotNull();
    String id = onW1.path("id").asText();

    assertThat(ok("scheduler", "plan", "--api-url", api)).contains("nothing to do");
    JsonNode plan = JSON.readTree(ok("scheduler", "plan", "--api-url", api, "--output", "json"));
    assertThat(plan.path("actions").isArray()).isTrue();
    assertThat(plan.path("actions")).isEmpty();

    // Four replicas under hard anti-affinity on three nodes: the plan says what it cannot do.
    Path big = dir.resolve("big.yaml");
    Files.writeString(big, "image: busybox\nreplicas: 4\n");
    ok("services", "create", "big", "--api-url", api, "--file", big.toString());
    await().atMost(Duration.ofSeconds(20)).until(() -> replicas("big").size() == 3);
    assertThat(ok("scheduler", "plan", "--api-url", api))
        .contains("cannot: big: only 3 of 4 replicas can be placed");

    Cli.Result refused = Cli.run("replicas", "move", id, "--to", "w2", "--api-url", api);
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.stderr()).contains("hard anti-affinity");
    Cli.Result unknown = Cli.run("replicas", "move", id, "--to", "ghost", "--api-url", api);
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.stderr()).contains("node ghost does not exist");
    assertThat(ok("replicas", "move", id, "--to", "w3", "--api-url", api))
        .containsPattern("replica " + id + ": replacement web-[0-9a-f]{5} placed on w3")
        .contains("removed once it runs and is healthy");
    JsonNode replacement = null;
    for (JsonNode r : replicas("web")) {
      if (id.equals(r.path("replaces").asText(null))) {
        replacement = r;
      }
    }
    assertThat(replacement).as("a replacement of %s in %s", id, replicas("web")).isNotNull();
    assertThat(replacement.path("node_id").asText()).isEqualTo("w3");
    // No agent runs it: the old replica stays (make-before-break) and the plan has nothing to do.
    assertThat(replicas("web")).hasSize(3);
    assertThat(ok("scheduler", "plan", "--api-url", api)).doesNotContain("remove " + id);

    assertThat(ok("nodes", "drain", "w1", "--api-url", api))
        .contains("node w1: cordoned and draining")
        .containsPattern(
            "\\d+ replica\\(s\\) still on w1; see: uptimemesh replicas list --node w1");
  }

  private static JsonNode replicas(String service) throws Exception {
    return JSON.readTree(
            ok("replicas", "list", "--service", service, "--api-url", api, "--output", "json"))
        .path("replicas");
  }

  private static String ok(String... args) {
    Cli.Result r = Cli.run(args);
    assertThat(r.code()).as("uptimemesh %s: %s", String.join(" ", args), r.stderr()).isZero();
    return r.stdout();
  }
}
