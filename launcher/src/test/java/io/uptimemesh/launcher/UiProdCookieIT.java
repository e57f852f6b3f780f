package io.uptimemesh.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.uptimemesh.core.auth.RandomSecrets;
import io.uptimemesh.testkit.EtcdClusterExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** With {@code APP_ENV=prod} the packaged server marks the console's session cookie Secure. */
@Timeout(90)
class UiProdCookieIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

  @TempDir Path dir;

  @Test
  void theSessionCookieIsSecureInProduction() throws Exception {
    try (ServerProcess server =
        new ServerProcess(dir)
            .env("APP_ENV", "prod")
            .env("AUTH_SECRET_KEY", RandomSecrets.token(32))
            .env("CLUSTER_SIGNING_KEY", RandomSecrets.token(32))
            .env("ETCD_ENDPOINTS", etcd.endpointsCsv())) {
      server.start();
      server.awaitReady(Duration.ofSeconds(30));
      String api = "http://127.0.0.1:" + server.httpPort;
      Cli.Result boot = Cli.run("bootstrap", "--api-url", api, "--output", "json");
      assertThat(boot.code()).as(boot.stderr()).isZero();
      String password = JSON.readTree(boot.stdout()).path("admin_password").asText();

      HttpResponse<String> login =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(api + "/api/v1/auth/session"))
                      .header("Content-Type", "application/json")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"username\":\"admin\",\"password\":\"" + password + "\"}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
      assertThat(login.headers().allValues("Set-Cookie"))
          .singleElement()
          .asString()
          .startsWith("um_session=")
          .contains("; Secure")
          .containsIgnoringCase("; HttpOnly")
          .contains("SameSite=Strict");
      server.sigterm();
      server.awaitExit(Duration.ofSeconds(10));
    }
  }
}
