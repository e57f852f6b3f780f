package io.uptimemesh.launcher;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.uptimemesh.testkit.EtcdClusterExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * The console's Control plane page in a real headless Chromium, against the packaged server on a
 * real three-member etcd (external to the server, so etcd has three members while the control plane
 * has one core server). One server and one browser for the class; the tests run in order.
 * Screenshots {@code 30-*} to {@code 35-*} under {@code target/ui-screenshots/}.
 */
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UiControlPlaneIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NEW_PASSWORD = "operator password 2026";
  private static final String CORE_SERVERS = "/uptimemesh/core-servers/";

  @RegisterExtension static final EtcdClusterExtension etcd = EtcdClusterExtension.members(3);

  @TempDir static Path dir;
  private static ServerProcess server;
  private static Browser browser;
  private static Client kv;
  private static String api;
  private static String oldHome;
  private static String pageSnapshot;

  @BeforeAll
  static void start() throws Exception {
    assertThat(Browser.available())
        .as("%s and %s (scripts/deps.sh installs them)", Browser.BINARY, Browser.DRIVER)
        .isTrue();
    // The CLI (run in this JVM) keeps its session under user.home: keep it in the test's directory.
    oldHome = System.getProperty("user.home");
    System.setProperty("user.home", dir.resolve("home").toString());
    Files.createDirectories(dir.resolve("server"));
    server = new ServerProcess(dir.resolve("server")).env("ETCD_ENDPOINTS", etcd.endpointsCsv());
    server.start();
    server.awaitReady(Duration.ofSeconds(30));
    api = "http://127.0.0.1:" + server.httpPort;
    ConsoleClient console = new ConsoleClient(api);
    String bootstrapPassword = console.bootstrap();
    kv = Client.builder().endpoints(etcd.endpoints().toArray(URI[]::new)).build();
    browser = new Browser();
    console.firstLogin(browser, bootstrapPassword, NEW_PASSWORD);
    Cli.Result login =
        Cli.withInput(NEW_PASSWORD + "\n", "login", "--api-url", api, "--password-stdin");
    assertThat(login.code()).as(login.stderr()).isZero();
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (kv != null) {
      kv.close();
    }
    if (server != null) {
      server.sigterm();
      server.awaitExit(Duration.ofSeconds(10));
      server.close();
    }
    if (oldHome != null) {
      System.setProperty("user.home", oldHome);
    }
  }

  @Test
  @Order(1)
  void thePageListsTheThreeMembersWithOneLeaderAndTheirDbSize() throws Exception {
    browser.find("#nav-control-plane").click();
    browser.visible("#etcd-members table");

    List<String[]> rows =
        browser.await(
            Duration.ofSeconds(10),
            d -> {
              var trs = d.findElements(By.cssSelector("#etcd-members tr[data-member-id]"));
              if (trs.size() != 3) {
                return null;
              }
              return trs.stream()
                  .map(
                      tr ->
                          new String[] {
                            tr.getAttribute("data-leader"),
                            tr.findElement(By.cssSelector("[data-field='db-size']")).getText(),
                            tr.findElement(By.cssSelector("[data-field='db-size']"))
                                .getAttribute("data-bytes"),
                            tr.getText()
                          })
                  .toList();
            });
    browser.visible("#alarms-none");
    browser.screenshot("30-control-plane");

    assertThat(rows).filteredOn(r -> r[0].equals("true")).hasSize(1);
    for (String[] r : rows) {
      assertThat(Long.parseLong(r[2])).isPositive();
      assertThat(r[1]).matches("[0-9.]+ (B|KiB|MiB)( \\([0-9.]+ (B|KiB|MiB) in use\\))?");
      assertThat(r[3]).contains("http://127.0.0.1:");
    }
    JsonNode members = JSON.readTree(ok("etcd-status", "--api-url", api, "--output", "json"));
    List<String> names = new java.util.ArrayList<>();
    members.path("members").forEach(m -> names.add(m.path("name").asText()));
    assertThat(names).hasSize(3);
    assertThat(rows)
        .extracting(r -> r[3].split("\\s+")[0])
        .containsExactlyInAnyOrderElementsOf(names);
    assertThat(browser.text("#alarms-none")).isEqualTo("no alarms");
    // The one core server, which is also the leader of the core servers' election.
    String leader =
        JSON.readTree(server.get("/api/v1/cluster/leader").body()).path("name").asText();
    assertThat(browser.text("#cp-leader-name")).isEqualTo(leader);
    // One core server: the leader (the API marks it: the election and the record share its name).
    List<WebElement> core =
        browser.driver.findElements(By.cssSelector("#core-members tr[data-core]"));
    assertThat(core).hasSize(1);
    assertThat(core.get(0).getText()).contains(api).contains("leader");
  }

  @Test
  @Order(2)
  void aSnapshotTakenInThePageAppearsInTheList() {
    browser.visible("#snapshots-none");
    browser.find("#snapshot-take").click();
    browser.visible("#confirm-box .confirm");
    browser.find("#confirm-yes").click();

    String started = browser.text("#cp-message .ok");
    assertThat(started).matches("Snapshot \\S+ started\\.");
    pageSnapshot = started.split(" ")[1];
    String row = browser.text("tr[data-snapshot-id='" + pageSnapshot + "']");
    browser.screenshot("31-snapshot-taken");
    assertThat(row).contains(pageSnapshot).contains("ready").contains("Download");
  }

  @Test
  @Order(3)
  void aSnapshotTakenWithTheCliAppearsWithoutAReload() throws Exception {
    Object marker = browser.driver.executeScript("return window.__page = Math.random()");

    JsonNode run =
        JSON.readTree(ok("snapshot-run", "--wait", "--api-url", api, "--output", "json"));
    String id = run.path("id").asText();
    assertThat(run.path("state").asText()).isEqualTo("succeeded");

    // Its "snapshot_taken" event reaches the page through the event stream; no timer reloads the
    // list, so 8 s is well within what only the live path can do.
    browser.await(
        Duration.ofSeconds(8),
        d -> !d.findElements(By.cssSelector("tr[data-snapshot-id='" + id + "']")).isEmpty());
    assertThat(browser.driver.executeScript("return window.__page")).isEqualTo(marker);
    assertThat(browser.text("tr[data-snapshot-id='" + id + "']"))
        .contains(Long.toString(run.path("snapshot").path("revision").asLong()));
  }

  @Test
  @Order(4)
  void theDownloadLinkGivesTheSnapshotsBytesAsAnAttachment() throws Exception {
    JsonNode meta = JSON.readTree(ok("snapshot-list", "--api-url", api, "--output", "json"));
    JsonNode snapshot = null;
    for (JsonNode s : meta.path("snapshots")) {
      if (s.path("id").asText().equals(pageSnapshot)) {
        snapshot = s;
      }
    }
    assertThat(snapshot).as("snapshot %s in %s", pageSnapshot, meta).isNotNull();

    String href =
        browser.find("tr[data-snapshot-id='" + pageSnapshot + "'] a.download").getAttribute("href");
    // The browser's own fetch with the page's cookie session (no bearer token anywhere).
    @SuppressWarnings("unchecked")
    Map<String, Object> got =
        (Map<String, Object>)
            browser.driver.executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                    + "fetch(arguments[0], {credentials: 'same-origin'}).then(async (r) => {"
                    + "  const body = await r.arrayBuffer();"
                    + "  const digest = await crypto.subtle.digest('SHA-256', body);"
                    + "  done({status: r.status, bytes: body.byteLength,"
                    + "    sha256: [...new Uint8Array(digest)]"
                    + "      .map((b) => b.toString(16).padStart(2, '0')).join(''),"
                    + "    disposition: r.headers.get('Content-Disposition')});"
                    + "}).catch((e) => done({error: String(e)}));",
                href);

    assertThat(got).doesNotContainKey("error");
    assertThat(((Number) got.get("status")).intValue()).isEqualTo(200);
    assertThat(((Number) got.get("bytes")).longValue())
        .isEqualTo(snapshot.path("size").asLong())
        .isPositive();
    assertThat(got.get("sha256")).isEqualTo(snapshot.path("sha256").asText());
    assertThat(got.get("disposition"))
        .isEqualTo("attachment; filename=\"" + pageSnapshot + ".db\"");
  }

  @Test
  @Order(5)
  void restoreAsksForTheTypedIdRefusesAWrongOneAndThenDoesWhatTheApiDoes() {
    browser
        .find("tr[data-snapshot-id='" + pageSnapshot + "'] button[data-action='restore']")
        .click();
    String explained = browser.text("#restore-explained");
    assertThat(explained)
        .contains("Restore etcd from snapshot " + pageSnapshot)
        .contains("Every change made after the snapshot is lost")
        .contains("Type the snapshot id to confirm");
    assertThat(browser.text("#restore-verdict"))
        .isEqualTo(
            "This core node uses an external etcd (ETCD_ENDPOINTS): the server will refuse this"
                + " restore.");

    browser.type("#restore-confirm-id", pageSnapshot.substring(0, pageSnapshot.length() - 1));
    browser.find("#confirm-yes").click();
    assertThat(browser.text("#confirm-error"))
        .isEqualTo("The typed id does not match " + pageSnapshot + ": nothing was restored.");
    browser.screenshot("32-restore-confirm");
    assertThat(browser.find("#restore-confirm-id").isDisplayed()).isTrue();

    browser.type("#restore-confirm-id", pageSnapshot);
    browser.find("#confirm-yes").click();
    // This server's etcd is external: the API refuses (409) and says how to restore instead.
    String refused = browser.text("#cp-message .error");
    assertThat(browser.driver.findElements(By.id("restore-confirm-id"))).isEmpty();
    Cli.Result cli = Cli.run("snapshot-restore", pageSnapshot, "--yes", "--api-url", api);
    assertThat(cli.code()).isEqualTo(1);
    assertThat(refused).contains("external etcd").contains("docs/snapshot-restore.md");
    assertThat(cli.stderr()).contains(refused);
  }

  @Test
  @Order(6)
  void aCoreServerRegisteringShowsWithoutAReload() throws Exception {
    Object marker = browser.driver.executeScript("return window.__page = Math.random()");
    KeyValue mine =
        kv.getKVClient()
            .get(bytes(CORE_SERVERS), GetOption.builder().isPrefix(true).build())
            .get(10, TimeUnit.SECONDS)
            .getKvs()
            .get(0);
    ObjectNode ghost = (ObjectNode) JSON.readTree(mine.getValue().toString(UTF_8));
    ghost.put("name", "core-ghost");
    assertThat(ghost.has("api_url")).as("a core server record: %s", ghost).isTrue();
    ghost.put("api_url", "http://127.0.0.1:1");
    kv.getKVClient()
        .put(bytes(CORE_SERVERS + "core-ghost"), bytes(JSON.writeValueAsString(ghost)))
        .get(10, TimeUnit.SECONDS);
    try {
      String row =
          browser.await(
              Duration.ofSeconds(8),
              d ->
                  d
                      .findElements(By.cssSelector("#core-members tr[data-core='core-ghost']"))
                      .stream()
                      .map(WebElement::getText)
                      .findFirst()
                      .orElse(null));
      browser.screenshot("33-core-server-live");
      assertThat(row).contains("http://127.0.0.1:1");
      assertThat(browser.driver.executeScript("return window.__page")).isEqualTo(marker);
    } finally {
      kv.getKVClient().delete(bytes(CORE_SERVERS + "core-ghost")).get(10, TimeUnit.SECONDS);
    }
    browser.await(
        Duration.ofSeconds(8),
        d -> d.findElements(By.cssSelector("#core-members tr[data-core='core-ghost']")).isEmpty());
  }

  @Test
  @Order(7)
  void anEtcdAlarmShowsAsARedBox() throws Exception {
    String memberHex =
        browser.find("#etcd-members tr[data-member-id]").getAttribute("data-member-id");
    String memberName = browser.find("#etcd-members tr[data-member-id] strong").getText();
    String memberId = Long.toUnsignedString(Long.parseUnsignedLong(memberHex, 16));
    // etcd's JSON gateway takes the Alarm call's ACTIVATE, which jetcd and etcdctl do not offer.
    alarm("ACTIVATE", memberId);
    try {
      String box = browser.await(Duration.ofSeconds(15), d -> alarmText());
      browser.screenshot("34-alarm");
      assertThat(box)
          .contains("NOSPACE on member " + memberName + " (")
          .contains(memberHex.replaceFirst("^0+", ""));
      assertThat(browser.find("#alarms-active").getCssValue("background-color"))
          .isEqualTo("rgba(253, 226, 226, 1)");
    } finally {
      alarm("DEACTIVATE", memberId);
    }
    browser.visible("#alarms-none");
    server.awaitReady(Duration.ofSeconds(20));
  }

  @Test
  @Order(8)
  void whileWritesAreRefusedTakeSnapshotIsDisabledButRestoreIsNot() {
    browser.await(Duration.ofSeconds(10), d -> browser.find("#snapshot-take").isEnabled());
    // Two of three members gone: no quorum, the write guard refuses writes.
    etcd.member(1).kill();
    etcd.member(2).kill();

    browser.visible("#guard-banner");
    browser.await(Duration.ofSeconds(20), d -> !browser.find("#snapshot-take").isEnabled());
    browser.screenshot("35-writes-refused");
    // A restore is what mends a broken etcd, and the server lets it through the write guard.
    assertThat(
            browser
                .find("tr[data-snapshot-id='" + pageSnapshot + "'] button[data-action='restore']")
                .isEnabled())
        .isTrue();
  }

  private static String alarmText() {
    var boxes = browser.driver.findElements(By.cssSelector("#alarms-active"));
    return boxes.isEmpty() ? null : boxes.get(0).getText();
  }

  private static void alarm(String action, String memberId) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(etcd.member(0).clientUrl() + "/v3/maintenance/alarm"))
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"action\":\""
                                + action
                                + "\",\"memberID\":\""
                                + memberId
                                + "\",\"alarm\":\"NOSPACE\"}"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, UTF_8);
  }

  private static String ok(String... args) {
    Cli.Result r = Cli.run(args);
    assertThat(r.code()).as("uptimemesh %s: %s", String.join(" ", args), r.stderr()).isZero();
    return r.stdout();
  }
}
