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
    try {
      return send(
          request(path)
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
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(30))
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

  /**
   * Reads a server-sent event stream, handing each line to {@code lines}, until the server ends it.
   *
   * @param lastEventId sent as {@code Last-Event-ID} to resume, or null
   * @throws CliException for an error answer (its message) or when the server cannot be reached
   */
  void stream(String path, String lastEventId, java.util.function.Consumer<String> lines) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
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
    } catch (ConnectException e) {
      throw new CliException(
          "cannot reach " + base + ": connection refused (is the server running?)");
    } catch (IOException e) {
      throw new CliException("cannot reach " + base + ": " + e.getMessage());
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
        throw new CliException(message);
      }
      body.forEach(lines);
    } catch (java.io.UncheckedIOException e) {
      throw new CliException("the event stream from " + base + " broke: " + e.getMessage());
    }
  }
}
