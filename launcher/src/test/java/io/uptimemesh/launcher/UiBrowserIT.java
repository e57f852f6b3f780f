package io.uptimemesh.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.uptimemesh.testkit.EtcdClusterExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import org.openqa.selenium.WebElement;

/**
 * The operator console in a real headless Chromium against the packaged server on a real etcd: the
 * path of a first operator, in order (one server and one browser for the class). Each test saves a
 * screenshot of the page it checks under {@code target/ui-screenshots/}.
 */
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UiBrowserIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NEW_PASSWORD = "operator password 2026";

  /** A node name the API accepts (printable) that would run script if it were inserted as HTML. */
  private static final String HOSTILE_NAME = "<script>window.__xss=1</script><b>w1</b>";

  @RegisterExtension static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

  @TempDir static Path dir;
  private static ServerProcess server;
  private static Browser browser;
  private static String ui;
  private static String api;
  private static String bootstrapPassword;
  private static String joinToken;

  @BeforeAll
  static void start() throws Exception {
    // Fails rather than skips: scripts/deps.sh installs both, so a missing one is a broken setup.
    assertThat(Browser.available())
        .as("%s and %s (scripts/deps.sh installs them)", Browser.BINARY, Browser.DRIVER)
        .isTrue();
    Files.createDirectories(dir.resolve("server"));
    server =
        new ServerProcess(dir.resolve("server"))
            .env("ETCD_ENDPOINTS", etcd.endpointsCsv())
            // A node that stops heartbeating is stale within seconds.
            .env("RUNTIME_HEARTBEAT_TTL_SECONDS", "5")
            .env("RUNTIME_HEARTBEAT_INTERVAL_SECONDS", "2")
            // The zone preview needs a name server: without one it names the first alive node,
            // and the test's only node is stale by the time the Discovery page is checked.
            .env("RUNTIME_DISCOVERY_NAMESERVERS", "10.0.0.53");
    server.start();
    server.awaitReady(Duration.ofSeconds(30));
    api = "http://127.0.0.1:" + server.httpPort;
    ui = api + "/ui/";
    Cli.Result boot = Cli.run("bootstrap", "--api-url", api, "--output", "json");
    assertThat(boot.code()).as(boot.stderr()).isZero();
    bootstrapPassword = JSON.readTree(boot.stdout()).path("admin_password").asText();
    browser = new Browser();
  }

  @AfterAll
  static void stop() throws Exception {
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
  void aWrongPasswordIsRefusedOnTheLoginPage() {
    browser.open(ui);
    browser.type("#password", "not the password");
    browser.find("#login-submit").click();

    WebElement error = browser.visible("#login-error .error");
    browser.screenshot("01-login-refused");
    assertThat(error.getText()).isEqualTo("wrong username or password");
    assertThat(browser.driver.manage().getCookieNamed("um_session")).isNull();
  }

  @Test
  @Order(2)
  void theBootstrapPasswordLeadsToAForcedPasswordChange() {
    browser.open(ui);
    browser.type("#password", bootstrapPassword);
    browser.find("#login-submit").click();

    WebElement forced = browser.visible("#forced-password");
    assertThat(forced.getText()).contains("Choose a new password");
    var cookie = browser.driver.manage().getCookieNamed("um_session");
    assertThat(cookie.isHttpOnly()).isTrue();
    assertThat(cookie.getSameSite()).isEqualTo("Strict");
    // Nothing else is reachable yet: the navigation is not there.
    assertThat(browser.driver.findElements(By.cssSelector("nav"))).isEmpty();

    browser.type("#current-password", bootstrapPassword);
    browser.type("#new-password", NEW_PASSWORD);
    browser.type("#repeat-password", NEW_PASSWORD);
    browser.screenshot("02-forced-password-change");
    browser.find("#password-submit").click();

    browser.visible("#overview-cards");
    browser.await(
        Duration.ofSeconds(10), d -> browser.find("#nodes-alive").getText().equals("0 / 0"));
    browser.await(
        Duration.ofSeconds(10),
        d -> browser.find("#write-guard").getText().equals("accepting writes"));
    browser.screenshot("03-overview");
    assertThat(browser.text("#etcd-status")).isIn("ok", "degraded");
  }

  @Test
  @Order(3)
  void aCreatedTokenIsShownOnceWithItsJoinCommandAndListed() {
    browser.find("#nav-tokens").click();
    browser.visible("#token-form");
    browser.type("#token-labels", "zone=a");
    browser.find("#token-create").click();

    joinToken = browser.visible("#token-secret").getText();
    assertThat(joinToken).startsWith("umj1.");
    assertThat(browser.find("#join-command").getText())
        .isEqualTo(
            "bin/uptimemesh join --api-url "
                + api
                + " --token "
                + joinToken
                + " --node-id NODE_ID --name NAME");
    String id = joinToken.split("\\.")[1];
    String row = browser.text("tr[data-token-id='" + id + "']");
    browser.screenshot("04-token-created");
    assertThat(row).contains("worker").contains("zone=a").contains("admin");
  }

  @Test
  @Order(4)
  void aJoiningNodeAppearsLiveAndItsHostileNameIsText() {
    browser.find("#nav-nodes").click();
    browser.visible("#nodes-table");

    Cli.Result join =
        Cli.run(
            "join",
            "--api-url",
            api,
            "--token",
            joinToken,
            "--node-id",
            "w-1",
            "--name",
            HOSTILE_NAME,
            "--identity-dir",
            dir.resolve("ids").toString());
    assertThat(join.code()).as(join.stderr()).isZero();
    heartbeat();

    // No reload: the change stream tells the page. Read the row in one go (it re-renders live).
    String[] row =
        browser.await(
            Duration.ofSeconds(10),
            d -> {
              var rows =
                  d.findElements(By.cssSelector("tr[data-node-id='w-1'][data-state='alive']"));
              return rows.isEmpty()
                  ? null
                  : new String[] {
                    rows.get(0).findElement(By.tagName("strong")).getText(), rows.get(0).getText()
                  };
            });
    browser.screenshot("05-node-joined-live");
    assertThat(row[0]).isEqualTo(HOSTILE_NAME);
    assertThat(row[1]).contains("zone=a").contains("worker").contains("10.");
    assertThat(browser.driver.findElements(By.cssSelector("#nodes-table script, #nodes-table b")))
        .isEmpty();
    assertThat(browser.driver.executeScript("return window.__xss === undefined")).isEqualTo(true);
  }

  @Test
  @Order(5)
  void aNodeTurningStaleShowsWithoutAReload() {
    Object marker = browser.driver.executeScript("return window.__page = Math.random()");

    // No more heartbeats: its lease (5 s) expires.
    browser.await(
        Duration.ofSeconds(20),
        d ->
            !d.findElements(By.cssSelector("tr[data-node-id='w-1'][data-state='stale']"))
                .isEmpty());
    browser.screenshot("06-node-stale-live");
    assertThat(browser.driver.executeScript("return window.__page")).isEqualTo(marker);
  }

  @Test
  @Order(6)
  void aNodeActionIsConfirmedFirst() {
    browser.find("tr[data-node-id='w-1'] button[data-action='cordon']").click();
    WebElement confirm = browser.visible("#confirm-box .confirm");
    assertThat(confirm.getText()).contains("Cordon").contains("w-1");
    browser.screenshot("07-confirm-cordon");
    browser.find("#confirm-yes").click();

    browser.await(
        Duration.ofSeconds(10),
        d -> browser.find("tr[data-node-id='w-1']").getText().contains("cordoned"));
    browser.screenshot("08-node-cordoned");
  }

  @Test
  @Order(7)
  void theEventsPageFiltersAndShowsNewEventsLive() throws Exception {
    browser.find("#nav-events").click();
    browser.visible("#events-table");
    new org.openqa.selenium.support.ui.Select(browser.find("#event-category"))
        .selectByValue("token");

    // Another client (the CLI's way: a bearer session) creates a token meanwhile: its login is an
    // auth event, filtered out; the token's creation shows without a reload.
    String id = createTokenAsApiClient();

    browser.await(
        Duration.ofSeconds(10),
        d -> browser.find("#events-table").getText().contains("token_id=" + id));
    browser.screenshot("09-events-live-filtered");
    assertThat(browser.driver.findElements(By.cssSelector("#events-table tr[data-event='login']")))
        .isEmpty();
    new org.openqa.selenium.support.ui.Select(browser.find("#event-category")).selectByValue("");
    assertThat(browser.driver.findElements(By.cssSelector("#events-table tr[data-event='login']")))
        .isNotEmpty();
  }

  @Test
  @Order(8)
  void aPostWithoutTheCsrfTokenIsRefused() throws Exception {
    // The page's own origin, with its cookie, but without X-CSRF-Token: what a forged request
    // that got past SameSite would look like.
    Object answer =
        browser.driver.executeAsyncScript(
            "const done = arguments[arguments.length - 1];"
                + "fetch('/api/v1/tokens', {method: 'POST', credentials: 'same-origin',"
                + " headers: {'Content-Type': 'application/json'}, body: '{\"role\":\"worker\"}'})"
                + ".then(async r => done(JSON.stringify({status: r.status, body: await r.json()})))"
                + ".catch(e => done(String(e)));");
    JsonNode r = JSON.readTree((String) answer);
    browser.driver.executeScript(
        "document.getElementById('page').prepend(document.createTextNode(arguments[0]));", answer);
    browser.screenshot("10-csrf-refused");
    assertThat(r.path("status").asInt()).isEqualTo(403);
    assertThat(r.path("body").path("message").asText()).startsWith("missing X-CSRF-Token");
  }

  @Test
  @Order(9)
  void theWorkloadsPageShowsAServiceWithItsGenerationAndActions() throws Exception {
    // No agent runs: the scheduler may place replicas on no node (w-1 is stale and cordoned), so
    // the page shows the service with generation 1, no rollout yet and no replica.
    String bearer = apiLogin();
    HttpAnswer created =
        apiPost(
            bearer,
            "/api/v1/services",
            "{\"name\":\"shop\",\"workload\":{\"image\":\"busybox\",\"replicas\":2,"
                + "\"ports\":[{\"name\":\"http\",\"port\":8080}]}}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);

    browser.find("#nav-workloads").click();
    browser.visible("#services-table");
    // The page follows the change stream: the service shows without a reload.
    String row =
        browser.await(
            Duration.ofSeconds(10),
            d -> {
              var rows = d.findElements(By.cssSelector("tr[data-service='shop']"));
              return rows.isEmpty() ? null : rows.get(0).getText();
            });
    assertThat(browser.text("tr[data-service='shop'] td[data-field='generation']")).isEqualTo("1");
    assertThat(row).contains("busybox").contains("no rollout yet");
    assertThat(browser.text("#replicas-table")).contains("No replica placed yet");

    // Each action is confirmed first; generation 1 has nothing before it to roll back to, and
    // the API's 404 reaches the page as its message.
    browser.find("tr[data-service='shop'] button[data-action='rollback']").click();
    assertThat(browser.visible("#confirm-box .confirm").getText())
        .contains("Roll back service shop (now generation 1)?");
    browser.screenshot("13-workloads");
    browser.find("#confirm-yes").click();
    assertThat(browser.visible("#workloads-message .error").getText())
        .isEqualTo(
            "generation 0 of service shop is not kept (the last 10 are: see its generations)");
    browser.find("tr[data-service='shop'] button[data-action='rollout']").click();
    browser.find("#confirm-yes").click();
    browser.await(
        Duration.ofSeconds(10),
        d ->
            browser
                .text("#workloads-message")
                .equals("service shop has no failed rollout to start again"));
  }

  @Test
  @Order(10)
  void theDiscoveryPageListsAServiceItsEndpointAndTheZone() throws Exception {
    String bearer = apiLogin();
    HttpAnswer service = apiPost(bearer, "/api/v1/services", "{\"name\":\"dir\"}");
    assertThat(service.status()).as(service.body()).isEqualTo(201);
    HttpAnswer endpoint =
        apiPost(
            bearer,
            "/api/v1/endpoints",
            "{\"id\":\"dir-w1\",\"service\":\"dir\",\"node_id\":\"w-1\","
                + "\"address\":\"10.42.0.7\",\"port\":389}");
    assertThat(endpoint.status()).as(endpoint.body()).isEqualTo(201);

    browser.find("#nav-discovery").click();
    browser.visible("#discovery-services");
    browser.await(
        Duration.ofSeconds(10),
        d -> !d.findElements(By.cssSelector("tr[data-endpoint-id='dir-w1']")).isEmpty());
    browser.await(Duration.ofSeconds(10), d -> browser.text("#discovery-zone").contains("SOA"));
    browser.screenshot("14-discovery");
    assertThat(browser.text("tr[data-service='dir']")).contains("dir.svc.mesh.local");
    assertThat(browser.text("tr[data-endpoint-id='dir-w1']"))
        .contains("dir")
        .contains("w-1")
        .contains("10.42.0.7:389")
        // w-1 is stale by now: the endpoint is not published, and the page says why.
        .contains("unhealthy")
        .contains("node not alive");
    assertThat(browser.text("#discovery-zone")).contains("mesh.local").contains("10.0.0.53");
  }

  @Test
  @Order(11)
  void aPlacedReplicaIsListedAndARestartIsSent() throws Exception {
    // w-1 made schedulable and alive again (heartbeats from the CLI, no agent): the scheduler
    // places shop's replicas on it; no agent reports them, so they show as unreported.
    String bearer = apiLogin();
    HttpAnswer uncordon = apiPost(bearer, "/api/v1/nodes/w-1/uncordon", "{}");
    assertThat(uncordon.status()).as(uncordon.body()).isEqualTo(200);
    browser.find("#nav-workloads").click();
    browser.visible("#replicas-table");
    String row =
        browser.await(
            Duration.ofSeconds(40),
            d -> {
              heartbeat(); // the lease is 5 s: keep w-1 alive while waiting
              var rows = d.findElements(By.cssSelector("#replicas-table tr[data-replica-id]"));
              return rows.isEmpty() ? null : rows.get(0).getText();
            });
    assertThat(row).contains("shop").contains("w-1").contains("1 / —").contains("unreported");

    browser.find("#replicas-table tr[data-replica-id] button[data-action='snapshot']").click();
    browser.type("#snapshot-name", "before-upgrade");
    browser.find("#confirm-yes").click();
    String sent =
        browser.await(
            Duration.ofSeconds(10),
            d -> {
              String t = browser.text("#workloads-message");
              return t.isEmpty() ? null : t;
            });
    browser.screenshot("15-workloads-replica-snapshot");
    assertThat(sent)
        .matches("snapshot of shop-\\S+ sent \\(command 1\\), snapshot before-upgrade\\.");
  }

  @Test
  @Order(20)
  void stoppingEtcdShowsTheWriteGuardBannerAndDisablesForms() {
    browser.find("#nav-tokens").click();
    browser.visible("#token-form");
    assertThat(browser.find("#token-create").isEnabled()).isTrue();

    etcd.member(0).kill();

    browser.visible("#guard-banner");
    browser.await(Duration.ofSeconds(15), d -> !browser.find("#token-create").isEnabled());
    browser.screenshot("11-write-guard-banner");
    assertThat(browser.text("#guard-banner"))
        .containsPattern("etcd is (stale|down) on this core node");
    browser.find("#nav-overview").click();
    browser.visible("#overview-cards");
    browser.await(
        Duration.ofSeconds(10),
        d -> browser.find("#write-guard").getText().equals("refusing writes"));
    assertThat(browser.find("#guard-banner").isDisplayed()).isTrue();
    browser.screenshot("12-overview-writes-refused");
  }

  record HttpAnswer(int status, String body) {}

  /** Logs in as an API client (a bearer session, the CLI's way); yields the token. */
  private static String apiLogin() throws Exception {
    var http = java.net.http.HttpClient.newHttpClient();
    var login =
        http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(api + "/api/v1/auth/login"))
                .header("Content-Type", "application/json")
                .POST(
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\"admin\",\"password\":\"" + NEW_PASSWORD + "\"}"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    return JSON.readTree(login.body()).path("token").asText();
  }

  private static HttpAnswer apiPost(String bearer, String path, String body) throws Exception {
    var r =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(api + path))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + bearer)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    return new HttpAnswer(r.statusCode(), r.body());
  }

  /** Logs in with a bearer session and creates a worker token; yields its id. */
  private static String createTokenAsApiClient() throws Exception {
    var http = java.net.http.HttpClient.newHttpClient();
    var login =
        http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(api + "/api/v1/auth/login"))
                .header("Content-Type", "application/json")
                .POST(
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\"admin\",\"password\":\"" + NEW_PASSWORD + "\"}"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    String bearer = JSON.readTree(login.body()).path("token").asText();
    var created =
        http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(api + "/api/v1/tokens"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + bearer)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"role\":\"worker\"}"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return JSON.readTree(created.body()).path("id").asText();
  }

  private static void heartbeat() {
    Cli.Result hb =
        Cli.run(
            "heartbeat",
            "--api-url",
            api,
            "--node-id",
            "w-1",
            "--identity-dir",
            dir.resolve("ids").toString());
    assertThat(hb.code()).as(hb.stderr()).isZero();
  }
}
