package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.uptimemesh.core.idempotency.IdempotencyKeys;
import io.uptimemesh.core.json.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The CLI's HTTP client of the control plane: JSON in and out, errors as one clear line.
 *
 * <p>It knows one or more core API URLs. A call that cannot reach a core node, or that a core node
 * refuses with 503 (its etcd is stale or down), is sent to the next one, for a few rounds with a
 * growing pause between rounds. Every write carries an {@code Idempotency-Key} that stays the same
 * across those attempts, so a write whose answer was lost is never applied twice.
 */
public final class ApiClient {
  private static final ObjectMapper JSON = Json.mapper();

  /** Rounds over every URL before giving up; the pause between rounds doubles from the first. */
  private static final int ROUNDS = 3;

  private static final Duration FIRST_PAUSE = Duration.ofMillis(300);
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<URI> bases;
  private final String token;
  private int current;

  public ApiClient(List<URI> bases, String token) {
    if (bases.isEmpty()) {
      throw new IllegalArgumentException("no API URL");
    }
    this.bases = List.copyOf(bases);
    this.token = token;
  }

  /**
   * Parses {@code --api-url}: one URL or a comma-separated list.
   *
   * @throws CliException naming the value that is not an http(s) URL
   */
  public static List<URI> parseUrls(String apiUrls) {
    List<URI> out = new ArrayList<>();
    for (String part : apiUrls.split(",")) {
      String s = part.strip();
      URI uri;
      try {
        uri = URI.create(s.endsWith("/") ? s : s + "/");
      } catch (IllegalArgumentException e) {
        throw new CliException("--api-url " + s + " is not a URL");
      }
      if (uri.getHost() == null
          || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
        throw new CliException("--api-url " + s + " is not an http(s) URL");
      }
      out.add(uri);
    }
    return out;
  }

  /** The URL that answered last (or the first one). */
  public URI base() {
    return bases.get(current);
  }

  public JsonNode get(String path) {
    return send("GET", path, null, null, DEFAULT_TIMEOUT);
  }

  public JsonNode post(String path, Object body) {
    return post(path, body, DEFAULT_TIMEOUT);
  }

  /** A POST that may take longer than usual (a restore, a compaction). */
  public JsonNode post(String path, Object body, Duration timeout) {
    try {
      return send(
          "POST", path, JSON.writeValueAsBytes(body), UUID.randomUUID().toString(), timeout);
    } catch (IOException e) {
      throw new CliException("cannot encode the request: " + e.getMessage());
    }
  }

  /**
   * A PUT (e.g. a workload spec).
   *
   * @param ifMatch sent as {@code If-Match} (the revision the change is based on), or null
   */
  public JsonNode put(String path, Object body, String ifMatch) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new CliException("cannot encode the request: " + e.getMessage());
    }
    Exchange e =
        exchange(
            "PUT",
            path,
            bytes,
            UUID.randomUUID().toString(),
            DEFAULT_TIMEOUT,
            ifMatch == null ? Map.of() : Map.of("If-Match", ifMatch));
    return result(e.request(), e.response());
  }

  public JsonNode delete(String path) {
    return send("DELETE", path, null, UUID.randomUUID().toString(), DEFAULT_TIMEOUT);
  }

  /** A GET whose 404 means "there is none" (a service's rollout): empty then. */
  public java.util.Optional<JsonNode> getIfExists(String path) {
    Exchange e = exchange("GET", path, null, null, DEFAULT_TIMEOUT);
    if (e.response().statusCode() == 404) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(result(e.request(), e.response()));
  }

  /** A GET of a text answer (a zone file, a Corefile); errors are read as the JSON they are. */
  public String getText(String path) {
    Exchange e = exchange("GET", path, null, null, DEFAULT_TIMEOUT);
    if (e.response().statusCode() >= 400) {
      throw error(e.request(), e.response());
    }
    return e.response().body();
  }

  private JsonNode send(
      String method, String path, byte[] body, String idempotencyKey, Duration timeout) {
    Exchange e = exchange(method, path, body, idempotencyKey, timeout);
    return result(e.request(), e.response());
  }

  private record Exchange(HttpRequest request, HttpResponse<String> response) {}

  private Exchange exchange(
      String method, String path, byte[] body, String idempotencyKey, Duration timeout) {
    return exchange(method, path, body, idempotencyKey, timeout, Map.of());
  }

  private Exchange exchange(
      String method,
      String path,
      byte[] body,
      String idempotencyKey,
      Duration timeout,
      Map<String, String> headers) {
    String requestId = "cli-" + UUID.randomUUID();
    CliException last = null;
    int attempts = ROUNDS * bases.size();
    for (int attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0 && attempt % bases.size() == 0) {
        pause(FIRST_PAUSE.multipliedBy(1L << (attempt / bases.size() - 1)));
      }
      URI base = bases.get(current);
      HttpRequest request =
          request(base, method, path, body, idempotencyKey, requestId, timeout, headers);
      HttpResponse<String> response;
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (ConnectException e) {
        last =
            new CliException(
                "cannot reach " + base + ": connection refused (is the server running?)");
        next();
        continue;
      } catch (IOException e) {
        last = new CliException("cannot reach " + base + ": " + e);
        next();
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted");
      }
      if (response.statusCode() == 503) {
        last = error(request, response);
        next();
        continue;
      }
      return new Exchange(request, response);
    }
    throw last;
  }

  private HttpRequest request(
      URI base,
      String method,
      String path,
      byte[] body,
      String idempotencyKey,
      String requestId,
      Duration timeout,
      Map<String, String> headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path.startsWith("/") ? path.substring(1) : path))
            .timeout(timeout)
            .header("X-Request-ID", requestId);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (idempotencyKey != null) {
      b.header(IdempotencyKeys.HEADER, idempotencyKey);
    }
    headers.forEach(b::header);
    if (body != null) {
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return b.build();
  }

  private void next() {
    current = (current + 1) % bases.size();
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
  }

  private static JsonNode result(HttpRequest request, HttpResponse<String> response) {
    JsonNode body = parse(request, response);
    if (response.statusCode() >= 400) {
      throw error(request, response);
    }
    return body;
  }

  private static CliException error(HttpRequest request, HttpResponse<String> response) {
    JsonNode body = parse(request, response);
    String reason = body.hasNonNull("reason") ? " (" + body.get("reason").asText() + ")" : "";
    return new CliException(body.path("message").asText("HTTP " + response.statusCode()) + reason);
  }

  private static JsonNode parse(HttpRequest request, HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body().isEmpty() ? "{}" : response.body());
    } catch (IOException e) {
      throw new CliException(
          request.method()
              + " "
              + request.uri().getPath()
              + " answered "
              + response.statusCode()
              + " with non-JSON");
    }
  }

  /**
   * How a stream ended.
   *
   * @param problem null when the server ended it, else why this core node could not be read (it was
   *     unreachable, refused with 503, or the connection broke); the next call tries the next URL
   */
  record StreamEnd(String problem) {}

  /**
   * Reads a server-sent event stream from the current URL, handing each line to {@code lines},
   * until it ends.
   *
   * @param lastEventId sent as {@code Last-Event-ID} to resume, or null
   * @throws CliException when the server refuses for a reason retrying cannot fix (a 4xx)
   */
  StreamEnd stream(String path, String lastEventId, java.util.function.Consumer<String> lines) {
    URI base = base();
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path.startsWith("/") ? path.substring(1) : path))
            .header("Accept", "text/event-stream")
            .header("X-Request-ID", "cli-" + UUID.randomUUID());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<java.util.stream.Stream<String>> response;
    try {
      response = http.send(b.GET().build(), HttpResponse.BodyHandlers.ofLines());
    } catch (IOException e) {
      next();
      return new StreamEnd("cannot reach " + base + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
    try (java.util.stream.Stream<String> body = response.body()) {
      if (response.statusCode() >= 400) {
        String text = body.collect(java.util.stream.Collectors.joining("\n"));
        String message;
        try {
          message = JSON.readTree(text).path("message").asText("HTTP " + response.statusCode());
        } catch (IOException e) {
          message = "HTTP " + response.statusCode();
        }
        if (response.statusCode() == 503) {
          next();
          return new StreamEnd(base + " answered: " + message);
        }
        throw new CliException(message);
      }
      body.forEach(lines);
      return new StreamEnd(null);
    } catch (java.io.UncheckedIOException e) {
      next();
      return new StreamEnd("the event stream from " + base + " broke: " + e.getMessage());
    }
  }

  /** A file fetched by {@link #download}, with the response headers it came with. */
  record Downloaded(long bytes, java.net.http.HttpHeaders headers) {}

  /**
   * Streams a GET's body into {@code target} (never into memory). On an error status the file is
   * removed and the JSON error becomes a {@link CliException}, as for every other call.
   */
  Downloaded download(String path, java.nio.file.Path target, Duration timeout) {
    URI base = base();
    HttpRequest request =
        request(base, "GET", path, null, null, "cli-" + UUID.randomUUID(), timeout, Map.of());
    HttpResponse<java.nio.file.Path> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofFile(target));
    } catch (ConnectException e) {
      throw new CliException(
          "cannot reach " + base + ": connection refused (is the server running?)");
    } catch (IOException e) {
      throw new CliException("cannot download from " + base + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
    try {
      if (response.statusCode() >= 400) {
        String text = java.nio.file.Files.readString(target);
        java.nio.file.Files.deleteIfExists(target);
        JsonNode body;
        try {
          body = JSON.readTree(text.isEmpty() ? "{}" : text);
        } catch (IOException e) {
          body = JSON.createObjectNode();
        }
        throw new CliException(body.path("message").asText("HTTP " + response.statusCode()));
      }
      return new Downloaded(java.nio.file.Files.size(target), response.headers());
    } catch (IOException e) {
      throw new CliException("cannot read " + target + ": " + e.getMessage());
    }
  }
}
