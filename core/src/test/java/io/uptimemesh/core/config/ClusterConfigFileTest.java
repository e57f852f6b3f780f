package io.uptimemesh.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.core.config.ClusterConfigFile.Outcome;
import io.uptimemesh.core.config.ClusterConfigFile.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterConfigFileTest {

  private static final FileTime LONG_AGO = FileTime.from(Instant.parse("2001-02-03T04:05:06Z"));

  @TempDir Path dir;

  @Test
  void createsMissingFileAndParentDirectoriesWithDefaults() throws IOException {
    Path file = dir.resolve("etc/uptimemesh/config.yaml");

    Result result = ClusterConfigFile.loadOrCreate(file);

    assertThat(result.outcome()).isEqualTo(Outcome.CREATED);
    assertThat(Files.readString(file)).isEqualTo(ConfigTexts.DEFAULTS);
    assertThat(result.config().cluster())
        .isEqualTo(new ClusterSection("uptimemesh", "10.42.0.0/16"));
    assertThat(result.config().http()).isEqualTo(new HttpConfig(1048576, Duration.ofSeconds(5)));
    assertThat(result.filledKeys())
        .hasSize(32)
        .startsWith("cluster.name", "cluster.mesh_cidr", "managed_etcd.member_name")
        .endsWith(
            "pki.ca_validity_days",
            "leader.election_ttl_seconds",
            "leader.stale_sweep_interval_seconds",
            "leader.prune_after_hours",
            "events.max_age_hours",
            "events.max_count",
            "events.prune_interval_seconds",
            "snapshots.schedule_interval_minutes",
            "snapshots.timeout_seconds");
    assertThat(result.config().pki()).isEqualTo(new PkiConfig(Duration.ofDays(3650)));
    assertThat(result.config().events())
        .isEqualTo(new EventsConfig(Duration.ofHours(168), 10000, Duration.ofSeconds(60)));
    assertThat(listNames(file.getParent())).containsExactly("config.yaml");
  }

  @Test
  void secondLoadDoesNotTouchTheFile() throws IOException {
    Path file = dir.resolve("config.yaml");
    ClusterConfigFile.loadOrCreate(file);
    Files.setLastModifiedTime(file, LONG_AGO);
    byte[] before = Files.readAllBytes(file);

    Result result = ClusterConfigFile.loadOrCreate(file);

    assertThat(result.outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(result.filledKeys()).isEmpty();
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    assertThat(Files.getLastModifiedTime(file)).isEqualTo(LONG_AGO);
  }

  @Test
  void committedStyleFileIsUnchanged() throws IOException {
    Path file = write("config.yaml", ConfigTexts.DEFAULTS);
    Files.setLastModifiedTime(file, LONG_AGO);

    Result result = ClusterConfigFile.loadOrCreate(file);

    assertThat(result.outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(result.config()).isEqualTo(ClusterConfig.defaults());
    assertThat(Files.getLastModifiedTime(file)).isEqualTo(LONG_AGO);
  }

  @Test
  void healsMissingKeysAndSectionsKeepingUserValuesAndUnknownEntries() throws IOException {
    Path file =
        write(
            "config.yaml",
            """
            plugins:
              first: 1
              nested:
                - a
                - {b: c}
            cluster:
              name: prod-mesh
              mesh_cidr: 10.8.0.0/14
              owner: "ops team"
            managed_etcd:
              zeta: z
              client_port: 12379
              member_name: core-a
              peer_port: 12380
              alpha: [1, 2]
            etcd_client:
              retry_attempts: 0
            etcd_health: {}
            zz_later: 'kept'
            """);

    Result result = ClusterConfigFile.loadOrCreate(file);

    assertThat(result.outcome()).isEqualTo(Outcome.HEALED);
    assertThat(result.filledKeys())
        .contains(
            "managed_etcd.auto_compaction_mode",
            "managed_etcd.crash_budget",
            "etcd_client.request_timeout_ms",
            "etcd_health.probe_interval_ms",
            "http.body_limit_bytes",
            "http.shutdown_grace_seconds")
        .doesNotContain(
            "cluster.name",
            "cluster.mesh_cidr",
            "managed_etcd.client_port",
            "managed_etcd.member_name",
            "managed_etcd.peer_port",
            "etcd_client.retry_attempts");
    assertThat(result.config().cluster()).isEqualTo(new ClusterSection("prod-mesh", "10.8.0.0/14"));
    assertThat(result.config().managedEtcd().memberName()).isEqualTo("core-a");
    assertThat(result.config().managedEtcd().clientPort()).isEqualTo(12379);
    assertThat(result.config().managedEtcd().peerPort()).isEqualTo(12380);
    assertThat(result.config().managedEtcd().crashBudget()).isEqualTo(5);
    assertThat(result.config().etcdClient().retryAttempts()).isZero();
    assertThat(Files.readString(file))
        .isEqualTo(
            """
            # cluster: identity and addressing shared by every node
            cluster:
              name: prod-mesh
              mesh_cidr: 10.8.0.0/14
              owner: "ops team"
            # managed_etcd: the etcd member this server runs itself when ETCD_ENDPOINTS is empty
            managed_etcd:
              member_name: core-a
              client_port: 12379
              peer_port: 12380
              auto_compaction_mode: periodic
              auto_compaction_retention: 1h
              quota_backend_bytes: 2147483648
              startup_timeout_seconds: 30
              restart_backoff_initial_ms: 500
              restart_backoff_max_ms: 30000
              crash_budget: 5
              crash_window_seconds: 600
              stop_grace_seconds: 5
              zeta: z
              alpha: [1, 2]
            # etcd_client: deadlines and retries of every call this server makes to etcd
            etcd_client:
              request_timeout_ms: 2000
              retry_attempts: 0
              retry_backoff_ms: 100
            # etcd_health: how the health monitor grades etcd as ok / degraded / stale / down
            etcd_health:
              probe_interval_ms: 500
              degraded_latency_ms: 500
              stale_after_ms: 1500
              down_after_ms: 10000
            # http: the API server of this core node
            http:
              body_limit_bytes: 1048576
              shutdown_grace_seconds: 5
            # pki: the cluster certificate authority
            pki:
              ca_validity_days: 3650
            # leader: leader election among core nodes, leader-only jobs and node pruning
            leader:
              election_ttl_seconds: 5
              stale_sweep_interval_seconds: 15
              prune_after_hours: 168
            # events: the cluster event log, pruned by the leader
            events:
              max_age_hours: 168
              max_count: 10000
              prune_interval_seconds: 60
            # snapshots: etcd snapshots (files in ETCD_SNAPSHOT_DIR, ETCD_SNAPSHOT_RETENTION kept)
            snapshots:
              schedule_interval_minutes: 60
              timeout_seconds: 600
            plugins:
              first: 1
              nested:
              - a
              - {b: c}
            zz_later: 'kept'
            """);

    Files.setLastModifiedTime(file, LONG_AGO);
    Result again = ClusterConfigFile.loadOrCreate(file);
    assertThat(again.outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(again.config()).isEqualTo(result.config());
    assertThat(Files.getLastModifiedTime(file)).isEqualTo(LONG_AGO);
  }

  @Test
  void deletingOneKeyRestoresOnlyThatKey() throws IOException {
    String edited =
        ConfigTexts.DEFAULTS
            .replace("  name: uptimemesh\n", "  name: edge\n")
            .replace("  retry_backoff_ms: 100\n", "  retry_backoff_ms: 250\n");
    Path file = write("config.yaml", edited.replace("  crash_budget: 5\n", ""));

    Result result = ClusterConfigFile.loadOrCreate(file);

    assertThat(result.outcome()).isEqualTo(Outcome.HEALED);
    assertThat(result.filledKeys()).containsExactly("managed_etcd.crash_budget");
    assertThat(Files.readString(file)).isEqualTo(edited);
    assertThat(result.config().cluster().name()).isEqualTo("edge");
    assertThat(result.config().etcdClient().retryBackoff()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void reformatsOrderQuotingAndCommentsWithoutChangingValues() throws IOException {
    Path file =
        write(
            "config.yaml",
            ConfigTexts.DEFAULTS
                .replace(
                    "  name: uptimemesh\n  mesh_cidr: 10.42.0.0/16\n",
                    "  mesh_cidr: \"10.42.0.0/16\"   # my network\n  name: 'uptimemesh'\n")
                .replace("# http: the API server of this core node\n", "# my own comment\n"));

    Result result = ClusterConfigFile.loadOrCreate(file);

    assertThat(result.outcome()).isEqualTo(Outcome.REFORMATTED);
    assertThat(result.filledKeys()).isEmpty();
    assertThat(Files.readString(file)).isEqualTo(ConfigTexts.DEFAULTS);
  }

  @Test
  void windowsLineEndingsAreReformatted() throws IOException {
    Path file = write("config.yaml", ConfigTexts.DEFAULTS.replace("\n", "\r\n"));

    Result result = ClusterConfigFile.loadOrCreate(file);

    assertThat(result.outcome()).isEqualTo(Outcome.REFORMATTED);
    assertThat(Files.readString(file)).isEqualTo(ConfigTexts.DEFAULTS);
  }

  @Test
  void emptyFileIsFilledWithDefaults() throws IOException {
    Path file = write("config.yaml", "# nothing here yet\n");

    Result result = ClusterConfigFile.loadOrCreate(file);

    assertThat(result.outcome()).isEqualTo(Outcome.HEALED);
    assertThat(result.filledKeys()).hasSize(32);
    assertThat(Files.readString(file)).isEqualTo(ConfigTexts.DEFAULTS);
  }

  @Test
  void revisionCompactionKeepsAnUnquotedCount() throws IOException {
    String text =
        ConfigTexts.DEFAULTS
            .replace("auto_compaction_mode: periodic", "auto_compaction_mode: revision")
            .replace("auto_compaction_retention: 1h", "auto_compaction_retention: 1000");
    Path file = write("config.yaml", text);

    Result result = ClusterConfigFile.loadOrCreate(file);

    assertThat(result.outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(result.config().managedEtcd().autoCompactionMode()).isEqualTo("revision");
    assertThat(result.config().managedEtcd().autoCompactionRetention()).isEqualTo("1000");
  }

  @Test
  void textThatLooksLikeAnotherTypeIsQuotedOnce() throws IOException {
    Path file =
        write(
            "config.yaml",
            ConfigTexts.DEFAULTS.replace("member_name: uptimemesh-1", "member_name: 'yes'"));

    Result result = ClusterConfigFile.loadOrCreate(file);

    assertThat(result.outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(result.config().managedEtcd().memberName()).isEqualTo("yes");
  }

  @Test
  void yamlIntegerNotationsAreReadAsNumbers() throws IOException {
    Path file =
        write(
            "config.yaml",
            ConfigTexts.DEFAULTS
                .replace("body_limit_bytes: 1048576", "body_limit_bytes: 2_097_152")
                .replace("client_port: 2379", "client_port: 0x94B"));

    Result result = ClusterConfigFile.loadOrCreate(file);

    assertThat(result.outcome()).isEqualTo(Outcome.REFORMATTED);
    assertThat(result.config().http().bodyLimitBytes()).isEqualTo(2097152L);
    assertThat(result.config().managedEtcd().clientPort()).isEqualTo(2379);
    assertThat(Files.readString(file))
        .contains("  body_limit_bytes: 2097152\n", "  client_port: 2379\n");
  }

  @Test
  void unknownValuesKeepTheirStyleTagsAndAnchors() throws IOException {
    String unknown =
        """
        extras:
          literal: |
            line one
            line two
          quoted: "a: b"
          date: 2024-01-01
          shared: &base {x: 1}
          again: *base
          nothing:
        """;
    Path file = write("config.yaml", ConfigTexts.DEFAULTS + unknown);

    Result result = ClusterConfigFile.loadOrCreate(file);

    assertThat(result.outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(Files.readString(file)).isEqualTo(ConfigTexts.DEFAULTS + unknown);
  }

  @Test
  void mergeKeysAreResolvedAndWrittenOut() throws IOException {
    Path file =
        write(
            "config.yaml",
            "ports: &ports\n  client_port: 3000\n  peer_port: 3001\n"
                + "managed_etcd:\n  <<: *ports\n  peer_port: 3002\n");

    Result result = ClusterConfigFile.loadOrCreate(file);

    assertThat(result.config().managedEtcd().clientPort()).isEqualTo(3000);
    assertThat(result.config().managedEtcd().peerPort()).isEqualTo(3002);
    assertThat(result.filledKeys()).doesNotContain("managed_etcd.client_port");
    assertThat(Files.readString(file))
        .contains(
            "managed_etcd:\n  member_name: uptimemesh-1\n  client_port: 3000\n  peer_port: 3002\n")
        .endsWith("ports: &ports\n  client_port: 3000\n  peer_port: 3001\n")
        .doesNotContain("<<");
  }

  @Test
  void mergeKeysInUnknownSectionsAreKeptAsWritten() throws IOException {
    String unknown = "base: &b\n  x: 1\nother:\n  <<: *b\n  y: 2\n";
    Path file = write("config.yaml", ConfigTexts.DEFAULTS + unknown);

    Result result = ClusterConfigFile.loadOrCreate(file);

    assertThat(result.outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(Files.readString(file)).isEqualTo(ConfigTexts.DEFAULTS + unknown);
  }

  @Test
  void writesThroughASymbolicLink() throws IOException {
    Path real = write("real.yaml", ConfigTexts.DEFAULTS.replace("  crash_budget: 5\n", ""));
    Path link = Files.createSymbolicLink(dir.resolve("config.yaml"), real.getFileName());

    Result result = ClusterConfigFile.loadOrCreate(link);

    assertThat(result.outcome()).isEqualTo(Outcome.HEALED);
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readString(real)).isEqualTo(ConfigTexts.DEFAULTS);
  }

  @Test
  void leavesNoTemporaryFilesBehind() throws IOException {
    write("config.yaml", "cluster:\n  name: other\n");

    ClusterConfigFile.loadOrCreate(dir.resolve("config.yaml"));

    assertThat(listNames(dir)).containsExactly("config.yaml");
  }

  private Path write(String name, String content) throws IOException {
    return Files.write(dir.resolve(name), content.getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> listNames(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
