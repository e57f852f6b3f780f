package io.uptimemesh.core.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a {@code .env} file: {@code KEY=VALUE} lines, with blank lines and {@code #} comments
 * ignored, an optional leading {@code export}, values optionally in single or double quotes, and
 * {@code " #"} comments after unquoted values. Multi-line values are not supported.
 *
 * <p>Error messages name the file and line but never echo the line: it may hold a secret.
 */
final class DotEnvFile {

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final String EXPECTED =
      "expected KEY=VALUE, where KEY is letters, digits and _ and does not start with a digit";

  private DotEnvFile() {}

  /**
   * Reads the file if it exists.
   *
   * @param file the .env file
   * @return the entries in file order (a later line wins over an earlier one with the same key), or
   *     an empty map if the file does not exist
   * @throws ConfigException if the file cannot be read, is not UTF-8, or has a malformed line
   */
  static Map<String, String> read(Path file) {
    String source = file.toString();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Map.of();
    } catch (IOException e) {
      throw ConfigException.problem(source, null, "cannot read the file: " + e, e);
    }
    String text = ConfigText.decodeUtf8(bytes, source);
    return parse(source, text);
  }

  /**
   * Parses the text of a .env file.
   *
   * @param source the file name used in error messages
   * @param text the file content
   * @return the entries in file order (a later line wins over an earlier one with the same key)
   * @throws ConfigException naming the source and line number if a line is malformed
   */
  static Map<String, String> parse(String source, String text) {
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    Map<String, String> entries = new LinkedHashMap<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      parseLine(source, i + 1, lines[i], entries);
    }
    return Collections.unmodifiableMap(entries);
  }

  private static void parseLine(
      String source, int lineNumber, String line, Map<String, String> entries) {
    String rest = line.strip();
    if (rest.isEmpty() || rest.startsWith("#")) {
      return;
    }
    if (rest.startsWith("export") && rest.length() > 6 && Character.isWhitespace(rest.charAt(6))) {
      rest = rest.substring(7).stripLeading();
    }
    int equals = rest.indexOf('=');
    if (equals < 0) {
      throw malformed(source, lineNumber, "no '=' found; " + EXPECTED);
    }
    String key = rest.substring(0, equals).strip();
    if (!NAME.matcher(key).matches()) {
      throw malformed(source, lineNumber, "the name before '=' is not valid; " + EXPECTED);
    }
    entries.put(key, value(source, lineNumber, key, rest.substring(equals + 1)));
  }

  private static String value(String source, int lineNumber, String key, String raw) {
    String text = raw.stripLeading();
    if (text.startsWith("\"") || text.startsWith("'")) {
      return quoted(source, lineNumber, key, text);
    }
    // A '#' starts a comment only after whitespace, so values such as a#b stay whole.
    for (int i = 1; i < raw.length(); i++) {
      if (raw.charAt(i) == '#' && Character.isWhitespace(raw.charAt(i - 1))) {
        return raw.substring(0, i).strip();
      }
    }
    return raw.strip();
  }

  private static String quoted(String source, int lineNumber, String key, String text) {
    char quote = text.charAt(0);
    StringBuilder value = new StringBuilder();
    int i = 1;
    boolean closed = false;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == quote) {
        closed = true;
        i++;
        break;
      }
      if (quote == '"' && c == '\\' && i + 1 < text.length()) {
        char next = text.charAt(i + 1);
        switch (next) {
          case '"', '\\' -> value.append(next);
          case 'n' -> value.append('\n');
          case 'r' -> value.append('\r');
          case 't' -> value.append('\t');
          default -> value.append(c).append(next);
        }
        i += 2;
        continue;
      }
      value.append(c);
      i++;
    }
    String kind = quote == '"' ? "double" : "single";
    if (!closed) {
      throw malformed(
          source,
          lineNumber,
          key + " has an unterminated " + kind + " quote (values cannot span lines)");
    }
    String tail = text.substring(i).strip();
    if (!tail.isEmpty() && !tail.startsWith("#")) {
      throw malformed(
          source,
          lineNumber,
          key + " has text after the closing " + kind + " quote; only a # comment may follow");
    }
    return value.toString();
  }

  private static ConfigException malformed(String source, int lineNumber, String why) {
    return ConfigException.problem(
        source, null, "line " + lineNumber + " is malformed: " + why, null);
  }
}
