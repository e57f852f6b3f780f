package io.uptimemesh.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.uptimemesh.testkit.FreePorts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Fail-over across core nodes and idempotency keys, against real local HTTP servers. */
class ApiClientTest {
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  private final List<String> seen = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(0));
  }

  @Test
  void aWriteMovesOnFromADeadAndARefusingNodeWithOneIdempotencyKey() {
    URI dead = URI.create("http://127.0.0.1:" + FreePorts.one());
    URI refusing = server("refusing", 503, "{\"error\":\"etcd_unavailable\",\"message\":\"down\"}");
    URI good = server("good", 201, "{\"id\":\"t1\"}");
    ApiClient client = new ApiClient(List.of(dead, refusing, good), "tok");

    var answer = client.post("/api/v1/tokens", Map.of("role", "worker"));

    assertThat(answer.path("id").asText()).isEqualTo("t1");
    assertThat(seen).hasSize(2);
    assertThat(seen.get(0)).startsWith("refusing POST /api/v1/tokens key=");
    String key = seen.get(0).substring(seen.get(0).indexOf("key=") + 4);
    assertThat(key).hasSizeGreaterThan(10);
    assertThat(seen.get(1)).isEqualTo("good POST /api/v1/tokens key=" + key);
    assertThat(client.base()).isEqualTo(good);
  }

  @Test
  void readsCarryNoKeyAndEveryWriteGetsItsOwn() {
    URI good = server("good", 200, "{}");
    ApiClient client = new ApiClient(List.of(good), null);
    client.get("/api/v1/nodes");
    client.post("/api/v1/tokens", Map.of());
    client.delete("/api/v1/tokens/x");
    assertThat(seen.get(0)).isEqualTo("good GET /api/v1/nodes key=null");
    assertThat(seen.get(1)).doesNotEndWith("key=null");
    assertThat(seen.get(2)).doesNotEndWith("key=null");
    assertThat(seen.get(1).substring(seen.get(1).indexOf("key=")))
        .isNotEqualTo(seen.get(2).substring(seen.get(2).indexOf("key=")));
  }

  @Test
  void whenNoNodeAnswersTheLastErrorIsReported() {
    URI dead = URI.create("http://127.0.0.1:" + FreePorts.one());
    ApiClient client = new ApiClient(List.of(dead), null);
    assertThatThrownBy(() -> client.get("/version"))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("connection refused");
  }

  @Test
  void aClientErrorIsNotRetriedElsewhere() {
    URI bad =
        server("bad", 400, "{\"error\":\"invalid_request\",\"message\":\"uses must be 1..\"}");
    URI good = server("good", 201, "{}");
    ApiClient client = new ApiClient(List.of(bad, good), null);
    assertThatThrownBy(() -> client.post("/api/v1/tokens", Map.of()))
        .hasMessage("uses must be 1..");
    assertThat(seen).hasSize(1);
  }

  @Test
  void urlListsAreParsedAndBadOnesNamed() {
    assertThat(ApiClient.parseUrls("http://a:1, http://b:2/"))
        .containsExactly(URI.create("http://a:1/"), URI.create("http://b:2/"));
    assertThatThrownBy(() -> ApiClient.parseUrls("http://a:1,ftp://b"))
        .hasMessageContaining("ftp://b");
    assertThatThrownBy(() -> ApiClient.parseUrls("not a url")).hasMessageContaining("not a url");
  }

  private URI server(String name, int status, String body) {
    try {
      HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      s.createContext(
          "/",
          ex -> {
            seen.add(
                name
                    + " "
                    + ex.getRequestMethod()
                    + " "
                    + ex.getRequestURI().getPath()
                    + " key="
                    + ex.getRequestHeaders().getFirst("Idempotency-Key"));
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(status, b.length);
            ex.getResponseBody().write(b);
            ex.close();
          });
      s.start();
      servers.add(s);
      return URI.create("http://127.0.0.1:" + s.getAddress().getPort());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
