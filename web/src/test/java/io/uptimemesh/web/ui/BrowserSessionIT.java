package io.uptimemesh.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.testkit.Await;
import io.uptimemesh.testkit.EtcdClusterExtension;
import io.uptimemesh.web.ApiFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The browser's session over plain HTTP, through the real router on a real etcd: the cookie's
 * flags, CSRF refusals (and bearer clients unaffected), the forced password change, the login rate
 * limit and the console's assets.
 */
@Timeout(90)
class BrowserSessionIT {
  @RegisterExtension static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

  private static final String NEW_PASSWORD = "a much better password";

  private ApiFixture fixture;
  private String bootstrapPassword;

  @BeforeEach
  void setUp() {
    fixture =
        ApiFixture.start(
            etcd.endpoints(),
            1 << 20,
            Optional.of(ApiFixture.identityConfig(Duration.ofSeconds(5))));
    bootstrapPassword =
        send(HttpMethod.POST, "/api/v1/bootstrap", new JsonObject(), null, null)
            .bodyAsJsonObject()
            .getString("admin_password");
  }

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  @Test
  void theSessionCookieIsHttpOnlyStrictAndTheTokenIsNeverInTheBody() {
    HttpResponse<Buffer> r = login(bootstrapPassword);

    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.cookies()).hasSize(1);
    String setCookie = r.cookies().get(0);
    assertThat(setCookie)
        .startsWith("um_session=")
        .containsIgnoringCase("; HttpOnly")
        .contains("SameSite=Strict")
        .contains("Path=/")
        .contains("Max-Age=")
        .doesNotContain("Secure"); // APP_ENV=prod only
    String token = cookieValue(setCookie);
    assertThat(token).hasSizeGreaterThan(30);
    JsonObject body = r.bodyAsJsonObject();
    assertThat(body.getBoolean("must_change_password")).isTrue();
    assertThat(body.getString("csrf_token")).hasSize(64).isNotEqualTo(token);
    assertThat(r.bodyAsString()).doesNotContain(token);
  }

  @Test
  void aBootstrapPasswordSessionMayOnlyChangeThePassword() {
    Session s = Session.of(login(bootstrapPassword));

    HttpResponse<Buffer> tokens = send(HttpMethod.GET, "/api/v1/tokens", null, s.cookie(), null);
    assertThat(tokens.statusCode()).isEqualTo(403);
    assertThat(tokens.bodyAsJsonObject().getString("message"))
        .contains("change the bootstrap password first");

    HttpResponse<Buffer> tooShort = changePassword(s, bootstrapPassword, "short");
    assertThat(tooShort.statusCode()).isEqualTo(400);
    assertThat(tooShort.bodyAsJsonObject().getString("message")).startsWith("new_password:");

    assertThat(changePassword(s, bootstrapPassword, NEW_PASSWORD).statusCode()).isEqualTo(200);
    JsonObject after =
        send(HttpMethod.GET, "/api/v1/auth/session", null, s.cookie(), null).bodyAsJsonObject();
    assertThat(after.getBoolean("must_change_password")).isFalse();
    assertThat(send(HttpMethod.GET, "/api/v1/tokens", null, s.cookie(), null).statusCode())
        .isEqualTo(200);
    // The old password is gone, the new one works.
    assertThat(login(bootstrapPassword).statusCode()).isEqualTo(401);
    assertThat(login(NEW_PASSWORD).statusCode()).isEqualTo(200);
  }

  @Test
  void aPasswordChangeEndsEveryOtherSessionOfTheUserButItsOwn() {
    Session changing = Session.of(login(bootstrapPassword));
    Session other = Session.of(login(bootstrapPassword));
    assertThat(changePassword(changing, bootstrapPassword, NEW_PASSWORD).statusCode())
        .isEqualTo(200);
    Session third = Session.of(login(NEW_PASSWORD));
    String bearer = apiLogin(NEW_PASSWORD);
    assertThat(send(HttpMethod.GET, "/api/v1/tokens", null, third.cookie(), null).statusCode())
        .isEqualTo(200);

    // The second change, from the session that made the first: the browser's other session and
    // the API client's bearer session end; the changing session goes on.
    String next = NEW_PASSWORD + " again";
    assertThat(changePassword(changing, NEW_PASSWORD, next).statusCode()).isEqualTo(200);

    assertThat(send(HttpMethod.GET, "/api/v1/tokens", null, changing.cookie(), null).statusCode())
        .isEqualTo(200);
    for (String cookie : java.util.List.of(other.cookie(), third.cookie())) {
      HttpResponse<Buffer> r = send(HttpMethod.GET, "/api/v1/auth/session", null, cookie, null);
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.bodyAsJsonObject().getString("message")).startsWith("login required");
    }
    HttpResponse<Buffer> api =
        Await.result(fixture.http.get("/api/v1/tokens").bearerTokenAuthentication(bearer).send());
    assertThat(api.statusCode()).isEqualTo(401);
    assertThat(login(next).statusCode()).isEqualTo(200);
  }

  @Test
  void aTokenLabelValueIsFreeTextButNeverAControlCharacter() {
    Session s = Session.of(login(bootstrapPassword));
    changePassword(s, bootstrapPassword, NEW_PASSWORD);
    String hostile = "<script>window.__xss=1</script><b>x</b>";

    HttpResponse<Buffer> ok =
        send(
            HttpMethod.POST,
            "/api/v1/tokens",
            new JsonObject()
                .put("role", "worker")
                .put("labels", new JsonObject().put("note", hostile)),
            s.cookie(),
            s.csrf());
    HttpResponse<Buffer> newline =
        send(
            HttpMethod.POST,
            "/api/v1/tokens",
            new JsonObject()
                .put("role", "worker")
                .put("labels", new JsonObject().put("note", "fake\nlog line")),
            s.cookie(),
            s.csrf());
    HttpResponse<Buffer> badKey =
        send(
            HttpMethod.POST,
            "/api/v1/tokens",
            new JsonObject().put("role", "worker").put("labels", new JsonObject().put("<b>", "x")),
            s.cookie(),
            s.csrf());

    assertThat(ok.statusCode()).as(ok.bodyAsString()).isEqualTo(201);
    String id = ok.bodyAsJsonObject().getString("id");
    JsonObject listed =
        send(HttpMethod.GET, "/api/v1/tokens", null, s.cookie(), null)
            .bodyAsJsonObject()
            .getJsonArray("tokens")
            .stream()
            .map(JsonObject.class::cast)
            .filter(t -> id.equals(t.getString("id")))
            .findFirst()
            .orElseThrow();
    assertThat(listed.getJsonObject("labels").getString("note")).isEqualTo(hostile);
    assertThat(newline.statusCode()).isEqualTo(400);
    assertThat(newline.bodyAsJsonObject().getString("message"))
        .isEqualTo(
            "label note value: holds U+000A at 4: printable text only (no control or invisible"
                + " characters)");
    assertThat(badKey.statusCode()).isEqualTo(400);
    assertThat(badKey.bodyAsJsonObject().getString("message")).startsWith("label key '<b>'");
  }

  @Test
  void aCookieWriteWithoutItsCsrfTokenIsRefusedAndChangesNothing() {
    Session s = Session.of(login(bootstrapPassword));
    changePassword(s, bootstrapPassword, NEW_PASSWORD);
    JsonObject token = new JsonObject().put("role", "worker");
    int before = tokenCount(s); // bootstrap's own core token

    HttpResponse<Buffer> missing = send(HttpMethod.POST, "/api/v1/tokens", token, s.cookie(), null);
    HttpResponse<Buffer> wrong =
        send(HttpMethod.POST, "/api/v1/tokens", token, s.cookie(), "0".repeat(64));

    assertThat(missing.statusCode()).isEqualTo(403);
    assertThat(missing.bodyAsJsonObject().getString("error")).isEqualTo("forbidden");
    assertThat(missing.bodyAsJsonObject().getString("message")).startsWith("missing X-CSRF-Token");
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(wrong.bodyAsJsonObject().getString("message")).startsWith("wrong X-CSRF-Token");
    assertThat(tokenCount(s)).isEqualTo(before);

    HttpResponse<Buffer> ok = send(HttpMethod.POST, "/api/v1/tokens", token, s.cookie(), s.csrf());
    assertThat(ok.statusCode()).as(ok.bodyAsString()).isEqualTo(201);
    assertThat(tokenCount(s)).isEqualTo(before + 1);
  }

  @Test
  void bearerClientsNeedNoCsrfToken() {
    Session s = Session.of(login(bootstrapPassword));
    changePassword(s, bootstrapPassword, NEW_PASSWORD);
    String bearer =
        send(
                HttpMethod.POST,
                "/api/v1/auth/login",
                new JsonObject().put("username", "admin").put("password", NEW_PASSWORD),
                null,
                null)
            .bodyAsJsonObject()
            .getString("token");

    HttpRequest<Buffer> req = fixture.http.post("/api/v1/tokens").bearerTokenAuthentication(bearer);
    // Even with a cookie beside it: an Authorization header means an API client.
    req.putHeader("Cookie", s.cookie());
    HttpResponse<Buffer> r =
        Await.result(req.sendJsonObject(new JsonObject().put("role", "worker")));

    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
  }

  @Test
  void logoutEndsTheSessionAndClearsTheCookie() {
    Session s = Session.of(login(bootstrapPassword));

    HttpResponse<Buffer> noCsrf =
        send(HttpMethod.DELETE, "/api/v1/auth/session", null, s.cookie(), null);
    assertThat(noCsrf.statusCode()).isEqualTo(403);
    HttpResponse<Buffer> out =
        send(HttpMethod.DELETE, "/api/v1/auth/session", null, s.cookie(), s.csrf());

    assertThat(out.statusCode()).isEqualTo(200);
    assertThat(out.cookies().get(0)).startsWith("um_session=;").contains("Max-Age=0");
    assertThat(send(HttpMethod.GET, "/api/v1/auth/session", null, s.cookie(), null).statusCode())
        .isEqualTo(401);
  }

  @Test
  void fiveWrongPasswordsBlockTheNextLoginOnEveryLoginRoute() {
    for (int i = 0; i < 5; i++) {
      assertThat(login("wrong-" + i).statusCode()).isEqualTo(401);
    }

    HttpResponse<Buffer> blocked = login(bootstrapPassword);
    HttpResponse<Buffer> api =
        send(
            HttpMethod.POST,
            "/api/v1/auth/login",
            new JsonObject().put("username", "admin").put("password", bootstrapPassword),
            null,
            null);

    for (HttpResponse<Buffer> r : java.util.List.of(blocked, api)) {
      assertThat(r.statusCode()).isEqualTo(429);
      assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("too_many_requests");
      assertThat(r.bodyAsJsonObject().getString("message")).contains("too many failed logins");
      assertThat(Integer.parseInt(r.getHeader("Retry-After"))).isBetween(1, 60);
      assertThat(r.cookies()).isEmpty();
    }
  }

  @Test
  void theConsoleIsServedFromTheJarWithAStrictContentSecurityPolicy() {
    HttpResponse<Buffer> redirect =
        Await.result(fixture.http.get("/ui").followRedirects(false).send());
    assertThat(redirect.statusCode()).isEqualTo(302);
    assertThat(redirect.getHeader("Location")).isEqualTo("/ui/");

    HttpResponse<Buffer> index = Await.result(fixture.http.get("/ui/").send());
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.getHeader("Content-Type")).startsWith("text/html");
    assertThat(index.getHeader("Content-Security-Policy")).contains("script-src 'self'");
    assertThat(index.bodyAsString())
        .contains("/ui/js/app.js")
        .doesNotContain("http://", "https://");

    HttpResponse<Buffer> script = Await.result(fixture.http.get("/ui/js/app.js").send());
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.getHeader("Content-Type")).contains("javascript");
    assertThat(Await.result(fixture.http.get("/ui/js/nothing.js").send()).statusCode())
        .isEqualTo(404);
  }

  /** Logs in as an API client (a bearer session); yields the token. */
  private String apiLogin(String password) {
    HttpResponse<Buffer> r =
        send(
            HttpMethod.POST,
            "/api/v1/auth/login",
            new JsonObject().put("username", "admin").put("password", password),
            null,
            null);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getString("token");
  }

  private int tokenCount(Session s) {
    return send(HttpMethod.GET, "/api/v1/tokens", null, s.cookie(), null)
        .bodyAsJsonObject()
        .getJsonArray("tokens")
        .size();
  }

  private HttpResponse<Buffer> login(String password) {
    return send(
        HttpMethod.POST,
        "/api/v1/auth/session",
        new JsonObject().put("username", "admin").put("password", password),
        null,
        null);
  }

  private HttpResponse<Buffer> changePassword(Session s, String current, String next) {
    return send(
        HttpMethod.POST,
        "/api/v1/auth/password",
        new JsonObject().put("current_password", current).put("new_password", next),
        s.cookie(),
        s.csrf());
  }

  private HttpResponse<Buffer> send(
      HttpMethod method, String path, JsonObject body, String cookie, String csrf) {
    HttpRequest<Buffer> req = fixture.http.request(method, path);
    if (cookie != null) {
      req.putHeader("Cookie", cookie);
    }
    if (csrf != null) {
      req.putHeader("X-CSRF-Token", csrf);
    }
    return Await.result(
        body == null ? req.send() : req.sendJsonObject(body), Duration.ofSeconds(15));
  }

  private static String cookieValue(String setCookie) {
    return setCookie.substring("um_session=".length(), setCookie.indexOf(';'));
  }

  /** A browser's session: the Cookie header it sends and its CSRF token. */
  private record Session(String cookie, String csrf) {
    static Session of(HttpResponse<Buffer> login) {
      assertThat(login.statusCode()).as(login.bodyAsString()).isEqualTo(200);
      return new Session(
          "um_session=" + cookieValue(login.cookies().get(0)),
          login.bodyAsJsonObject().getString("csrf_token"));
    }
  }
}
