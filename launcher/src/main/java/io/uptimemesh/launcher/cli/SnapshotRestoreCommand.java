package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.core.config.ClusterConfig;
import io.uptimemesh.core.config.ClusterConfigFile;
import io.uptimemesh.core.config.ConfigException;
import io.uptimemesh.core.config.RuntimeSettings;
import io.uptimemesh.etcd.ops.DataDirRestore;
import io.uptimemesh.etcd.ops.Etcdctl;
import io.uptimemesh.etcd.ops.SnapshotId;
import io.uptimemesh.etcd.ops.SnapshotStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code uptimemesh snapshot-restore ID [--local ...]}. */
@Command(
    name = "snapshot-restore",
    mixinStandardHelpOptions = true,
    description = {
      "Restore etcd from a snapshot. Everything written after the snapshot is lost.",
      "",
      "Without --local: asks the core node behind --api-url to restore its managed, single-member"
          + " etcd from one of its snapshots (verify, stop etcd, restore into a new data directory,"
          + " swap, start, check). Works while etcd is down.",
      "",
      "With --local: restores this machine's etcd data directory while its server is stopped, for"
          + " a cluster of several core nodes (docs/snapshot-restore.md): run it on every core node"
          + " with the same snapshot and the same --initial-cluster, then start the servers.",
      "The previous data directory is always kept as <data-dir>.before-restore-<time>."
    })
public final class SnapshotRestoreCommand extends ClientCommand {
  @Parameters(paramLabel = "ID", arity = "0..1", description = "The snapshot id (snapshot-list).")
  String id;

  @Option(names = "--yes", description = "Do not ask for confirmation.")
  boolean yes;

  @Option(names = "--local", description = "Restore this machine's stopped etcd member directly.")
  boolean local;

  @Option(
      names = "--file",
      paramLabel = "FILE",
      description =
          "With --local: a snapshot file (e.g. from snapshot-download) instead of ID in"
              + " ETCD_SNAPSHOT_DIR; FILE.sha256 is checked when present.")
  Path file;

  @Option(
      names = "--initial-cluster",
      paramLabel = "NAME=PEER_URL,...",
      description =
          "With --local: every member of the restored cluster (default: this node's managed member"
              + " alone, from config.yaml).")
  String initialCluster;

  @Option(
      names = "--name",
      description = "With --local: this member's name (default: managed_etcd.member_name).")
  String name;

  @Option(
      names = "--data-dir",
      description = "With --local: the etcd data directory (default: <UPTIMEMESH_DATA_DIR>/etcd).")
  Path dataDir;

  @Option(
      names = "--cluster-token",
      defaultValue = Etcdctl.DEFAULT_CLUSTER_TOKEN,
      description = "With --local: the initial cluster token (default: ${DEFAULT-VALUE}).")
  String clusterToken;

  @Override
  protected int run() throws IOException {
    if (local) {
      return restoreLocally();
    }
    if (file != null || initialCluster != null || name != null || dataDir != null) {
      throw new CliException("--file, --initial-cluster, --name and --data-dir need --local");
    }
    if (id == null) {
      throw new CliException("name the snapshot ID to restore (see uptimemesh snapshot-list)");
    }
    SnapshotId.validate(id);
    confirm("restore etcd of " + apiUrl + " from snapshot " + id);
    JsonNode r =
        authenticated()
            .post("/api/v1/snapshots/" + id + "/restore", Map.of(), Duration.ofMinutes(15));
    if (json()) {
      printJson(r);
    } else {
      System.out.println(
          "etcd restored from snapshot "
              + id
              + " (revision "
              + r.path("revision").asLong()
              + ") in "
              + r.path("duration_ms").asLong()
              + " ms; previous data kept at "
              + r.path("previous_data_dir").asText());
    }
    return 0;
  }

  private int restoreLocally() throws IOException {
    Map<String, String> env = System.getenv();
    RuntimeSettings settings;
    ClusterConfig config;
    try {
      settings = RuntimeSettings.load(env, RuntimeSettings.dotEnvPath(env));
      config = ClusterConfigFile.loadOrCreate(settings.configFile()).config();
    } catch (ConfigException e) {
      throw new CliException(e.getMessage());
    }
    Path data = settings.dataDir().toAbsolutePath().normalize();
    String member = name != null ? name : config.managedEtcd().memberName();
    Map<String, String> cluster =
        initialCluster != null
            ? parseCluster(initialCluster)
            : Map.of(
                member,
                "http://"
                    + (settings.advertiseHost().contains(":")
                        ? "[" + settings.advertiseHost() + "]"
                        : settings.advertiseHost())
                    + ":"
                    + config.managedEtcd().peerPort());
    String peerUrl = cluster.get(member);
    if (peerUrl == null) {
      throw new CliException("--initial-cluster has no entry for this member '" + member + "'");
    }
    Path target = (dataDir != null ? dataDir : data.resolve("etcd")).toAbsolutePath().normalize();
    refuseWhileRunning(data.resolve("etcd.pid"), target);
    Path snapshot = snapshotFile(settings);
    confirm("replace the etcd data in " + target + " with " + snapshot.getFileName());
    long t0 = System.nanoTime();
    DataDirRestore.Result result =
        new DataDirRestore(Etcdctl.besideEtcd(settings.etcdCommand(), Duration.ofMinutes(10)))
            .restore(
                snapshot,
                target,
                new DataDirRestore.Member(member, peerUrl, cluster, clusterToken),
                Instant.now());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.println(
        "restored "
            + snapshot.getFileName()
            + " into "
            + result.dataDir()
            + " as member "
            + member
            + " in "
            + ms
            + " ms"
            + (result.previous() == null ? "" : "; previous data kept at " + result.previous()));
    System.out.println("now start the server (on every core node, once all are restored)");
    return 0;
  }

  private Path snapshotFile(RuntimeSettings settings) throws IOException {
    if (file != null) {
      if (id != null) {
        throw new CliException("give either ID or --file, not both");
      }
      Path f = file.toAbsolutePath().normalize();
      if (!Files.isRegularFile(f)) {
        throw new CliException("no snapshot file " + f);
      }
      Path sidecar = f.resolveSibling(f.getFileName() + ".sha256");
      if (Files.exists(sidecar)) {
        String expected =
            Files.readString(sidecar, StandardCharsets.US_ASCII).strip().split("\\s+")[0];
        String actual = SnapshotStore.sha256(f);
        if (!expected.equals(actual)) {
          throw new CliException(
              f + " is corrupt: SHA-256 " + actual + ", but " + sidecar + " says " + expected);
        }
      }
      return f;
    }
    if (id == null) {
      throw new CliException("name the snapshot ID (in ETCD_SNAPSHOT_DIR) or give --file");
    }
    SnapshotStore store =
        new SnapshotStore(settings.etcdSnapshotDir(), settings.etcdSnapshotRetention());
    store.verify(SnapshotId.validate(id));
    return store.dataFile(id);
  }

  /** The managed etcd records its pid; a live etcd on the data directory means a running server. */
  private static void refuseWhileRunning(Path pidFile, Path target) throws IOException {
    if (!Files.exists(pidFile)) {
      return;
    }
    Optional<ProcessHandle> etcd;
    try {
      etcd = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip()));
    } catch (NumberFormatException e) {
      return;
    }
    if (etcd.isPresent()
        && etcd.get().isAlive()
        && etcd.get().info().commandLine().map(c -> c.contains(target.toString())).orElse(true)) {
      throw new CliException(
          "etcd (pid "
              + etcd.get().pid()
              + ") is still running on "
              + target
              + ": stop this node's server first");
    }
  }

  static Map<String, String> parseCluster(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String part : text.split(",")) {
      int eq = part.indexOf('=');
      if (eq <= 0 || eq == part.length() - 1) {
        throw new CliException(
            "--initial-cluster must look like name1=http://host1:2380,name2=http://host2:2380");
      }
      String member = part.substring(0, eq).strip();
      if (out.put(member, part.substring(eq + 1).strip()) != null) {
        throw new CliException("--initial-cluster names member " + member + " twice");
      }
    }
    return out;
  }

  private void confirm(String what) throws IOException {
    if (yes) {
      return;
    }
    if (System.console() == null) {
      throw new CliException("this will " + what + ": add --yes to confirm");
    }
    System.out.print("This will " + what + ". Everything written since is lost. Type yes: ");
    System.out.flush();
    String answer =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    if (!"yes".equals(answer == null ? "" : answer.strip())) {
      throw new CliException("not confirmed; nothing was changed");
    }
  }
}
