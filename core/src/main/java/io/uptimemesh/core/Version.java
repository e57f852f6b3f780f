package io.uptimemesh.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The product version, read from {@code version.json} at the repository root, which the build packs
 * into this module. It is the only place the version is written down.
 *
 * @param app the application version, e.g. {@code 0.1.0}
 * @param channel the release channel, e.g. {@code dev} or {@code stable}
 * @param api the HTTP API version, e.g. {@code v1}
 */
public record Version(String app, String channel, String api) {

  private static final String RESOURCE = "/io/uptimemesh/core/version.json";

  /** Returns the version packed into this build; fails if version.json is missing or broken. */
  public static Version current() {
    try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("version.json is missing from the classpath: " + RESOURCE);
      }
      return parse(new ObjectMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  static Version parse(JsonNode json) {
    return new Version(required(json, "app"), required(json, "channel"), required(json, "api"));
  }

  private static String required(JsonNode json, String field) {
    JsonNode node = json.get(field);
    if (node == null || !node.isTextual() || node.asText().isBlank()) {
      throw new IllegalStateException("version.json: field '" + field + "' must be a string");
    }
    return node.asText();
  }

  /** The one-line form printed by {@code uptimemesh --version}. */
  public String describe() {
    return "uptimemesh " + app + " (" + channel + ", api " + api + ")";
  }
}
