package io.uptimemesh.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** APP_ENV=prod refuses default and weak secrets, and no message ever shows a secret. */
class RuntimeSettingsSecretsTest {

  private static final String STRONG_AUTH = "Zq8vT2mWx9LpR4nKc7HyB3dFg6JsA1eU";
  private static final String STRONG_SIGNING = "Mk5Np8Qr2St4Uv6Wx9Yz3Ab7Cd1Ef0Gh";

  @TempDir Path dir;

  @Test
  void prodAcceptsStrongDistinctSecrets() {
    RuntimeSettings s = RuntimeSettings.load(prod(STRONG_AUTH, STRONG_SIGNING), null);

    assertThat(s.appEnv()).isEqualTo(AppEnv.PROD);
    assertThat(s.authSecretKey().reveal()).isEqualTo(STRONG_AUTH);
    assertThat(s.authSecretKey().isDefault()).isFalse();
    assertThat(s.warnings()).isEmpty();
  }

  @Test
  void prodAcceptsExactlyTheMinimum() {
    String thirtyTwoWithTenDistinct = "0123456789" + "0".repeat(22);

    RuntimeSettings s = RuntimeSettings.load(prod(thirtyTwoWithTenDistinct, STRONG_SIGNING), null);

    assertThat(s.authSecretKey().reveal()).isEqualTo(thirtyTwoWithTenDistinct);
  }

  @Test
  void prodRefusesUnsetSecret() {
    Map<String, String> env = prod(null, STRONG_SIGNING);

    ConfigException e = refused(env);

    assertThat(e.key()).isEqualTo("AUTH_SECRET_KEY");
    assertThat(e)
        .hasMessage(
            "environment: AUTH_SECRET_KEY = <unset> is not allowed: expected a strong secret (at"
                + " least 32 characters with 10 or more distinct ones, not a well-known value)"
                + " when APP_ENV=prod, but it is not set; set it in the environment or in .env;"
                + " generate one with: openssl rand -base64 48");
  }

  @Test
  void prodRefusesBothUnsetAndNamesBoth() {
    ConfigException e = refused(Map.of("APP_ENV", "prod"));

    assertThat(e.getMessage())
        .startsWith("environment: AUTH_SECRET_KEY = <unset> is not allowed")
        .endsWith("(also not allowed: CLUSTER_SIGNING_KEY)");
  }

  @Test
  void prodRefusesTheDevelopmentDefaultSetExplicitly() {
    ConfigException e = refused(prod(STRONG_AUTH, "dev-insecure-change-me"));

    assertThat(e.key()).isEqualTo("CLUSTER_SIGNING_KEY");
    assertThat(e.getMessage())
        .startsWith(
            "environment: CLUSTER_SIGNING_KEY = <redacted> is not allowed: expected a strong")
        .contains("but it is the development default;")
        .doesNotContain("dev-insecure-change-me");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "change-me",
        "changeme",
        "secret",
        "password",
        "uptime",
        "admin",
        "ADMIN",
        "ChangeMe"
      })
  void prodRefusesWellKnownWeakValues(String weak) {
    ConfigException e = refused(prod(weak, STRONG_SIGNING));

    assertThat(e.key()).isEqualTo("AUTH_SECRET_KEY");
    assertThat(e.getMessage())
        .contains("AUTH_SECRET_KEY = <redacted> is not allowed")
        .contains("but it is a well-known weak value;")
        .doesNotContain("= " + weak);
  }

  @Test
  void prodRefusesShortSecret() {
    String thirtyOne = "Zq8vT2mWx9LpR4nKc7HyB3dFg6JsA1e";

    ConfigException e = refused(prod(thirtyOne, STRONG_SIGNING));

    assertThat(e.getMessage())
        .contains("but it is shorter than 32 characters;")
        .doesNotContain(thirtyOne);
  }

  @Test
  void prodRefusesSecretWithFewDistinctCharacters() {
    String repetitive = "abcdefghi".repeat(8);

    ConfigException e = refused(prod(STRONG_AUTH, repetitive));

    assertThat(e.key()).isEqualTo("CLUSTER_SIGNING_KEY");
    assertThat(e.getMessage())
        .contains("but it has fewer than 10 distinct characters;")
        .doesNotContain(repetitive);
  }

  @Test
  void prodRefusesEqualKeys() {
    ConfigException e = refused(prod(STRONG_AUTH, STRONG_AUTH));

    assertThat(e)
        .hasMessage(
            "environment: CLUSTER_SIGNING_KEY = <redacted> is not allowed: expected a value"
                + " different from AUTH_SECRET_KEY when APP_ENV=prod; generate one with: openssl"
                + " rand -base64 48");
  }

  @Test
  void prodMessageNamesTheDotEnvFileAsSource() throws IOException {
    Path file = Files.writeString(dir.resolve("prod.env"), "AUTH_SECRET_KEY=\"short one\"\n");
    Map<String, String> env = prod(null, STRONG_SIGNING);
    env.remove("AUTH_SECRET_KEY");

    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> RuntimeSettings.load(env, file));

    assertThat(e.source()).isEqualTo(file.toString());
    assertThat(e.getMessage())
        .startsWith(file + ": AUTH_SECRET_KEY = <redacted> is not allowed")
        .doesNotContain("short one");
  }

  @Test
  void devAllowsDefaultsWithWarnings() {
    RuntimeSettings s = RuntimeSettings.load(Map.of("APP_ENV", "dev"), null);

    assertThat(s.warnings())
        .containsExactly(
            "AUTH_SECRET_KEY uses the development default; set a strong value before APP_ENV=prod",
            "CLUSTER_SIGNING_KEY uses the development default; set a strong value before"
                + " APP_ENV=prod");
  }

  @Test
  void testEnvironmentWarnsAboutWeakAndEqualSecretsWithoutShowingThem() {
    RuntimeSettings s = RuntimeSettings.load(testEnv("password", "password"), null);

    assertThat(s.warnings())
        .containsExactly(
            "AUTH_SECRET_KEY is weak (it is a well-known weak value); APP_ENV=prod will refuse it",
            "CLUSTER_SIGNING_KEY is weak (it is a well-known weak value); APP_ENV=prod will refuse"
                + " it",
            "AUTH_SECRET_KEY and CLUSTER_SIGNING_KEY are equal; APP_ENV=prod will refuse that");
    assertThat(s.toString()).doesNotContain("password");
  }

  @Test
  void strongSecretsInDevGiveNoWarnings() {
    assertThat(RuntimeSettings.load(testEnv(STRONG_AUTH, STRONG_SIGNING), null).warnings())
        .isEmpty();
  }

  private static ConfigException refused(Map<String, String> env) {
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> RuntimeSettings.load(env, null));
    assertThat(e).as("expected the settings to be refused").isNotNull();
    assertThat(e.getMessage()).doesNotContain("\n");
    for (String secret :
        new String[] {env.get("AUTH_SECRET_KEY"), env.get("CLUSTER_SIGNING_KEY")}) {
      if (secret == null) {
        continue;
      }
      // Short weak values such as "secret" are also English words the message may use.
      String leak = secret.length() >= 10 ? secret : "= " + secret;
      assertThat(e.getMessage()).doesNotContain(leak);
      for (Throwable other : e.getSuppressed()) {
        assertThat(other.getMessage()).doesNotContain(leak);
      }
    }
    return e;
  }

  private static Map<String, String> prod(String auth, String signing) {
    Map<String, String> env = new HashMap<>();
    env.put("APP_ENV", "prod");
    if (auth != null) {
      env.put("AUTH_SECRET_KEY", auth);
    }
    if (signing != null) {
      env.put("CLUSTER_SIGNING_KEY", signing);
    }
    return env;
  }

  private static Map<String, String> testEnv(String auth, String signing) {
    return Map.of("APP_ENV", "test", "AUTH_SECRET_KEY", auth, "CLUSTER_SIGNING_KEY", signing);
  }
}
