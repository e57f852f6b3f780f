package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.uptimemesh.core.json.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/** The CLI's HTTP client of the control plane: JSON in and out, errors as one clear line. */
final class ApiClient {
  private static final ObjectMapper JSON = Json.mapper();
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI base;
  private final String token;

  ApiClient(URI base, String token) {
    this.base = base;
    this.token = token;
  }

  URI base() {
    return base;
  }

  JsonNode get(String path) {
    return send(request(path).GET());
  }

  JsonNode post(String path, Object body) {
    return post(path, body, DEFAULT_TIMEOUT);
  }

  /** A POST that may take longer than usual (a restore, a compaction). */
  JsonNode post(String path, Object body, Duration timeout) {
    try {
      return send(
          request(path, timeout)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
    } catch (IOException e) {
      throw new CliException("cannot encode the request: " + e.getMessage());
    }
  }

  JsonNode delete(String path) {
    return send(request(path).DELETE());
  }

  private HttpRequest.Builder request(String path) {
    return request(path, DEFAULT_TIMEOUT);
  }

  private HttpRequest.Builder request(String path, Duration timeout) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(timeout)
            .header("X-Request-ID", "cli-" + UUID.randomUUID());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private JsonNode send(HttpRequest.Builder builder) {
    HttpRequest request = builder.build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new CliException(
          "cannot reach " + base + ": connection refused (is the server running?)");
    } catch (IOException e) {
      throw new CliException("cannot reach " + base + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
    JsonNode body;
    try {
      body = JSON.readTree(response.body().isEmpty() ? "{}" : response.body());
    } catch (IOException e) {
      throw new CliException(
          request.method()
              + " "
              + request.uri().getPath()
              + " answered "
              + response.statusCode()
              + " with non-JSON");
    }
    if (response.statusCode() >= 400) {
      String reason = body.hasNonNull("reason") ? " (" + body.get("reason").asText() + ")" : "";
      throw new CliException(body.path("message").asText("HTTP " + response.statusCode()) + reason);
    }
    return body;
  }

  /** A file fetched by {@link #download}, with the response headers it came with. */
  record Downloaded(long bytes, java.net.http.HttpHeaders headers) {}

  /**
   * Streams a GET's body into {@code target} (never into memory). On an error status the file is
   * removed and the JSON error becomes a {@link CliException}, as for every other call.
   */
  Downloaded download(String path, java.nio.file.Path target, Duration timeout) {
    HttpRequest request = request(path, timeout).GET().build();
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
