package io.uptimemesh.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Invalid config.yaml content is refused with an actionable message and never rewritten. */
class ClusterConfigValidationTest {

  @TempDir Path dir;

  static Stream<Arguments> invalidValues() {
    return Stream.of(
        // out of range
        invalid(
            "  client_port: 2379\n",
            "  client_port: 70000\n",
            "managed_etcd.client_port",
            "managed_etcd.client_port = 70000 is not allowed: expected an integer 1..65535"),
        invalid(
            "  client_port: 2379\n",
            "  client_port: 0\n",
            "managed_etcd.client_port",
            "managed_etcd.client_port = 0 is not allowed: expected an integer 1..65535"),
        invalid(
            "  quota_backend_bytes: 2147483648\n",
            "  quota_backend_bytes: 1024\n",
            "managed_etcd.quota_backend_bytes",
            "= 1024 is not allowed: expected an integer 16777216..8589934592"),
        invalid(
            "  quota_backend_bytes: 2147483648\n",
            "  quota_backend_bytes: 99999999999999999999999\n",
            "managed_etcd.quota_backend_bytes",
            "= 99999999999999999999999 is not allowed: expected an integer 16777216..8589934592"),
        invalid(
            "  retry_attempts: 3\n",
            "  retry_attempts: -1\n",
            "etcd_client.retry_attempts",
            "etcd_client.retry_attempts = -1 is not allowed: expected an integer 0..10"),
        invalid(
            "  shutdown_grace_seconds: 5\n",
            "  shutdown_grace_seconds: 61\n",
            "http.shutdown_grace_seconds",
            "http.shutdown_grace_seconds = 61 is not allowed: expected an integer 0..60"),
        // wrong type
        invalid(
            "  client_port: 2379\n",
            "  client_port: \"2379\"\n",
            "managed_etcd.client_port",
            "managed_etcd.client_port = \"2379\" is not allowed: expected an integer 1..65535,"
                + " not a string; remove the quotes"),
        invalid(
            "  client_port: 2379\n",
            "  client_port: abc\n",
            "managed_etcd.client_port",
            "managed_etcd.client_port = abc is not allowed: expected an integer 1..65535, not a"
                + " string"),
        invalid(
            "  startup_timeout_seconds: 30\n",
            "  startup_timeout_seconds: 1.5\n",
            "managed_etcd.startup_timeout_seconds",
            "= 1.5 is not allowed: expected an integer 1..600, not a decimal number"),
        invalid(
            "  crash_budget: 5\n",
            "  crash_budget: yes\n",
            "managed_etcd.crash_budget",
            "= yes is not allowed: expected an integer 1..100, not a boolean"),
        invalid(
            "  crash_budget: 5\n",
            "  crash_budget:\n",
            "managed_etcd.crash_budget",
            "managed_etcd.crash_budget = (empty) is not allowed: expected an integer 1..100, not"
                + " empty; remove the line to use the default 5"),
        invalid(
            "  crash_budget: 5\n",
            "  crash_budget: [5]\n",
            "managed_etcd.crash_budget",
            "managed_etcd.crash_budget = <a list> is not allowed: expected an integer 1..100, not"
                + " a list"),
        invalid(
            "  member_name: uptimemesh-1\n",
            "  member_name: true\n",
            "managed_etcd.member_name",
            "= true is not allowed: expected 1..63 characters of A-Z a-z 0-9 . _ -, not a boolean;"
                + " put it in quotes to make it text"),
        // bad enum and bad text
        invalid(
            "  auto_compaction_mode: periodic\n",
            "  auto_compaction_mode: hourly\n",
            "managed_etcd.auto_compaction_mode",
            "managed_etcd.auto_compaction_mode = hourly is not allowed: expected periodic or"
                + " revision"),
        invalid(
            "  auto_compaction_retention: 1h\n",
            "  auto_compaction_retention: 1 hour\n",
            "managed_etcd.auto_compaction_retention",
            "= 1 hour is not allowed: expected a positive Go duration like 30m, 1h or 2h30m,"
                + " because managed_etcd.auto_compaction_mode is periodic"),
        invalid(
            "  auto_compaction_retention: 1h\n",
            "  auto_compaction_retention: 0m\n",
            "managed_etcd.auto_compaction_retention",
            "= 0m is not allowed: expected a positive Go duration"),
        invalid(
            "  auto_compaction_mode: periodic\n  auto_compaction_retention: 1h\n",
            "  auto_compaction_mode: revision\n  auto_compaction_retention: 1h\n",
            "managed_etcd.auto_compaction_retention",
            "= 1h is not allowed: expected a positive integer (revisions to keep), because"
                + " managed_etcd.auto_compaction_mode is revision"),
        invalid(
            "  name: uptimemesh\n",
            "  name: Uptime\n",
            "cluster.name",
            "cluster.name = Uptime is not allowed: expected 1..63 characters of a-z 0-9 - starting"
                + " with a letter"),
        invalid(
            "  name: uptimemesh\n",
            "  name: 1mesh\n",
            "cluster.name",
            "cluster.name = 1mesh is not allowed"),
        invalid(
            "  name: uptimemesh\n",
            "  name: a" + "b".repeat(63) + "\n",
            "cluster.name",
            "cluster.name = ab"),
        invalid(
            "  member_name: uptimemesh-1\n",
            "  member_name: core a\n",
            "managed_etcd.member_name",
            "managed_etcd.member_name = core a is not allowed: expected 1..63 characters of A-Z"
                + " a-z 0-9 . _ -"),
        // bad CIDR
        invalid(
            "  mesh_cidr: 10.42.0.0/16\n",
            "  mesh_cidr: 10.42.1.0/16\n",
            "cluster.mesh_cidr",
            "cluster.mesh_cidr = 10.42.1.0/16 is not allowed: expected an IPv4 network like"
                + " 10.42.0.0/16 with prefix length 8..30 (the address is not the network address;"
                + " did you mean 10.42.0.0/16?)"),
        invalid(
            "  mesh_cidr: 10.42.0.0/16\n",
            "  mesh_cidr: 10.42.0.0/31\n",
            "cluster.mesh_cidr",
            "(the prefix length 31 is outside 8..30)"),
        invalid(
            "  mesh_cidr: 10.42.0.0/16\n",
            "  mesh_cidr: 10.0.0.0/7\n",
            "cluster.mesh_cidr",
            "(the prefix length 7 is outside 8..30)"),
        invalid(
            "  mesh_cidr: 10.42.0.0/16\n",
            "  mesh_cidr: 300.42.0.0/16\n",
            "cluster.mesh_cidr",
            "(the part before / is not an IPv4 address)"),
        invalid(
            "  mesh_cidr: 10.42.0.0/16\n",
            "  mesh_cidr: fd00::/8\n",
            "cluster.mesh_cidr",
            "cluster.mesh_cidr = fd00::/8 is not allowed"),
        invalid(
            "  mesh_cidr: 10.42.0.0/16\n",
            "  mesh_cidr: 10.42.0.0\n",
            "cluster.mesh_cidr",
            "(it has no /prefix length)"),
        // cross-field
        invalid(
            "  peer_port: 2380\n",
            "  peer_port: 2379\n",
            "managed_etcd.peer_port",
            "managed_etcd.peer_port = 2379 is not allowed: expected a value different from"
                + " managed_etcd.client_port (2379)"),
        invalid(
            "  restart_backoff_max_ms: 30000\n",
            "  restart_backoff_max_ms: 400\n",
            "managed_etcd.restart_backoff_max_ms",
            "managed_etcd.restart_backoff_max_ms = 400 is not allowed: expected at least"
                + " managed_etcd.restart_backoff_initial_ms (500)"),
        invalid(
            "  stale_after_ms: 3000\n",
            "  stale_after_ms: 1000\n",
            "etcd_health.stale_after_ms",
            "etcd_health.stale_after_ms = 1000 is not allowed: expected more than"
                + " etcd_health.probe_interval_ms (1000)"),
        invalid(
            "  down_after_ms: 10000\n",
            "  down_after_ms: 3000\n",
            "etcd_health.down_after_ms",
            "etcd_health.down_after_ms = 3000 is not allowed: expected more than"
                + " etcd_health.stale_after_ms (3000)"),
        invalid(
            "  probe_interval_ms: 1000\n  degraded_latency_ms: 500\n  stale_after_ms: 3000\n",
            "  probe_interval_ms: 5000\n  degraded_latency_ms: 500\n",
            "etcd_health.stale_after_ms",
            "etcd_health.stale_after_ms = 3000 (the default) is not allowed: expected more than"
                + " etcd_health.probe_interval_ms (5000)"),
        // sections that are not maps
        invalid(
            "http:\n  body_limit_bytes: 1048576\n  shutdown_grace_seconds: 5\n",
            "http: 5\n",
            "http",
            "http = 5 is not allowed: expected a map of http settings (or no http: line at all,"
                + " for the defaults), not an integer"),
        invalid(
            "cluster:\n  name: uptimemesh\n  mesh_cidr: 10.42.0.0/16\n",
            "cluster:\n  - uptimemesh\n",
            "cluster",
            "cluster = <a list> is not allowed: expected a map of cluster settings"),
        invalid(
            "http:\n  body_limit_bytes: 1048576\n  shutdown_grace_seconds: 5\n",
            "http:\n",
            "http",
            "http = (empty) is not allowed: expected a map of http settings"));
  }

  private static Arguments invalid(String find, String replace, String key, String fragment) {
    return Arguments.of(find, replace, key, fragment);
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalidValues")
  void refusesInvalidValueAndLeavesFileUnchanged(
      String find, String replace, String key, String fragment) throws IOException {
    assertThat(ConfigTexts.DEFAULTS).contains(find);
    Path file = write(ConfigTexts.DEFAULTS.replace(find, replace));
    byte[] before = Files.readAllBytes(file);

    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> ClusterConfigFile.loadOrCreate(file));

    assertThat(e).as("expected a ConfigException").isNotNull();
    assertThat(e.getMessage()).startsWith(file + ": ").contains(fragment).doesNotContain("\n");
    assertThat(e.source()).isEqualTo(file.toString());
    assertThat(e.key()).isEqualTo(key);
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
  }

  @Test
  void messageNamesTheFileAsGiven() throws IOException {
    write(ConfigTexts.DEFAULTS.replace("client_port: 2379", "client_port: 70000"));
    Path relative = Path.of("").toAbsolutePath().relativize(dir.resolve("config.yaml"));

    assertThatThrownBy(() -> ClusterConfigFile.loadOrCreate(relative))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            relative
                + ": managed_etcd.client_port = 70000 is not allowed: expected an integer"
                + " 1..65535");
  }

  @Test
  void reportsEveryBadKeyAndWritesNothingEvenWhenKeysAreMissing() throws IOException {
    Path file =
        write(
            ConfigTexts.DEFAULTS
                .replace("  client_port: 2379\n", "  client_port: 70000\n")
                .replace("  retry_attempts: 3\n", "  retry_attempts: 11\n")
                .replace("  crash_budget: 5\n", ""));
    byte[] before = Files.readAllBytes(file);

    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> ClusterConfigFile.loadOrCreate(file));

    assertThat(e.key()).isEqualTo("managed_etcd.client_port");
    assertThat(e.getMessage())
        .contains("managed_etcd.client_port = 70000 is not allowed")
        .endsWith("(also not allowed: etcd_client.retry_attempts)");
    assertThat(e.getSuppressed()).hasSize(1);
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
  }

  @Test
  void syntaxErrorNamesTheLine() throws IOException {
    Path file = write("cluster:\n  name: uptimemesh\n  mesh_cidr: 10.42.0.0/16: oops\nhttp: {}\n");
    byte[] before = Files.readAllBytes(file);

    assertThatThrownBy(() -> ClusterConfigFile.loadOrCreate(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(file + ": line 3, column ")
        .hasMessageContaining("mapping values are not allowed here")
        .hasMessageEndingWith("(not valid YAML)");
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
  }

  @Test
  void unclosedQuoteNamesTheLine() throws IOException {
    Path file = write("cluster:\n  name: \"uptimemesh\n");

    assertThatThrownBy(() -> ClusterConfigFile.loadOrCreate(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(file + ": line 3, column 1:");
  }

  @Test
  void duplicateKeyIsRefused() throws IOException {
    Path file =
        write(
            ConfigTexts.DEFAULTS.replace(
                "  peer_port: 2380\n", "  peer_port: 2380\n  client_port: 2381\n"));
    byte[] before = Files.readAllBytes(file);

    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> ClusterConfigFile.loadOrCreate(file));

    assertThat(e.getMessage())
        .isEqualTo(
            file
                + ": line 10: duplicate key managed_etcd.client_port (first set on line 8); each"
                + " key may appear only once");
    assertThat(e.key()).isEqualTo("managed_etcd.client_port");
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
  }

  @Test
  void duplicateSectionIsRefused() throws IOException {
    Path file = write(ConfigTexts.DEFAULTS + "http:\n  body_limit_bytes: 2048\n");

    assertThatThrownBy(() -> ClusterConfigFile.loadOrCreate(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("duplicate key http (first set on line 31)");
  }

  @Test
  void duplicateKeyInsideUnknownSectionIsRefused() throws IOException {
    Path file = write(ConfigTexts.DEFAULTS + "extras:\n  a: 1\n  a: 2\n");

    assertThatThrownBy(() -> ClusterConfigFile.loadOrCreate(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("duplicate key extras.a");
  }

  @Test
  void topLevelThatIsNotAMapIsRefused() throws IOException {
    Path file = write("- cluster\n- http\n");

    assertThatThrownBy(() -> ClusterConfigFile.loadOrCreate(file))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            file
                + ": the top level is a list, but it must be a map of sections such as cluster:"
                + " and managed_etcd:");
    assertThat(Files.readString(file)).isEqualTo("- cluster\n- http\n");
  }

  @Test
  void javaTypeTagIsRefused() throws IOException {
    Path file = write(ConfigTexts.DEFAULTS + "extras: !!javax.script.ScriptEngineManager [x]\n");
    byte[] before = Files.readAllBytes(file);

    assertThatThrownBy(() -> ClusterConfigFile.loadOrCreate(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(file + ": line " + firstLineAfterDefaults() + ", column 9:");
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
  }

  @Test
  void customLocalTagIsRefused() throws IOException {
    Path file = write(ConfigTexts.DEFAULTS + "extras: !thing {a: 1}\n");

    assertThatThrownBy(() -> ClusterConfigFile.loadOrCreate(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("!thing")
        .hasMessageContaining("line " + firstLineAfterDefaults());
  }

  @Test
  void secondDocumentIsRefused() throws IOException {
    Path file = write(ConfigTexts.DEFAULTS + "---\nhttp: {}\n");

    assertThatThrownBy(() -> ClusterConfigFile.loadOrCreate(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("line " + firstLineAfterDefaults());
  }

  @Test
  void invalidUtf8IsRefused() throws IOException {
    Path file = dir.resolve("config.yaml");
    Files.write(file, new byte[] {'a', ':', ' ', (byte) 0xC3, (byte) 0x28, '\n'});

    assertThatThrownBy(() -> ClusterConfigFile.loadOrCreate(file))
        .isInstanceOf(ConfigException.class)
        .hasMessage(file + ": is not valid UTF-8 text");
  }

  @Test
  void directoryInsteadOfFileIsReported() throws IOException {
    Path file = Files.createDirectory(dir.resolve("config.yaml"));

    assertThatThrownBy(() -> ClusterConfigFile.loadOrCreate(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(file + ": cannot read the file");
  }

  private Path write(String content) throws IOException {
    return Files.write(dir.resolve("config.yaml"), content.getBytes(StandardCharsets.UTF_8));
  }

  /** The line a text appended to the default file starts on (sections get added over time). */
  private static long firstLineAfterDefaults() {
    return ConfigTexts.DEFAULTS.lines().count() + 1;
  }
}
