package io.uptimemesh.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.core.config.ClusterConfigFile.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files committed at the repository root agree with the code. */
class RepositoryFilesTest {

  // Surefire runs in the module directory (core/), one below the repository root.
  private static final Path ROOT = Path.of("..");
  private static final Pattern ASSIGNMENT = Pattern.compile("#? ?([A-Z][A-Z0-9_]*)=(.*)");

  @TempDir Path dir;

  @Test
  void committedConfigYamlIsTheRenderedDefaults() throws IOException {
    String committed = Files.readString(ROOT.resolve("config.yaml"));

    assertThat(committed).isEqualTo(ConfigTexts.DEFAULTS);
    assertThat(ClusterConfigFile.render(ClusterConfig.defaults())).isEqualTo(committed);
  }

  @Test
  void serverLeavesACopyOfTheCommittedConfigYamlAlone() throws IOException {
    Path copy = Files.copy(ROOT.resolve("config.yaml"), dir.resolve("config.yaml"));

    assertThat(ClusterConfigFile.loadOrCreate(copy).outcome()).isEqualTo(Outcome.UNCHANGED);
  }

  @Test
  void envExampleDocumentsExactlyTheSettingsWithTheirDefaults() throws IOException {
    List<String> lines = Files.readAllLines(ROOT.resolve(".env.example"));
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = ASSIGNMENT.matcher(lines.get(i));
      if (!m.matches()) {
        continue;
      }
      String key = m.group(1);
      keys.add(key);
      SettingDoc doc = docFor(key);
      assertThat(doc).as("%s is documented in .env.example but not read", key).isNotNull();
      assertThat(m.group(2)).as("default of %s", key).isEqualTo(doc.defaultValue());
      assertThat(i).as("%s needs a comment line above it", key).isPositive();
      assertThat(lines.get(i - 1)).as("comment above %s", key).isEqualTo("# " + doc.description());
      assertThat(i > 1 ? lines.get(i - 2) : "").as("one comment line above %s", key).isBlank();
    }
    assertThat(keys)
        .containsExactlyElementsOf(
            RuntimeSettings.documentation().stream().map(SettingDoc::key).toList());
  }

  @Test
  void documentationListsEveryKeyOnce() {
    assertThat(RuntimeSettings.documentation())
        .extracting(SettingDoc::key)
        .containsExactly(
            "APP_ENV",
            "LOG_LEVEL",
            "UPTIMEMESH_DATA_DIR",
            "LOG_FILE",
            "METRICS_ENABLED",
            "AUTH_SECRET_KEY",
            "CLUSTER_SIGNING_KEY",
            "ETCD_ENABLED",
            "ETCD_ENDPOINTS",
            "ETCD_PREFIX",
            "ETCD_SNAPSHOT_DIR",
            "ETCD_SNAPSHOT_RETENTION",
            "ETCD_COMMAND",
            "UPTIMEMESH_HTTP_HOST",
            "UPTIMEMESH_HTTP_PORT",
            "UPTIMEMESH_CONFIG",
            "NODE_CERT_VALIDITY_DAYS",
            "HEARTBEAT_SIGNATURE_MAX_SKEW_SECONDS",
            "RUNTIME_HEARTBEAT_INTERVAL_SECONDS",
            "RUNTIME_HEARTBEAT_TTL_SECONDS",
            "UPTIMEMESH_ADVERTISE_HOST",
            "RUNTIME_NODE_ID",
            "RUNTIME_NODE_NAME",
            "RUNTIME_NODE_ROLE",
            "RUNTIME_API_BASE_URL",
            "RUNTIME_IDENTITY_DIR",
            "RUNTIME_CONTROL_PLANE_CHECK_SECONDS",
            "RUNTIME_WG_PRIMARY_IFACE",
            "RUNTIME_WG_SECONDARY_IFACE",
            "RUNTIME_WG_PRIMARY_ENDPOINT",
            "RUNTIME_WG_SECONDARY_ENDPOINT",
            "RUNTIME_ROUTE_PRIMARY_METRIC",
            "RUNTIME_ROUTE_SECONDARY_METRIC",
            "RUNTIME_FAILOVER_THRESHOLD",
            "RUNTIME_FAILBACK_STABLE_COUNT",
            "RUNTIME_FAILBACK_ENABLE",
            "RUNTIME_FAILOVER_HOLD_DOWN_SECONDS",
            "RUNTIME_PROBE_INTERVAL_MS",
            "RUNTIME_PROBE_TIMEOUT_MS",
            "RUNTIME_PROBE_PORT",
            "RUNTIME_STATUS_SOCKET",
            "RUNTIME_METRICS_PORT",
            "RUNTIME_RESYNC_SECONDS",
            "RUNTIME_DISCOVERY_DOMAIN",
            "RUNTIME_DISCOVERY_TTL_SECONDS",
            "RUNTIME_DISCOVERY_NAMESERVERS",
            "RUNTIME_DISCOVERY_PORT",
            "RUNTIME_DISCOVERY_UPSTREAMS",
            "RUNTIME_DISCOVERY_ENABLE",
            "RUNTIME_DISCOVERY_ZONE_PATH",
            "RUNTIME_DISCOVERY_COREFILE_PATH",
            "RUNTIME_DISCOVERY_RELOAD_COMMAND",
            "RUNTIME_DISCOVERY_LISTEN",
            "WORKLOAD_GENERATIONS_KEPT",
            "LXD_ENABLED",
            "LXD_SOCKET",
            "LXD_PROJECT",
            "LXD_DEFAULT_IMAGE",
            "LXD_DEFAULT_PROFILE",
            "LXD_HEALTH_TIMEOUT_SECONDS",
            "LXD_HEALTH_POLL_SECONDS",
            "SCHEDULER_INTERVAL_SECONDS",
            "SCHEDULER_RESCHEDULE_GRACE_SECONDS",
            "ROLLOUT_INTERVAL_SECONDS");
    assertThat(RuntimeSettings.documentation())
        .allSatisfy(doc -> assertThat(doc.description()).isNotBlank().doesNotContain("\n"));
  }

  @Test
  void uncommentedEnvExampleLoadsAsTheDefaults() throws IOException {
    String uncommented =
        Files.readString(ROOT.resolve(".env.example")).replaceAll("(?m)^# ([A-Z_]+=)", "$1");
    Path file = Files.writeString(dir.resolve(".env"), uncommented);

    RuntimeSettings fromFile = RuntimeSettings.load(Map.of(), file);
    RuntimeSettings defaults = RuntimeSettings.load(Map.of(), null);

    assertThat(fromFile.toString()).isEqualTo(defaults.toString());
    assertThat(fromFile.authSecretKey()).isEqualTo(defaults.authSecretKey());
    assertThat(fromFile.clusterSigningKey()).isEqualTo(defaults.clusterSigningKey());
  }

  @Test
  void documentedDefaultsAreTheDefaultsInEffect() {
    Map<String, String> environment = new HashMap<>();
    RuntimeSettings.documentation().forEach(doc -> environment.put(doc.key(), doc.defaultValue()));

    RuntimeSettings explicit = RuntimeSettings.load(environment, null);

    assertThat(explicit.toString())
        .isEqualTo(RuntimeSettings.load(Map.of(), null).toString())
        .contains("dataDir=./data,", "logFile=./data/logs/app.log,", "httpPort=8010,");
  }

  private static SettingDoc docFor(String key) {
    return RuntimeSettings.documentation().stream()
        .filter(doc -> doc.key().equals(key))
        .findFirst()
        .orElse(null);
  }
}
