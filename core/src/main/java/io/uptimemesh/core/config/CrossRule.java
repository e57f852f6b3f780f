package io.uptimemesh.core.config;

import java.util.function.BiFunction;

/**
 * A check that relates two keys of {@code config.yaml}. It runs only when both keys hold valid
 * values on their own, and it blames {@link #key()}.
 *
 * @param key the dotted key whose value is reported as wrong
 * @param otherKey the dotted key it conflicts with
 * @param check given the value of key and of otherKey, returns null if they fit together, else the
 *     "expected ..." text, which names otherKey and its value
 */
record CrossRule(String key, String otherKey, BiFunction<Object, Object, String> check) {

  /**
   * Requires key's value to differ from otherKey's.
   *
   * @param key the dotted key blamed when the values are equal
   * @param otherKey the dotted key it must differ from
   * @return the rule
   */
  static CrossRule differs(String key, String otherKey) {
    return new CrossRule(
        key,
        otherKey,
        (value, other) ->
            value.equals(other)
                ? "expected a value different from " + otherKey + " (" + other + ")"
                : null);
  }

  /**
   * Requires key's integer value to be at least otherKey's.
   *
   * @param key the dotted key blamed when it is smaller
   * @param otherKey the dotted key giving the lower bound
   * @return the rule
   */
  static CrossRule atLeast(String key, String otherKey) {
    return new CrossRule(
        key,
        otherKey,
        (value, other) ->
            (Long) value < (Long) other
                ? "expected at least " + otherKey + " (" + other + ")"
                : null);
  }

  /**
   * Requires key's integer value to be greater than otherKey's.
   *
   * @param key the dotted key blamed when it is not greater
   * @param otherKey the dotted key giving the exclusive lower bound
   * @return the rule
   */
  static CrossRule greaterThan(String key, String otherKey) {
    return new CrossRule(
        key,
        otherKey,
        (value, other) ->
            (Long) value <= (Long) other
                ? "expected more than " + otherKey + " (" + other + ")"
                : null);
  }
}
