package io.uptimemesh.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.config.ClusterConfigFile.Outcome;
import io.uptimemesh.core.config.ClusterConfigFile.Result;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterConfigSchemaTest {

  /** Every value differs from its default and from every other value of the same kind. */
  private static final ClusterConfig CUSTOM =
      new ClusterConfig(
          new ClusterSection("edge-7", "172.16.0.0/12"),
          new ManagedEtcdConfig(
              "core_b.2",
              12379,
              12380,
              "revision",
              "5000",
              4294967296L,
              Duration.ofSeconds(45),
              Duration.ofMillis(250),
              Duration.ofMillis(45000),
              9,
              Duration.ofSeconds(1200),
              Duration.ofSeconds(12)),
          new EtcdClientConfig(Duration.ofMillis(3500), 6, Duration.ofMillis(150)),
          new EtcdHealthConfig(
              Duration.ofMillis(1500),
              Duration.ofMillis(700),
              Duration.ofMillis(4500),
              Duration.ofMillis(20000)),
          new HttpConfig(2097152, Duration.ofSeconds(8)),
          new PkiConfig(Duration.ofDays(731)),
          new LeaderConfig(Duration.ofSeconds(7), Duration.ofSeconds(40), Duration.ofHours(36)),
          new EventsConfig(Duration.ofHours(48), 500, Duration.ofSeconds(30)),
          new SnapshotsConfig(Duration.ofMinutes(15), Duration.ofSeconds(120)));

  @TempDir Path dir;

  @Test
  void defaultsAreTheDocumentedValues() {
    assertThat(ClusterConfig.defaults())
        .isEqualTo(
            new ClusterConfig(
                new ClusterSection("uptimemesh", "10.42.0.0/16"),
                new ManagedEtcdConfig(
                    "uptimemesh-1",
                    2379,
                    2380,
                    "periodic",
                    "1h",
                    2147483648L,
                    Duration.ofSeconds(30),
                    Duration.ofMillis(500),
                    Duration.ofMillis(30000),
                    5,
                    Duration.ofSeconds(600),
                    Duration.ofSeconds(5)),
                new EtcdClientConfig(Duration.ofMillis(2000), 3, Duration.ofMillis(100)),
                new EtcdHealthConfig(
                    Duration.ofMillis(500),
                    Duration.ofMillis(500),
                    Duration.ofMillis(1500),
                    Duration.ofMillis(10000)),
                new HttpConfig(1048576, Duration.ofSeconds(5)),
                new PkiConfig(Duration.ofDays(3650)),
                new LeaderConfig(
                    Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofHours(168)),
                new EventsConfig(Duration.ofHours(168), 10000, Duration.ofSeconds(60)),
                new SnapshotsConfig(Duration.ofMinutes(60), Duration.ofSeconds(600))));
  }

  @Test
  void defaultsRenderAsTheDocumentedFile() {
    assertThat(ClusterConfigFile.render(ClusterConfig.defaults())).isEqualTo(ConfigTexts.DEFAULTS);
  }

  @Test
  void everyKeyIsWiredToItsOwnField() throws IOException {
    String text = ClusterConfigFile.render(CUSTOM);
    assertThat(text)
        .contains(
            "  name: edge-7\n",
            "  mesh_cidr: 172.16.0.0/12\n",
            "  member_name: core_b.2\n",
            "  client_port: 12379\n",
            "  peer_port: 12380\n",
            "  auto_compaction_mode: revision\n",
            "  auto_compaction_retention: 5000\n",
            "  quota_backend_bytes: 4294967296\n",
            "  startup_timeout_seconds: 45\n",
            "  restart_backoff_initial_ms: 250\n",
            "  restart_backoff_max_ms: 45000\n",
            "  crash_budget: 9\n",
            "  crash_window_seconds: 1200\n",
            "  stop_grace_seconds: 12\n",
            "  request_timeout_ms: 3500\n",
            "  retry_attempts: 6\n",
            "  retry_backoff_ms: 150\n",
            "  probe_interval_ms: 1500\n",
            "  degraded_latency_ms: 700\n",
            "  stale_after_ms: 4500\n",
            "  down_after_ms: 20000\n",
            "  body_limit_bytes: 2097152\n",
            "  shutdown_grace_seconds: 8\n",
            "  election_ttl_seconds: 7\n",
            "  stale_sweep_interval_seconds: 40\n",
            "  prune_after_hours: 36\n",
            "  schedule_interval_minutes: 15\n",
            "  timeout_seconds: 120\n");
    Path file = Files.writeString(dir.resolve("config.yaml"), text);

    Result result = ClusterConfigFile.loadOrCreate(file);

    assertThat(result.outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(result.config()).isEqualTo(CUSTOM);
  }

  @Test
  void everyRecordComponentHasExactlyOneSchemaKey() {
    List<RecordComponent> sections = Arrays.asList(ClusterConfig.class.getRecordComponents());
    assertThat(sections).hasSameSizeAs(ClusterConfigSchema.SECTIONS);
    for (int i = 0; i < sections.size(); i++) {
      Class<?> sectionType = sections.get(i).getType();
      assertThat(sectionType.getRecordComponents())
          .as("components of %s", sectionType.getSimpleName())
          .hasSameSizeAs(ClusterConfigSchema.SECTIONS.get(i).keys());
    }
  }

  @Test
  void keysAreUniqueAndSnakeCase() {
    Set<String> seen = new HashSet<>();
    for (SectionSpec section : ClusterConfigSchema.SECTIONS) {
      assertThat(section.name()).matches("[a-z][a-z_]*");
      for (KeySpec key : section.keys()) {
        assertThat(key.name()).matches("[a-z][a-z_]*");
        assertThat(seen.add(ClusterConfigSchema.dotted(section, key))).isTrue();
      }
    }
    assertThat(seen).hasSize(32);
  }

  @Test
  void renderRefusesAnInvalidConfig() {
    ClusterConfig bad =
        new ClusterConfig(
            CUSTOM.cluster(),
            CUSTOM.managedEtcd(),
            CUSTOM.etcdClient(),
            CUSTOM.etcdHealth(),
            new HttpConfig(10, Duration.ofSeconds(8)),
            new PkiConfig(Duration.ofDays(3650)),
            CUSTOM.leader(),
            CUSTOM.events(),
            CUSTOM.snapshots());

    assertThatThrownBy(() -> ClusterConfigFile.render(bad))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "ClusterConfig: http.body_limit_bytes = 10 is not allowed: expected an integer"
                + " 1024..104857600");
  }

  @Test
  void crossRulesApplyToRenderToo() {
    ClusterConfig bad =
        new ClusterConfig(
            CUSTOM.cluster(),
            CUSTOM.managedEtcd(),
            CUSTOM.etcdClient(),
            new EtcdHealthConfig(
                Duration.ofMillis(1500),
                Duration.ofMillis(700),
                Duration.ofMillis(4500),
                Duration.ofMillis(4500)),
            CUSTOM.http(),
            CUSTOM.pki(),
            CUSTOM.leader(),
            CUSTOM.events(),
            CUSTOM.snapshots());

    assertThatThrownBy(() -> ClusterConfigFile.render(bad))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("etcd_health.down_after_ms = 4500 is not allowed")
        .hasMessageContaining("etcd_health.stale_after_ms (4500)");
  }
}
