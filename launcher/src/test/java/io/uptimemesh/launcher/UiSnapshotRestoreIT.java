package io.uptimemesh.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real restore from the console's Control plane page: the packaged server with its managed
 * single-member etcd (the case where the server restores in place; {@link UiControlPlaneIT} covers
 * the refusals of an external etcd), in a real headless Chromium. What was written after the
 * snapshot is gone afterwards, and the page keeps working. Screenshot {@code 36-restore-done}.
 */
@Timeout(120)
class UiSnapshotRestoreIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PASSWORD = "operator password 2026";

  @TempDir static Path dir;
  private static CoreCluster cluster;
  private static Browser browser;
  private static ConsoleClient console;
  private static String bearer;

  @BeforeAll
  static void start() throws Exception {
    assertThat(Browser.available())
        .as("%s and %s (scripts/deps.sh installs them)", Browser.BINARY, Browser.DRIVER)
        .isTrue();
    cluster = CoreCluster.start(dir, 1, "");
    String api = cluster.servers.get(0).url();
    console = new ConsoleClient(api);
    browser = new Browser();
    // CoreCluster bootstrapped it already.
    console.firstLogin(browser, cluster.adminPassword, PASSWORD);
    // Logged in before the snapshot, so this session is in it and survives the restore.
    bearer = console.apiLogin(PASSWORD);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aSnapshotRestoredFromThePageBringsBackTheClusterAsItWas() throws Exception {
    browser.find("#nav-control-plane").click();
    browser.visible("#snapshots-none");
    browser.find("#snapshot-take").click();
    browser.visible("#confirm-box .confirm");
    browser.find("#confirm-yes").click();
    String id = browser.text("#cp-message .ok").split(" ")[1];
    browser.await(
        Duration.ofSeconds(20),
        d -> browser.text("tr[data-snapshot-id='" + id + "']").contains("ready"));

    // Written after the snapshot: a join token.
    HttpResponse<String> created =
        console.send(bearer, "POST", "/api/v1/tokens", "{\"role\":\"worker\",\"ttl_seconds\":600}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String tokenId = JSON.readTree(created.body()).path("id").asText();
    assertThat(tokenIds()).contains(tokenId);

    browser.find("tr[data-snapshot-id='" + id + "'] button[data-action='restore']").click();
    assertThat(browser.driver.findElements(org.openqa.selenium.By.id("restore-verdict")))
        .as("a managed single-member etcd: the server restores in place")
        .isEmpty();
    browser.type("#restore-confirm-id", id);
    browser.find("#confirm-yes").click();
    String done =
        browser.await(
            Duration.ofSeconds(60),
            d -> {
              String t = browser.text("#cp-message");
              return t.startsWith("Restored snapshot") ? t : null;
            });
    browser.screenshot("36-restore-done");
    assertThat(done).contains(id);

    assertThat(tokenIds()).as("the token written after the snapshot").doesNotContain(tokenId);
    // The page still works on the restored etcd: the write guard accepts writes again and the
    // snapshot is still listed (its file is outside etcd).
    browser.await(Duration.ofSeconds(30), d -> browser.find("#snapshot-take").isEnabled());
    assertThat(browser.text("tr[data-snapshot-id='" + id + "']")).contains("ready");
  }

  private static java.util.List<String> tokenIds() throws Exception {
    HttpResponse<String> r = console.send(bearer, "GET", "/api/v1/tokens", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    java.util.List<String> ids = new java.util.ArrayList<>();
    for (JsonNode t : JSON.readTree(r.body()).path("tokens")) {
      ids.add(t.path("id").asText());
    }
    return ids;
  }
}
