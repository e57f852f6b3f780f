package io.uptimemesh.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.Client;
import io.uptimemesh.testkit.EtcdClusterExtension;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * The console's Tokens, Nodes and Workloads pages in a real headless Chromium against the packaged
 * server on a real etcd: a hostile label shown as text, and a rolling update and a rollback
 * followed live. Three nodes join with the CLI; {@link ReplicaAgents} plays their agents (signed
 * heartbeats, replica statuses and endpoint health), and the server's own scheduler and rollout job
 * do the rest. Screenshots 40-49 under {@code target/ui-screenshots/}.
 */
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UiWorkloadsIT {
  private static final String PASSWORD = "operator password 2026";
  private static final String HOSTILE = "<script>window.__xss=1</script><b>x</b>";
  private static final List<String> NODES = List.of("n1", "n2", "n3");

  @RegisterExtension static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

  @TempDir static Path dir;
  private static ServerProcess server;
  private static Browser browser;
  private static Client etcdClient;
  private static ReplicaAgents agents;
  private static String api;
  private static ConsoleClient console;
  private static String joinToken;

  @BeforeAll
  static void start() throws Exception {
    assertThat(Browser.available())
        .as("%s and %s (scripts/deps.sh installs them)", Browser.BINARY, Browser.DRIVER)
        .isTrue();
    Files.createDirectories(dir.resolve("server"));
    server =
        new ServerProcess(dir.resolve("server"))
            .env("ETCD_ENDPOINTS", etcd.endpointsCsv())
            // The leader's jobs run every second. A step takes about 2 s (the agents' lag); it may
            // take up to 30 s on a loaded machine before the rollout counts it failed.
            .env("ROLLOUT_INTERVAL_SECONDS", "1")
            .env("SCHEDULER_INTERVAL_SECONDS", "1")
            .env("LXD_HEALTH_TIMEOUT_SECONDS", "30")
            .env("RUNTIME_HEARTBEAT_TTL_SECONDS", "5")
            .env("RUNTIME_HEARTBEAT_INTERVAL_SECONDS", "2");
    server.start();
    server.awaitReady(Duration.ofSeconds(30));
    api = "http://127.0.0.1:" + server.httpPort;
    console = new ConsoleClient(api);
    String bootstrapPassword = console.bootstrap();
    etcdClient = Client.builder().endpoints(etcd.endpoints().toArray(URI[]::new)).build();
    browser = new Browser();
    console.firstLogin(browser, bootstrapPassword, PASSWORD);
  }

  @AfterAll
  static void stop() throws Exception {
    if (agents != null) {
      agents.close();
    }
    if (etcdClient != null) {
      etcdClient.close();
    }
    if (browser != null) {
      browser.close();
    }
    if (server != null) {
      server.sigterm();
      server.awaitExit(Duration.ofSeconds(10));
      server.close();
    }
  }

  @Test
  @Order(1)
  void aLabelHoldingMarkupIsShownAsTextOnTheTokensAndNodesPages() {
    browser.find("#nav-tokens").click();
    browser.visible("#token-form");
    browser.type("#token-uses", "3");
    browser.type("#token-labels", "note=" + HOSTILE);
    browser.find("#token-create").click();
    joinToken = browser.visible("#token-secret").getText();
    String id = joinToken.split("\\.")[1];
    String tokenRow = browser.text("tr[data-token-id='" + id + "']");
    assertThat(tokenRow).contains("note=" + HOSTILE);

    for (String node : NODES) {
      Cli.Result join =
          Cli.run(
              "join",
              "--api-url",
              api,
              "--token",
              joinToken,
              "--node-id",
              node,
              "--name",
              node,
              "--identity-dir",
              dir.resolve("ids-" + node).toString());
      assertThat(join.code()).as(join.stderr()).isZero();
    }
    browser.find("#nav-nodes").click();
    browser.visible("#nodes-table");
    String nodeRow =
        browser.await(
            Duration.ofSeconds(10),
            d -> {
              var rows = d.findElements(By.cssSelector("tr[data-node-id='n3']"));
              return rows.isEmpty() ? null : rows.get(0).getText();
            });
    browser.screenshot("40-hostile-label");
    assertThat(nodeRow).contains("note=" + HOSTILE);
    assertThat(browser.driver.findElements(By.cssSelector("#nodes-table script, #nodes-table b")))
        .isEmpty();
    assertThat(browser.driver.executeScript("return window.__xss === undefined")).isEqualTo(true);
  }

  @Test
  @Order(2)
  void aRollingUpdateIsFollowedLiveUntilItSucceeds() throws Exception {
    // The three joined nodes come alive with their agents' heartbeats; the server's scheduler
    // places a replica on each, and each runs its record's generation 2 s after the record names
    // it.
    Map<String, Path> identities = new java.util.HashMap<>();
    NODES.forEach(n -> identities.put(n, dir.resolve("ids-" + n)));
    agents = new ReplicaAgents(etcdClient, api, identities).follow(Duration.ofSeconds(2));
    String bearer = console.apiLogin(PASSWORD);
    HttpResponse<String> created =
        console.send(
            bearer,
            "POST",
            "/api/v1/services",
            "{\"name\":\"web\",\"workload\":" + spec("busybox") + "}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    browser.find("#nav-workloads").click();
    browser.visible("#services-table");
    awaitHealthyReplicas(3);
    Object marker = browser.driver.executeScript("return window.__page = Math.random()");

    HttpResponse<String> applied =
        console.send(
            bearer,
            "PUT",
            "/api/v1/services/web/workload",
            "{\"workload\":" + spec("busybox-v2") + "}");
    assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);

    // No reload: the workloads topic of the change stream brings the rollout as it moves.
    String running = awaitRollout(Duration.ofSeconds(20), r -> r.startsWith("running"));
    String steps = browser.text("tr[data-service='web'] td[data-field='steps']");
    browser.screenshot("41-rollout-running");
    assertThat(running).contains("1 → 2");
    assertThat(steps).matches("[0-2] / 3");
    assertThat(browser.text("tr[data-service='web'] td[data-field='generation']")).isEqualTo("2");

    awaitRollout(Duration.ofSeconds(60), r -> r.startsWith("succeeded"));
    browser.screenshot("42-rollout-succeeded");
    assertThat(rolloutCell(browser.driver)).contains("1 → 2");
    assertThat(browser.text("tr[data-service='web'] td[data-field='steps']")).isEqualTo("3 / 3");
    assertThat(browser.text("tr[data-service='web']")).contains("busybox-v2");
    assertThat(browser.text("#replicas-table")).contains("2 / 2").doesNotContain("1 / 1");
    awaitHealthyReplicas(3);
    assertThat(browser.driver.executeScript("return window.__page")).isEqualTo(marker);
  }

  @Test
  @Order(3)
  void aConfirmedRollbackToGenerationOneRollsOutAndSucceeds() {
    browser.find("tr[data-service='web'] button[data-action='rollback']").click();
    assertThat(browser.visible("#confirm-box .confirm").getText())
        .contains("Roll back service web (now generation 2)?");
    browser.type("#rollback-to", "1");
    browser.find("#confirm-yes").click();
    assertThat(browser.text("#workloads-message .ok"))
        .isEqualTo("Rollback of web: now generation 3 (was 2).");

    awaitRollout(Duration.ofSeconds(60), r -> r.startsWith("succeeded") && r.contains("2 → 3"));
    browser.screenshot("43-rollback-succeeded");
    assertThat(browser.text("tr[data-service='web'] td[data-field='generation']")).isEqualTo("3");
    assertThat(browser.text("tr[data-service='web'] td[data-field='steps']")).isEqualTo("3 / 3");
    String row = browser.text("tr[data-service='web']");
    assertThat(row).contains("busybox").doesNotContain("busybox-v2");
    assertThat(browser.text("#replicas-table")).contains("3 / 3");
    awaitHealthyReplicas(3);
  }

  @Test
  @Order(4)
  void theDiscoveryPageShowsTheReplicasEndpointsAndANewOneLive() throws Exception {
    browser.find("#nav-discovery").click();
    browser.visible("#discovery-services");
    explained(
        Duration.ofSeconds(15),
        "web's three endpoints are not all healthy",
        d ->
            d.findElements(By.cssSelector("#discovery-endpoints tr[data-state='healthy']")).size()
                == 3);
    Object marker = browser.driver.executeScript("return window.__page = Math.random()");

    String bearer = console.apiLogin(PASSWORD);
    HttpResponse<String> endpoint =
        console.send(
            bearer,
            "POST",
            "/api/v1/endpoints",
            "{\"id\":\"web-extra\",\"service\":\"web\",\"node_id\":\"n1\","
                + "\"address\":\"10.42.0.99\",\"port\":9090}");
    assertThat(endpoint.statusCode()).as(endpoint.body()).isEqualTo(201);

    // No reload: the discovery topic brings it (no agent reports it, so its health is unknown).
    String row =
        explained(
            Duration.ofSeconds(10),
            "the new endpoint is not shown",
            d -> {
              var rows = d.findElements(By.cssSelector("tr[data-endpoint-id='web-extra']"));
              return rows.isEmpty() ? null : rows.get(0).getText();
            });
    browser.screenshot("45-discovery-live");
    assertThat(row).contains("n1").contains("10.42.0.99:9090");
    assertThat(browser.text("tr[data-service='web']")).contains("web.svc.");
    assertThat(browser.driver.executeScript("return window.__page")).isEqualTo(marker);
  }

  @Test
  @Order(5)
  void aPasswordChangeInTheBrowserEndsTheOtherSessionsButNotItsOwn() throws Exception {
    String bearer = console.apiLogin(PASSWORD);
    assertThat(console.send(bearer, "GET", "/api/v1/tokens", null).statusCode()).isEqualTo(200);

    browser.find("#nav-settings").click();
    browser.type("#current-password", PASSWORD);
    browser.type("#new-password", PASSWORD + " changed");
    browser.type("#repeat-password", PASSWORD + " changed");
    browser.find("#password-submit").click();
    String changed = browser.text("#password-changed");

    // The API client's session (the CLI's way) is gone; the browser goes on without a new login.
    HttpResponse<String> after = console.send(bearer, "GET", "/api/v1/tokens", null);
    assertThat(after.statusCode()).isEqualTo(401);
    assertThat(changed).contains("other sessions");
    browser.screenshot("44-password-changed-other-sessions-ended");
    browser.find("#nav-nodes").click();
    assertThat(browser.text("tr[data-node-id='n1']")).contains("n1");
  }

  /** Waits for {@code n} replicas running and healthy, on as many nodes. */
  private static void awaitHealthyReplicas(int n) {
    explained(
        Duration.ofSeconds(30),
        "not " + n + " healthy replicas",
        d ->
            d.findElements(
                        By.cssSelector(
                            "#replicas-table tr[data-replica-id][data-state='running']"
                                + " span.badge.healthy"))
                    .size()
                == n);
  }

  /** Web's rollout cell once its text passes {@code test}; yields the text. */
  private static String awaitRollout(Duration timeout, java.util.function.Predicate<String> test) {
    return explained(
        timeout,
        "the rollout did not get there",
        d -> {
          String rollout = rolloutCell(d);
          return rollout != null && test.test(rollout) ? rollout : null;
        });
  }

  /** {@link Browser#await}, failing with what the page shows and the server's last output. */
  private static <T> T explained(
      Duration timeout,
      String what,
      java.util.function.Function<org.openqa.selenium.WebDriver, T> c) {
    try {
      return browser.await(timeout, c);
    } catch (org.openqa.selenium.TimeoutException e) {
      String out = server.output();
      throw new AssertionError(
          what
              + " within "
              + timeout
              + "; the page shows:\n"
              + browser.driver.findElement(By.id("page")).getText()
              + "\nserver output (end):\n"
              + out.substring(Math.max(0, out.length() - 8000)),
          e);
    }
  }

  /** The text of web's rollout cell, or null while the row is not there. */
  private static String rolloutCell(org.openqa.selenium.WebDriver d) {
    var cells = d.findElements(By.cssSelector("tr[data-service='web'] td[data-field='rollout']"));
    return cells.isEmpty() ? null : cells.get(0).getText();
  }

  private static String spec(String image) {
    return "{\"image\":\""
        + image
        + "\",\"replicas\":3,\"ports\":[{\"name\":\"http\",\"port\":8080}]}";
  }
}
