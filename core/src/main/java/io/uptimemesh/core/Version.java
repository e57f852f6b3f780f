package io.uptimemesh.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The product version, read from {@code version.json} at the repository root, which the build packs
 * into this module. It is the only place the version is written down.
 *
 * <p>Read with a small pattern rather than Jackson: {@code uptimemesh --version} and every CLI call
 * should not pay for loading a JSON library to read four strings.
 *
 * @param app the application version, e.g. {@code 0.1.0}
 * @param channel the release channel, e.g. {@code dev} or {@code stable}
 * @param api the HTTP API version, e.g. {@code v1}
 */
public record Version(String app, String channel, String api) {

  private static final String RESOURCE = "/io/uptimemesh/core/version.json";
  private static final Pattern STRING_FIELD =
      Pattern.compile("\"([A-Za-z_]+)\"\\s*:\\s*\"([^\"\\\\]*)\"");

  /** Returns the version packed into this build; fails if version.json is missing or broken. */
  public static Version current() {
    try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("version.json is missing from the classpath: " + RESOURCE);
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  /** Parses the string fields of version.json; every one of app, channel, api is required. */
  static Version parse(String json) {
    Map<String, String> fields = new HashMap<>();
    Matcher m = STRING_FIELD.matcher(json);
    while (m.find()) {
      fields.put(m.group(1), m.group(2));
    }
    return new Version(
        required(fields, "app"), required(fields, "channel"), required(fields, "api"));
  }

  private static String required(Map<String, String> fields, String field) {
    String value = fields.get(field);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("version.json: field '" + field + "' must be a string");
    }
    return value;
  }

  /** The one-line form printed by {@code uptimemesh --version}. */
  public String describe() {
    return "uptimemesh " + app + " (" + channel + ", api " + api + ")";
  }
}
