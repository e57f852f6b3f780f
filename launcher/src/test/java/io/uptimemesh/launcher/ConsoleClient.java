package io.uptimemesh.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * What the console's browser tests do besides clicking: bootstrap the packaged server with the CLI,
 * the first login with its forced password change, and API calls as a bearer client (the CLI's way)
 * to set up what a page then shows.
 */
public final class ConsoleClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String api;

  /**
   * @param api the server's base URL, e.g. {@code http://127.0.0.1:8010}
   */
  public ConsoleClient(String api) {
    this.api = api;
  }

  /** Runs {@code uptimemesh bootstrap}; yields the generated admin password. */
  String bootstrap() throws Exception {
    Cli.Result boot = Cli.run("bootstrap", "--api-url", api, "--output", "json");
    assertThat(boot.code()).as(boot.stderr()).isZero();
    return JSON.readTree(boot.stdout()).path("admin_password").asText();
  }

  /** Logs the browser in with the bootstrap password and sets {@code password} when asked to. */
  public void firstLogin(Browser browser, String bootstrapPassword, String password) {
    browser.open(api + "/ui/");
    browser.type("#password", bootstrapPassword);
    browser.find("#login-submit").click();
    browser.visible("#forced-password");
    browser.type("#current-password", bootstrapPassword);
    browser.type("#new-password", password);
    browser.type("#repeat-password", password);
    browser.find("#password-submit").click();
    browser.visible("#overview-cards");
  }

  /** Logs in as an API client (a bearer session); yields the token. */
  String apiLogin(String password) throws Exception {
    HttpResponse<String> login =
        send(
            null,
            "POST",
            "/api/v1/auth/login",
            "{\"username\":\"admin\",\"password\":\"" + password + "\"}");
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    return JSON.readTree(login.body()).path("token").asText();
  }

  /**
   * Sends {@code body} (JSON) with {@code method} to {@code path}, as {@code bearer} if not null.
   */
  HttpResponse<String> send(String bearer, String method, String path, String body)
      throws Exception {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(api + path))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      req.header("Authorization", "Bearer " + bearer);
    }
    return HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofString());
  }
}
