package io.uptimemesh.core.config;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Validated values of {@code config.yaml} by dotted key ({@code managed_etcd.client_port}):
 * integers as {@link Long}, text as {@link String}. The step between the YAML tree and the typed
 * {@link ClusterConfig}.
 */
final class ConfigValues {

  private final Map<String, Object> values;

  ConfigValues(Map<String, Object> values) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /**
   * Returns every value.
   *
   * @return an unmodifiable map from dotted key to value, in schema order
   */
  Map<String, Object> asMap() {
    return values;
  }

  /**
   * Returns an integer value.
   *
   * @param key the dotted key
   * @return the value
   * @throws IllegalArgumentException if the key is absent or not an integer key, which is a mistake
   *     in {@link ClusterConfigSchema}
   */
  long integer(String key) {
    if (get(key) instanceof Long value) {
      return value;
    }
    throw new IllegalArgumentException(key + " is not an integer key");
  }

  /**
   * Returns an integer value that the schema bounds to the int range.
   *
   * @param key the dotted key
   * @return the value
   * @throws IllegalArgumentException if the key is absent or not an integer key
   * @throws ArithmeticException if the value does not fit an int
   */
  int intValue(String key) {
    return Math.toIntExact(integer(key));
  }

  /**
   * Returns an integer value counting milliseconds.
   *
   * @param key the dotted key, by convention ending in {@code _ms}
   * @return the duration
   * @throws IllegalArgumentException if the key is absent or not an integer key
   */
  Duration millis(String key) {
    return Duration.ofMillis(integer(key));
  }

  /**
   * Returns an integer value counting seconds.
   *
   * @param key the dotted key, by convention ending in {@code _seconds}
   * @return the duration
   * @throws IllegalArgumentException if the key is absent or not an integer key
   */
  Duration seconds(String key) {
    return Duration.ofSeconds(integer(key));
  }

  /**
   * Returns a text value.
   *
   * @param key the dotted key
   * @return the value
   * @throws IllegalArgumentException if the key is absent or not a text key
   */
  String string(String key) {
    if (get(key) instanceof String value) {
      return value;
    }
    throw new IllegalArgumentException(key + " is not a string key");
  }

  private Object get(String key) {
    Object value = values.get(key);
    if (value == null) {
      throw new IllegalArgumentException("no value for " + key);
    }
    return value;
  }
}
