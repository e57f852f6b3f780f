package io.uptimemesh.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code uptimemesh events} against the packaged server: the listing, its errors, and {@code
 * --follow} as a separate process that streams a new event and stops cleanly on Ctrl-C (SIGINT).
 */
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EventsCliIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static CoreCluster cluster;
  private static ServerProcess server;
  private static String api;

  @BeforeAll
  static void startServerBootstrapAndLogin() throws Exception {
    // A long shutdown grace: the last test shows an open stream does not keep the server up.
    cluster = CoreCluster.start(dir, 1, "http:\n  shutdown_grace_seconds: 30\n");
    server = cluster.servers.get(0);
    api = server.url();
  }

  @AfterAll
  static void stopServer() {
    cluster.close();
  }

  @Test
  @Order(1)
  void listsTheLogOldestFirstFiltersItAndRefusesBadOptions() throws Exception {
    createToken();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                JSON.readTree(Cli.run("events", "--api-url", api, "--output", "json").stdout())
                        .path("events")
                        .size()
                    >= 4);

    JsonNode all = JSON.readTree(Cli.run("events", "--api-url", api, "--output", "json").stdout());
    List<String> names = new java.util.ArrayList<>();
    long previous = 0;
    for (JsonNode e : all.path("events")) {
      names.add(e.path("name").asText());
      assertThat(e.path("time_ms").asLong()).isGreaterThanOrEqualTo(previous);
      previous = e.path("time_ms").asLong();
    }
    // The server's own election may come first; the bootstrap is the first operator action.
    assertThat(names).contains("bootstrapped", "login", "created");
    assertThat(names.indexOf("bootstrapped")).isLessThan(names.indexOf("login"));
    assertThat(all.path("revision").asLong()).isPositive();

    Cli.Result table = Cli.run("events", "--api-url", api, "--category", "token,auth");
    assertThat(table.code()).as(table.stderr()).isZero();
    assertThat(table.stdout())
        .startsWith("TIME")
        .containsPattern("info\\s+auth\\s+login\\s+user:admin\\s+username=admin")
        .containsPattern("info\\s+token\\s+created\\s+user:admin\\s+.*role=worker")
        .doesNotContain("bootstrapped");

    Cli.Result limited = Cli.run("events", "--api-url", api, "--limit", "1", "--output", "json");
    assertThat(JSON.readTree(limited.stdout()).path("events")).hasSize(1);

    Cli.Result bad = Cli.run("events", "--api-url", api, "--since", "yesterday");
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.stderr().strip()).startsWith("error: since: expected an event id");
    Cli.Result badCategory = Cli.run("events", "--api-url", api, "--category", "weather");
    assertThat(badCategory.stderr()).contains("category: unknown event category");
  }

  @Test
  @Order(2)
  void followPrintsHistoryThenNewEventsAndStopsCleanlyOnCtrlC() throws Exception {
    createToken();
    Process follow =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + dir.resolve("home"),
                "-jar",
                System.getProperty("uptimemesh.jar"),
                "events",
                "--follow",
                "--category",
                "token",
                "--output",
                "json",
                "--api-url",
                api)
            .redirectError(dir.resolve("follow.err").toFile())
            .start();
    List<JsonNode> lines = new CopyOnWriteArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(follow.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  lines.add(JSON.readTree(line));
                }
              } catch (Exception e) {
                // the process ended
              }
            });
    reader.start();
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> !lines.isEmpty());
      int history = lines.size();
      assertThat(lines).allMatch(l -> l.path("category").asText().equals("token"));

      String token = createToken();

      await().atMost(Duration.ofSeconds(15)).until(() -> lines.size() == history + 1);
      JsonNode live = lines.get(history);
      assertThat(live.path("name").asText()).isEqualTo("created");
      assertThat(live.path("fields").path("token_id").asText()).isEqualTo(token.split("\\.")[1]);

      new ProcessBuilder("kill", "-INT", Long.toString(follow.pid())).start().waitFor();
      assertThat(follow.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(follow.exitValue()).isIn(0, 130);
      assertThat(Files.readString(dir.resolve("follow.err"))).doesNotContain("Exception");
    } finally {
      follow.destroyForcibly();
    }
  }

  @Test
  @Order(3)
  void anOpenStreamEndsCleanlyWhenTheServerStops() throws Exception {
    Process follow =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + dir.resolve("home"),
                "-jar",
                System.getProperty("uptimemesh.jar"),
                "events",
                "--follow",
                "--limit",
                "1",
                "--api-url",
                api)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("follow3.out").toFile())
            .start();
    try {
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> Files.readString(dir.resolve("follow3.out")).startsWith("TIME"));
      Thread.sleep(500); // the stream is open once the history is printed and followed
      long start = System.nanoTime();

      server.sigterm();

      int code = server.awaitExit(Duration.ofSeconds(20));
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(code).isIn(0, 143);
      assertThat(tookMs).as("shutdown with an open stream, grace 30 s").isLessThan(15_000);
      assertThat(server.output()).contains("stopped");
      // The follower saw its stream end cleanly (not break) and tries to reconnect.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> Files.readString(dir.resolve("follow3.out")).contains("reconnecting"));
      assertThat(Files.readString(dir.resolve("follow3.out"))).doesNotContain("broke");
    } finally {
      follow.destroyForcibly();
    }
  }

  private static String createToken() {
    Cli.Result r = Cli.run("create-token", "--api-url", api, "--role", "worker", "--uses", "1");
    assertThat(r.code()).as(r.stderr()).isZero();
    return r.stdout().strip();
  }
}
