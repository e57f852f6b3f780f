package io.uptimemesh.core.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The single error type for bad configuration.
 *
 * <p>The message is one line an operator can act on: it names the source (a file as given, or
 * {@code environment}), the key, the bad value and what is allowed, for example {@code config.yaml:
 * managed_etcd.client_port = 70000 is not allowed: expected an integer 1..65535}. Secret values
 * never appear in a message; {@value #REDACTED} stands in for them.
 */
public final class ConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** What a message shows instead of a secret value. */
  public static final String REDACTED = "<redacted>";

  // Long values (a pasted certificate, say) would drown the message; the start is enough to
  // recognise the line.
  private static final int MAX_SHOWN_VALUE = 80;

  private final String source;
  private final String key;

  private ConfigException(String source, String key, String message, Throwable cause) {
    super(message, cause);
    this.source = source;
    this.key = key;
  }

  /**
   * Creates the error for a value that is present but not allowed.
   *
   * @param source the file as given (e.g. {@code config.yaml}) or {@code environment}
   * @param key the dotted key or variable name
   * @param shownValue the value as the operator wrote it; made single-line and shortened here
   * @param allowed what is allowed, starting with "expected ..."
   * @return the exception, with message {@code <source>: <key> = <value> is not allowed: <allowed>}
   */
  public static ConfigException notAllowed(
      String source, String key, String shownValue, String allowed) {
    return new ConfigException(
        source,
        key,
        source + ": " + key + " = " + show(shownValue) + " is not allowed: " + oneLine(allowed),
        null);
  }

  /**
   * Creates the error for a secret value that is not allowed; the value itself is never shown.
   *
   * @param source the file as given or {@code environment}
   * @param key the variable name
   * @param allowed what is allowed and why this value is not
   * @return the exception, whose message shows {@value #REDACTED} in place of the value
   */
  public static ConfigException secretNotAllowed(String source, String key, String allowed) {
    return new ConfigException(
        source,
        key,
        source + ": " + key + " = " + REDACTED + " is not allowed: " + oneLine(allowed),
        null);
  }

  /**
   * Creates an error that is not about one value, such as a YAML syntax error or an unreadable
   * file.
   *
   * @param source the file as given or {@code environment}
   * @param key the key the problem is about, or {@code null} when it is about no single key
   * @param problem what is wrong and, where possible, how to fix it
   * @param cause the underlying exception, or {@code null}
   * @return the exception, with message {@code <source>: <problem>}
   */
  public static ConfigException problem(
      String source, String key, String problem, Throwable cause) {
    return new ConfigException(source, key, source + ": " + oneLine(problem), cause);
  }

  /**
   * Returns where the bad configuration came from.
   *
   * @return the file name as given (e.g. {@code config.yaml}, {@code .env}) or {@code environment}
   */
  public String source() {
    return source;
  }

  /**
   * Returns the key the error is about.
   *
   * @return the dotted key (e.g. {@code managed_etcd.client_port}) or variable name, or {@code
   *     null} when the error is about no single key (a YAML syntax error, an unreadable file)
   */
  public String key() {
    return key;
  }

  /**
   * Combines several errors into one so that an operator sees every bad key at once: the first
   * error's message, followed by the keys of the others, which are attached as suppressed.
   *
   * @param problems the errors found, at least one
   * @return the first error alone when there is one, else a combined copy of it
   */
  static ConfigException combine(List<ConfigException> problems) {
    ConfigException first = problems.get(0);
    if (problems.size() == 1) {
      return first;
    }
    List<ConfigException> others = problems.subList(1, problems.size());
    String otherKeys =
        others.stream()
            .map(e -> e.key() == null ? e.source() : e.key())
            .distinct()
            .collect(Collectors.joining(", "));
    ConfigException combined =
        new ConfigException(
            first.source,
            first.key,
            first.getMessage() + " (also not allowed: " + otherKeys + ")",
            first.getCause());
    others.forEach(combined::addSuppressed);
    return combined;
  }

  /** Shows a value on one line, shortened, with control characters escaped. */
  static String show(String value) {
    if (value == null) {
      return "<unset>";
    }
    if (value.isEmpty()) {
      return "\"\"";
    }
    String single = oneLine(value);
    if (single.codePointCount(0, single.length()) > MAX_SHOWN_VALUE) {
      int end = single.offsetByCodePoints(0, MAX_SHOWN_VALUE);
      return single.substring(0, end) + "...";
    }
    return single;
  }

  private static String oneLine(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
