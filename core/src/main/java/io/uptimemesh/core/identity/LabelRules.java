package io.uptimemesh.core.identity;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rules for node labels, the one place both the API (tokens, joins) and node selectors check
 * them. A key stays strict (it is matched by selectors, and may become part of a name later); a
 * value is free text for operators (a note, an owner, a ticket) so it takes any printable text:
 * every output escapes it (the console sets it as text, JSON encodes it). What it refuses are
 * characters that would lie about the text where it is shown: control characters (line breaks that
 * fake a log line or a CLI row), invisible format characters (bidirectional overrides, zero-width
 * marks) and broken surrogates. {@code --label k=v} takes the value after the first {@code =}, so a
 * value may hold {@code =} and {@code ,}; the console's "k=v, k2=v2" field splits on commas, so a
 * value with a comma is set through the CLI or the API there.
 */
public final class LabelRules {
  /** At most this many characters (UTF-16 units) in a value. */
  public static final int MAX_VALUE_LENGTH = 256;

  private static final Pattern KEY = Pattern.compile("[a-z0-9]([a-z0-9._/-]{0,61}[a-z0-9])?");

  private LabelRules() {}

  public static boolean isKey(String key) {
    return key != null && KEY.matcher(key).matches();
  }

  /** Why {@code value} is not a label value, or empty if it is one. */
  public static Optional<String> valueProblem(String value) {
    if (value == null) {
      return Optional.of("a value is required (it may be empty)");
    }
    if (value.length() > MAX_VALUE_LENGTH) {
      return Optional.of("at most " + MAX_VALUE_LENGTH + " characters, not " + value.length());
    }
    for (int i = 0; i < value.length(); ) {
      int cp = value.codePointAt(i);
      int type = Character.getType(cp);
      if (type == Character.CONTROL
          || type == Character.FORMAT
          || type == Character.SURROGATE
          || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR
          || type == Character.UNASSIGNED
          || type == Character.PRIVATE_USE) {
        return Optional.of(
            String.format(
                java.util.Locale.ROOT,
                "holds U+%04X at %d: printable text only (no control or invisible characters)",
                cp,
                i));
      }
      i += Character.charCount(cp);
    }
    return Optional.empty();
  }

  public static boolean isValue(String value) {
    return valueProblem(value).isEmpty();
  }
}
