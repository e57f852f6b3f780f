package io.uptimemesh.core.config;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * One key of a {@code config.yaml} section: its name, type, default, what it allows, and where its
 * value sits in {@link ClusterConfig}.
 */
final class KeySpec {

  /** How a key is written in YAML. */
  enum Type {
    /** A YAML integer; a quoted number is refused. */
    INTEGER,
    /** Text; it may be written unquoted, including text that YAML would read as a number. */
    STRING
  }

  /** Checks a text value beyond its type. */
  @FunctionalInterface
  interface TextCheck {
    /**
     * Checks a value.
     *
     * @param value the text
     * @return null if allowed, else a detail to add to the "expected ..." text, or "" for none
     */
    String problem(String value);
  }

  private final String name;
  private final Type type;
  private final Object defaultValue;
  private final String allowed;
  private final long min;
  private final long max;
  private final TextCheck textCheck;
  private final Function<ClusterConfig, Object> getter;

  private KeySpec(
      String name,
      Type type,
      Object defaultValue,
      String allowed,
      long min,
      long max,
      TextCheck textCheck,
      Function<ClusterConfig, Object> getter) {
    this.name = name;
    this.type = type;
    this.defaultValue = defaultValue;
    this.allowed = allowed;
    this.min = min;
    this.max = max;
    this.textCheck = textCheck;
    this.getter = getter;
  }

  /**
   * Declares an integer key.
   *
   * @param name the key within its section
   * @param defaultValue the default, within min..max
   * @param min the smallest value allowed
   * @param max the largest value allowed
   * @param getter where the value sits in a ClusterConfig, in the unit of the key
   * @return the key
   */
  static KeySpec integer(
      String name, long defaultValue, long min, long max, ToLongFunction<ClusterConfig> getter) {
    return new KeySpec(
        name,
        Type.INTEGER,
        defaultValue,
        "expected an integer " + min + ".." + max,
        min,
        max,
        null,
        config -> getter.applyAsLong(config));
  }

  /**
   * Declares a text key.
   *
   * @param name the key within its section
   * @param defaultValue the default, which the check allows
   * @param allowed what is allowed, starting with "expected"
   * @param check the rule the value must follow
   * @param getter where the value sits in a ClusterConfig
   * @return the key
   */
  static KeySpec text(
      String name,
      String defaultValue,
      String allowed,
      TextCheck check,
      Function<ClusterConfig, String> getter) {
    return new KeySpec(
        name, Type.STRING, defaultValue, allowed, 0, 0, check, config -> getter.apply(config));
  }

  String name() {
    return name;
  }

  Type type() {
    return type;
  }

  /**
   * Returns the default.
   *
   * @return a Long for integer keys, a String for text keys
   */
  Object defaultValue() {
    return defaultValue;
  }

  /**
   * Returns what the key allows.
   *
   * @return text starting with "expected", e.g. "expected an integer 1..65535"
   */
  String allowed() {
    return allowed;
  }

  /**
   * Checks a value of the right type.
   *
   * @param value a Long for integer keys (out-of-long-range values never get here), a String for
   *     text keys
   * @return null if allowed, else the full "expected ..." text to show
   */
  String problem(Object value) {
    if (type == Type.INTEGER) {
      long number = (Long) value;
      return number >= min && number <= max ? null : allowed;
    }
    String detail = textCheck.problem((String) value);
    if (detail == null) {
      return null;
    }
    return detail.isEmpty() ? allowed : allowed + " (" + detail + ")";
  }

  /**
   * Reads this key's value from a typed config.
   *
   * @param config the config
   * @return a Long for integer keys, a String for text keys
   */
  Object valueIn(ClusterConfig config) {
    return Objects.requireNonNull(getter.apply(config), name);
  }
}
