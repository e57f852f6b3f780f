package io.uptimemesh.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RuntimeSettingsTest {

  @TempDir Path dir;

  @Test
  void everyDefault() {
    RuntimeSettings s = RuntimeSettings.load(Map.of(), dir.resolve("missing.env"));

    assertThat(s.appEnv()).isEqualTo(AppEnv.DEV);
    assertThat(s.logLevel()).isEqualTo("INFO");
    assertThat(s.dataDir()).isEqualTo(Path.of("./data"));
    assertThat(s.logFile()).isEqualTo(Path.of("./data/logs/app.log"));
    assertThat(s.metricsEnabled()).isTrue();
    assertThat(s.authSecretKey().reveal()).isEqualTo("dev-insecure-change-me");
    assertThat(s.authSecretKey().isDefault()).isTrue();
    assertThat(s.clusterSigningKey().reveal()).isEqualTo("dev-insecure-change-me");
    assertThat(s.clusterSigningKey().isDefault()).isTrue();
    assertThat(s.etcdEnabled()).isTrue();
    assertThat(s.etcdEndpoints()).isEmpty();
    assertThat(s.etcdPrefix()).isEqualTo("/uptimemesh");
    assertThat(s.etcdSnapshotDir()).isEqualTo(Path.of("./data/snapshots"));
    assertThat(s.etcdSnapshotRetention()).isEqualTo(7);
    assertThat(s.etcdCommand()).isEqualTo("etcd");
    assertThat(s.httpHost()).isEqualTo("0.0.0.0");
    assertThat(s.httpPort()).isEqualTo(8010);
    assertThat(s.configFile()).isEqualTo(Path.of("config.yaml"));
    assertThat(s.warnings())
        .containsExactly(
            "AUTH_SECRET_KEY uses the development default; set a strong value before APP_ENV=prod",
            "CLUSTER_SIGNING_KEY uses the development default; set a strong value before"
                + " APP_ENV=prod");
  }

  @Test
  void everyKeyIsRead() {
    Map<String, String> env =
        Map.ofEntries(
            Map.entry("APP_ENV", "test"),
            Map.entry("LOG_LEVEL", "debug"),
            Map.entry("UPTIMEMESH_DATA_DIR", "/var/lib/uptimemesh"),
            Map.entry("LOG_FILE", "/var/log/um.log"),
            Map.entry("METRICS_ENABLED", "no"),
            Map.entry("AUTH_SECRET_KEY", "auth-key-value"),
            Map.entry("CLUSTER_SIGNING_KEY", "signing-key-value"),
            Map.entry("ETCD_ENABLED", "0"),
            Map.entry("ETCD_ENDPOINTS", "http://10.0.0.1:2379"),
            Map.entry("ETCD_PREFIX", "/mesh/a"),
            Map.entry("ETCD_SNAPSHOT_DIR", "/backup"),
            Map.entry("ETCD_SNAPSHOT_RETENTION", "30"),
            Map.entry("ETCD_COMMAND", "/opt/etcd/bin/etcd"),
            Map.entry("UPTIMEMESH_HTTP_HOST", "127.0.0.1"),
            Map.entry("UPTIMEMESH_HTTP_PORT", "0"),
            Map.entry("UPTIMEMESH_CONFIG", "/etc/uptimemesh/config.yaml"));

    RuntimeSettings s = RuntimeSettings.load(env, null);

    assertThat(s.appEnv()).isEqualTo(AppEnv.TEST);
    assertThat(s.logLevel()).isEqualTo("DEBUG");
    assertThat(s.dataDir()).isEqualTo(Path.of("/var/lib/uptimemesh"));
    assertThat(s.logFile()).isEqualTo(Path.of("/var/log/um.log"));
    assertThat(s.metricsEnabled()).isFalse();
    assertThat(s.authSecretKey().reveal()).isEqualTo("auth-key-value");
    assertThat(s.clusterSigningKey().reveal()).isEqualTo("signing-key-value");
    assertThat(s.etcdEnabled()).isFalse();
    assertThat(s.etcdEndpoints()).containsExactly(URI.create("http://10.0.0.1:2379"));
    assertThat(s.etcdPrefix()).isEqualTo("/mesh/a");
    assertThat(s.etcdSnapshotDir()).isEqualTo(Path.of("/backup"));
    assertThat(s.etcdSnapshotRetention()).isEqualTo(30);
    assertThat(s.etcdCommand()).isEqualTo("/opt/etcd/bin/etcd");
    assertThat(s.httpHost()).isEqualTo("127.0.0.1");
    assertThat(s.httpPort()).isZero();
    assertThat(s.configFile()).isEqualTo(Path.of("/etc/uptimemesh/config.yaml"));
    assertThat(s.warnings())
        .contains("ETCD_ENDPOINTS is ignored because ETCD_ENABLED is false")
        .anySatisfy(w -> assertThat(w).startsWith("AUTH_SECRET_KEY is weak ("));
  }

  @Test
  void derivedPathsFollowTheDataDirectory() {
    RuntimeSettings s = RuntimeSettings.load(Map.of("UPTIMEMESH_DATA_DIR", "/srv/um"), null);

    assertThat(s.logFile()).isEqualTo(Path.of("/srv/um/logs/app.log"));
    assertThat(s.etcdSnapshotDir()).isEqualTo(Path.of("/srv/um/snapshots"));
  }

  @Test
  void environmentOverridesDotEnvAndBlankCountsAsUnset() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve(".env"),
            """
            # local overrides
            export UPTIMEMESH_HTTP_PORT=9000
            LOG_LEVEL='warning'
            ETCD_PREFIX="from-file/"
            ETCD_SNAPSHOT_RETENTION=3 # keep three
            SOMETHING_ELSE=ignored
            """);
    Map<String, String> env =
        Map.of("UPTIMEMESH_HTTP_PORT", "9100", "ETCD_PREFIX", "   ", "PATH", "/usr/bin");

    RuntimeSettings s = RuntimeSettings.load(env, file);

    assertThat(s.httpPort()).isEqualTo(9100);
    assertThat(s.logLevel()).isEqualTo("WARN");
    assertThat(s.etcdPrefix()).isEqualTo("/from-file");
    assertThat(s.etcdSnapshotRetention()).isEqualTo(3);
  }

  @Test
  void errorFromDotEnvNamesTheFile() throws IOException {
    Path file = Files.writeString(dir.resolve(".env"), "UPTIMEMESH_HTTP_PORT=abc\n");
    Path relative = Path.of("").toAbsolutePath().relativize(file);

    assertThatThrownBy(() -> RuntimeSettings.load(Map.of(), relative))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            relative + ": UPTIMEMESH_HTTP_PORT = abc is not allowed: expected an integer 0..65535");
  }

  @Test
  void errorFromEnvironmentNamesTheEnvironment() throws IOException {
    Path file = Files.writeString(dir.resolve(".env"), "UPTIMEMESH_HTTP_PORT=8080\n");

    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () -> RuntimeSettings.load(Map.of("UPTIMEMESH_HTTP_PORT", "65536"), file));

    assertThat(e)
        .hasMessage(
            "environment: UPTIMEMESH_HTTP_PORT = 65536 is not allowed: expected an integer"
                + " 0..65535");
    assertThat(e.source()).isEqualTo("environment");
    assertThat(e.key()).isEqualTo("UPTIMEMESH_HTTP_PORT");
  }

  @Test
  void malformedDotEnvLineNamesFileAndLine() throws IOException {
    Path file = Files.writeString(dir.resolve("my.env"), "A=1\n# c\nnot an assignment\n");

    assertThatThrownBy(() -> RuntimeSettings.load(Map.of(), file))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(file + ": line 3 is malformed");
  }

  @Test
  void everyBadKeyIsNamed() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                RuntimeSettings.load(
                    Map.of("APP_ENV", "staging", "LOG_LEVEL", "LOUD", "METRICS_ENABLED", "maybe"),
                    null));

    assertThat(e)
        .hasMessage(
            "environment: APP_ENV = staging is not allowed: expected dev, test or prod (also not"
                + " allowed: LOG_LEVEL, METRICS_ENABLED)");
    assertThat(e.getSuppressed()).hasSize(2);
  }

  @ParameterizedTest
  @CsvSource({"DEV,DEV", "Prod,PROD", "test,TEST"})
  void appEnvIgnoresCase(String text, AppEnv expected) {
    Map<String, String> env =
        Map.of(
            "APP_ENV", text,
            "AUTH_SECRET_KEY", "Zq8vT2mWx9LpR4nKc7HyB3dFg6JsA1eU",
            "CLUSTER_SIGNING_KEY", "Mk5Np8Qr2St4Uv6Wx9Yz3Ab7Cd1Ef0Gh");

    assertThat(RuntimeSettings.load(env, null).appEnv()).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "trace,TRACE",
    "Debug,DEBUG",
    "INFO,INFO",
    "warn,WARN",
    "WARNING,WARN",
    "error,ERROR"
  })
  void logLevels(String text, String expected) {
    assertThat(RuntimeSettings.load(Map.of("LOG_LEVEL", text), null).logLevel())
        .isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "true,true", "TRUE,true", "1,true", "yes,true", "Yes,true",
    "false,false", "False,false", "0,false", "no,false", "NO,false"
  })
  void booleans(String text, boolean expected) {
    assertThat(RuntimeSettings.load(Map.of("METRICS_ENABLED", text), null).metricsEnabled())
        .isEqualTo(expected);
    assertThat(RuntimeSettings.load(Map.of("ETCD_ENABLED", text), null).etcdEnabled())
        .isEqualTo(expected);
  }

  @Test
  void invalidBooleanSaysWhatIsAllowed() {
    assertThatThrownBy(() -> RuntimeSettings.load(Map.of("METRICS_ENABLED", "on"), null))
        .hasMessage(
            "environment: METRICS_ENABLED = on is not allowed: expected true or false (also"
                + " accepted: 1/0, yes/no)");
  }

  @Test
  void endpointListIsTrimmedAndSkipsEmptyEntries() {
    RuntimeSettings s =
        RuntimeSettings.load(
            Map.of(
                "ETCD_ENDPOINTS",
                " http://10.0.0.1:2379 ,, https://etcd-2.example.org:2379,http://[fd00::3]:2379/ ,"),
            null);

    assertThat(s.etcdEndpoints())
        .containsExactly(
            URI.create("http://10.0.0.1:2379"),
            URI.create("https://etcd-2.example.org:2379"),
            URI.create("http://[fd00::3]:2379/"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "10.0.0.1:2379|does not start with http:// or https://",
        "ftp://10.0.0.1:2379|does not start with http:// or https://",
        "http://10.0.0.1|has no port 1..65535",
        "http://10.0.0.1:2379/v3|has a path, query or fragment",
        "http://10.0.0.1:2379?x=1|has a path, query or fragment",
        "http://bad_host:2379|has no valid host",
        "http://a b:2379|is not a valid URI",
        "/relative|does not start with http:// or https://"
      })
  void invalidEndpointIsNamed(String entry, String why) {
    assertThatThrownBy(
            () ->
                RuntimeSettings.load(
                    Map.of("ETCD_ENDPOINTS", "http://10.0.0.9:2379," + entry), null))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "environment: ETCD_ENDPOINTS = "
                + entry
                + " is not allowed: expected comma-separated URLs like http://10.0.0.1:2379, but"
                + " this entry "
                + why);
  }

  @Test
  void endpointWithCredentialsIsRefusedWithoutShowingThem() {
    assertThatThrownBy(
            () ->
                RuntimeSettings.load(
                    Map.of("ETCD_ENDPOINTS", "http://root:pa55word@10.0.0.1:2379"), null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ETCD_ENDPOINTS = <redacted> is not allowed")
        .hasMessageContaining("contains credentials")
        .hasMessageNotContaining("pa55word");
  }

  @ParameterizedTest
  @CsvSource({
    "/uptimemesh,/uptimemesh",
    "uptimemesh,/uptimemesh",
    "/a/b/,/a/b",
    "a.b_c-d//,/a.b_c-d",
    "/X9,/X9"
  })
  void etcdPrefixIsNormalised(String text, String expected) {
    assertThat(RuntimeSettings.load(Map.of("ETCD_PREFIX", text), null).etcdPrefix())
        .isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "///", "/a b", "/caf\u00e9", "/a:b", "/a*"})
  void invalidEtcdPrefixIsRefused(String text) {
    assertThatThrownBy(() -> RuntimeSettings.load(Map.of("ETCD_PREFIX", text), null))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("environment: ETCD_PREFIX = " + text + " is not allowed: expected");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0.0.0.0",
        "127.0.0.1",
        "::",
        "::1",
        "fd00::1",
        "2001:db8:0:0:0:0:0:1",
        "::ffff:10.0.0.1",
        "fe80::1%eth0",
        "localhost",
        "node-1.example.org",
        "Core7"
      })
  void validHttpHosts(String host) {
    assertThat(RuntimeSettings.load(Map.of("UPTIMEMESH_HTTP_HOST", host), null).httpHost())
        .isEqualTo(host);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "300.0.0.1",
        "10.0.0",
        "10.0.0.1.5",
        "[::1]",
        "1:2:3:4:5:6:7:8:9",
        "1::2::3",
        "http://localhost",
        "my host",
        "-node",
        "node-",
        "a..b",
        "under_score",
        "localhost:8010"
      })
  void invalidHttpHostsAreRefused(String host) {
    assertThatThrownBy(() -> RuntimeSettings.load(Map.of("UPTIMEMESH_HTTP_HOST", host), null))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "environment: UPTIMEMESH_HTTP_HOST = "
                + host
                + " is not allowed: expected an IPv4 address, an IPv6 address without brackets,"
                + " or a host name");
  }

  @ParameterizedTest
  @CsvSource({
    "ETCD_SNAPSHOT_RETENTION,0,expected an integer 1..1000",
    "ETCD_SNAPSHOT_RETENTION,1001,expected an integer 1..1000",
    "ETCD_SNAPSHOT_RETENTION,seven,expected an integer 1..1000",
    "UPTIMEMESH_HTTP_PORT,-1,expected an integer 0..65535",
    "UPTIMEMESH_HTTP_PORT,65536,expected an integer 0..65535",
    "UPTIMEMESH_HTTP_PORT,80.5,expected an integer 0..65535"
  })
  void integersOutOfRangeAreRefused(String key, String value, String allowed) {
    assertThatThrownBy(() -> RuntimeSettings.load(Map.of(key, value), null))
        .isInstanceOf(ConfigException.class)
        .hasMessage("environment: " + key + " = " + value + " is not allowed: " + allowed);
  }

  @Test
  void integerBoundsAreAllowed() {
    RuntimeSettings low =
        RuntimeSettings.load(
            Map.of("ETCD_SNAPSHOT_RETENTION", "1", "UPTIMEMESH_HTTP_PORT", "65535"), null);
    RuntimeSettings high = RuntimeSettings.load(Map.of("ETCD_SNAPSHOT_RETENTION", "1000"), null);

    assertThat(low.etcdSnapshotRetention()).isEqualTo(1);
    assertThat(low.httpPort()).isEqualTo(65535);
    assertThat(high.etcdSnapshotRetention()).isEqualTo(1000);
  }

  @Test
  void invalidPathIsRefused() {
    assertThatThrownBy(() -> RuntimeSettings.load(Map.of("LOG_FILE", "a\u0000b"), null))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "environment: LOG_FILE = a\\u0000b is not allowed: expected a file system path");
  }

  @Test
  void unknownUptimeMeshKeyInDotEnvIsAWarning() throws IOException {
    Path file = Files.writeString(dir.resolve(".env"), "UPTIMEMESH_HTTP_PROT=1\nOTHER=2\n");

    RuntimeSettings s = RuntimeSettings.load(Map.of(), file);

    assertThat(s.warnings())
        .contains(file + ": UPTIMEMESH_HTTP_PROT is not a setting UptimeMesh reads; it is ignored")
        .noneMatch(w -> w.contains("OTHER"));
  }

  @Test
  void dotEnvPathDefaultsToTheCurrentDirectory() {
    assertThat(RuntimeSettings.dotEnvPath(Map.of())).isEqualTo(Path.of(".env"));
    assertThat(RuntimeSettings.dotEnvPath(Map.of("UPTIMEMESH_ENV_FILE", " ")))
        .isEqualTo(Path.of(".env"));
    assertThat(RuntimeSettings.dotEnvPath(Map.of("UPTIMEMESH_ENV_FILE", "/etc/um/env")))
        .isEqualTo(Path.of("/etc/um/env"));
  }

  @Test
  void toStringShowsSettingsButNoSecrets() {
    RuntimeSettings s =
        RuntimeSettings.load(
            Map.of(
                "AUTH_SECRET_KEY", "visible-auth-value",
                "CLUSTER_SIGNING_KEY", "visible-signing-value",
                "UPTIMEMESH_HTTP_PORT", "8123"),
            null);

    assertThat(s.toString())
        .contains("httpPort=8123", "authSecretKey=<redacted>", "clusterSigningKey=<redacted>")
        .doesNotContain("visible-auth-value", "visible-signing-value");
    assertThat(s.warnings()).noneMatch(w -> w.contains("visible-"));
  }

  @Test
  void identityAndHeartbeatSettingsHaveDefaultsAndAreChecked() {
    RuntimeSettings s = RuntimeSettings.load(Map.of(), null);
    assertThat(s.nodeCertValidity()).isEqualTo(java.time.Duration.ofDays(30));
    assertThat(s.heartbeatMaxSkew()).isEqualTo(java.time.Duration.ofSeconds(30));
    assertThat(s.heartbeatInterval()).isEqualTo(java.time.Duration.ofSeconds(10));
    assertThat(s.heartbeatTtl()).isEqualTo(java.time.Duration.ofSeconds(30));

    assertThatThrownBy(
            () ->
                RuntimeSettings.load(
                    Map.of(
                        "RUNTIME_HEARTBEAT_INTERVAL_SECONDS", "30",
                        "RUNTIME_HEARTBEAT_TTL_SECONDS", "30"),
                    null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("RUNTIME_HEARTBEAT_INTERVAL_SECONDS")
        .hasMessageContaining("RUNTIME_HEARTBEAT_TTL_SECONDS");
    assertThatThrownBy(() -> RuntimeSettings.load(Map.of("NODE_CERT_VALIDITY_DAYS", "0"), null))
        .hasMessageContaining("NODE_CERT_VALIDITY_DAYS");
  }
}
