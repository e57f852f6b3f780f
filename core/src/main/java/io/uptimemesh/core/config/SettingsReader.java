package io.uptimemesh.core.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Looks up the values of {@link RuntimeSettings}, environment first, then the .env file, and
 * collects every problem and warning instead of stopping at the first.
 */
final class SettingsReader {

  static final String ENVIRONMENT = "environment";

  private final Map<String, String> environment;
  private final Map<String, String> file;
  private final String fileSource;
  private final List<ConfigException> problems = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  /**
   * A reader of the environment and of {@code dotEnvFile} (none if null; a missing file is empty).
   *
   * @throws ConfigException if the file is unreadable or malformed
   */
  static SettingsReader open(Map<String, String> environment, java.nio.file.Path dotEnvFile) {
    java.util.Objects.requireNonNull(environment, "environment");
    Map<String, String> fileEntries = dotEnvFile == null ? Map.of() : DotEnvFile.read(dotEnvFile);
    String fileSource = dotEnvFile == null ? ".env" : dotEnvFile.toString();
    return new SettingsReader(environment, fileEntries, fileSource);
  }

  /** Throws one exception naming every problem found, if there was any. */
  void throwIfProblems() {
    if (!problems.isEmpty()) {
      throw ConfigException.combine(problems);
    }
  }

  SettingsReader(Map<String, String> environment, Map<String, String> file, String fileSource) {
    this.environment = environment;
    this.file = file;
    this.fileSource = fileSource;
    for (String key : file.keySet()) {
      if (key.startsWith("UPTIMEMESH_") && !isKnown(key)) {
        warnings.add(fileSource + ": " + key + " is not a setting UptimeMesh reads; it is ignored");
      }
    }
  }

  /**
   * Returns what was found not allowed so far.
   *
   * @return the problems, in the order found
   */
  List<ConfigException> problems() {
    return problems;
  }

  /**
   * Returns what was found unwise so far.
   *
   * @return the warnings, in the order found
   */
  List<String> warnings() {
    return warnings;
  }

  /**
   * Records a warning.
   *
   * @param warning one sentence, never containing a secret value
   */
  void warn(String warning) {
    warnings.add(warning);
  }

  private static boolean isKnown(String key) {
    return Arrays.stream(RuntimeKey.values()).anyMatch(k -> k.name().equals(key));
  }

  /** Returns the trimmed value, or null when unset or blank in both places. */
  String text(RuntimeKey key) {
    String fromEnvironment = environment.get(key.name());
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return fromEnvironment.strip();
    }
    String fromFile = file.get(key.name());
    return fromFile != null && !fromFile.isBlank() ? fromFile.strip() : null;
  }

  String source(RuntimeKey key) {
    String fromEnvironment = environment.get(key.name());
    return fromEnvironment != null && !fromEnvironment.isBlank() ? ENVIRONMENT : fileSource;
  }

  <T> T parse(RuntimeKey key, T fallback, Function<String, Optional<T>> parser, String allowed) {
    String text = text(key);
    if (text == null) {
      return fallback;
    }
    Optional<T> value = parser.apply(text);
    if (value.isEmpty()) {
      problems.add(ConfigException.notAllowed(source(key), key.name(), text, allowed));
      return fallback;
    }
    return value.get();
  }

  boolean bool(RuntimeKey key, boolean fallback) {
    return parse(
        key,
        fallback,
        SettingsReader::parseBoolean,
        "expected true or false (also accepted: 1/0, yes/no)");
  }

  int integer(RuntimeKey key, int fallback, int min, int max) {
    return parse(
        key,
        fallback,
        text -> {
          try {
            int value = Integer.parseInt(text);
            return value >= min && value <= max ? Optional.of(value) : Optional.empty();
          } catch (NumberFormatException e) {
            return Optional.empty();
          }
        },
        "expected an integer " + min + ".." + max);
  }

  Path path(RuntimeKey key, Path fallback) {
    return parse(
        key,
        fallback,
        text -> {
          try {
            return Optional.of(Path.of(text));
          } catch (InvalidPathException e) {
            return Optional.empty();
          }
        },
        "expected a file system path");
  }

  Secret secret(RuntimeKey key) {
    String text = text(key);
    return text == null ? Secret.developmentDefault() : Secret.of(text);
  }

  List<URI> endpoints(RuntimeKey key) {
    String text = text(key);
    if (text == null) {
      return List.of();
    }
    Set<URI> endpoints = new LinkedHashSet<>();
    for (String entry : text.split(",")) {
      String candidate = entry.strip();
      if (candidate.isEmpty()) {
        continue;
      }
      Optional<String> problem = endpointProblem(candidate);
      if (problem.isPresent()) {
        problems.add(
            ConfigException.notAllowed(
                source(key),
                key.name(),
                // Credentials in a URL must not reach a log line.
                candidate.contains("@") ? ConfigException.REDACTED : candidate,
                "expected comma-separated URLs like http://10.0.0.1:2379, but this entry "
                    + problem.get()));
        return List.of();
      }
      endpoints.add(URI.create(candidate));
    }
    return List.copyOf(endpoints);
  }

  private static Optional<String> endpointProblem(String candidate) {
    String lower = candidate.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
      return Optional.of("does not start with http:// or https://");
    }
    URI uri;
    try {
      uri = new URI(candidate);
    } catch (URISyntaxException e) {
      return Optional.of("is not a valid URI");
    }
    if (uri.getRawUserInfo() != null) {
      return Optional.of("contains credentials, which do not belong in a URL");
    }
    if (uri.getHost() == null) {
      return Optional.of("has no valid host");
    }
    if (uri.getPort() < 1 || uri.getPort() > 65535) {
      return Optional.of("has no port 1..65535");
    }
    String path = uri.getRawPath();
    if ((path != null && !path.isEmpty() && !path.equals("/"))
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      return Optional.of("has a path, query or fragment");
    }
    return Optional.empty();
  }

  void checkSecrets(AppEnv appEnv, Secret auth, Secret signing) {
    boolean prod = appEnv == AppEnv.PROD;
    boolean authStrong = checkSecret(prod, RuntimeKey.AUTH_SECRET_KEY, auth);
    boolean signingStrong = checkSecret(prod, RuntimeKey.CLUSTER_SIGNING_KEY, signing);
    if (!auth.equals(signing) || auth.isDefault()) {
      return;
    }
    // Equal keys would let whoever holds one forge what the other signs.
    if (prod && authStrong && signingStrong) {
      problems.add(
          ConfigException.secretNotAllowed(
              source(RuntimeKey.CLUSTER_SIGNING_KEY),
              RuntimeKey.CLUSTER_SIGNING_KEY.name(),
              "expected a value different from AUTH_SECRET_KEY when APP_ENV=prod; "
                  + SecretPolicy.HOW_TO_GENERATE));
    } else if (!prod) {
      warnings.add(
          "AUTH_SECRET_KEY and CLUSTER_SIGNING_KEY are equal; APP_ENV=prod will refuse that");
    }
  }

  /** Returns true if the secret is strong; records a problem (prod) or a warning otherwise. */
  private boolean checkSecret(boolean prod, RuntimeKey key, Secret secret) {
    Optional<String> weakness = SecretPolicy.weakness(secret);
    if (weakness.isEmpty()) {
      return true;
    }
    boolean unset = text(key) == null;
    if (!prod) {
      warnings.add(
          secret.isDefault()
              ? key.name() + " uses the development default; set a strong value before APP_ENV=prod"
              : key.name() + " is weak (" + weakness.get() + "); APP_ENV=prod will refuse it");
      return false;
    }
    String allowed = "expected " + SecretPolicy.REQUIREMENT + " when APP_ENV=prod";
    if (unset) {
      problems.add(
          ConfigException.notAllowed(
              ENVIRONMENT,
              key.name(),
              null,
              allowed
                  + ", but it is not set; set it in the environment or in "
                  + fileSource
                  + "; "
                  + SecretPolicy.HOW_TO_GENERATE));
    } else {
      problems.add(
          ConfigException.secretNotAllowed(
              source(key),
              key.name(),
              allowed + ", but " + weakness.get() + "; " + SecretPolicy.HOW_TO_GENERATE));
    }
    return false;
  }

  private static Optional<Boolean> parseBoolean(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> Optional.of(true);
      case "false", "0", "no" -> Optional.of(false);
      default -> Optional.empty();
    };
  }
}
