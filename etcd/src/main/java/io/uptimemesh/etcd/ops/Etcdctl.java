package io.uptimemesh.etcd.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.core.json.Json;
import io.uptimemesh.core.process.ChildProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The two offline snapshot tools of etcd 3.4's {@code etcdctl}: {@code snapshot status} (reads a
 * snapshot file's revision and key count) and {@code snapshot restore} (builds a new data directory
 * from a snapshot). jetcd has neither. Blocking, with a deadline per run: call from a worker
 * thread.
 */
public final class Etcdctl {
  /** etcd's default {@code --initial-cluster-token}; {@code EtcdMemberSpec} never sets another. */
  public static final String DEFAULT_CLUSTER_TOKEN = "etcd-cluster";

  private final String binary;
  private final Duration timeout;

  public Etcdctl(String binary, Duration timeout) {
    this.binary = binary;
    this.timeout = timeout;
  }

  /**
   * The {@code etcdctl} next to the etcd binary the server runs ({@code ETCD_COMMAND}): the same
   * directory when that is a path, else {@code etcdctl} on the PATH. The Debian packages and the
   * release tarballs both ship them side by side, so their versions match.
   */
  public static Etcdctl besideEtcd(String etcdCommand, Duration timeout) {
    Path etcd = Path.of(etcdCommand);
    if (etcd.getParent() != null) {
      Path sibling = etcd.resolveSibling("etcdctl");
      if (Files.isExecutable(sibling)) {
        return new Etcdctl(sibling.toString(), timeout);
      }
    }
    return new Etcdctl("etcdctl", timeout);
  }

  /** What {@code snapshot status} reports about a file. */
  public record FileStatus(long revision, long totalKeys, long totalSize) {}

  /** Reads a snapshot file's revision and key count without any etcd running. */
  public FileStatus status(Path snapshot) throws IOException {
    String out = run(List.of(binary, "snapshot", "status", snapshot.toString(), "-w", "json"));
    JsonNode json = Json.mapper().readTree(out);
    if (!json.has("revision")) {
      throw new IOException("etcdctl snapshot status printed no revision: " + abbreviate(out));
    }
    return new FileStatus(
        json.path("revision").asLong(),
        json.path("totalKey").asLong(-1),
        json.path("totalSize").asLong(-1));
  }

  /**
   * Restores {@code snapshot} into {@code dataDir}, which must not exist yet. The member keeps its
   * name and peer URL, and the cluster its token, so the restored member has the same member id.
   *
   * @param initialCluster every member's name → peer URL after the restore, this one included
   */
  public void restore(
      Path snapshot,
      Path dataDir,
      String name,
      Map<String, String> initialCluster,
      String peerUrl,
      String clusterToken)
      throws IOException {
    String cluster =
        initialCluster.entrySet().stream()
            .sorted(Map.Entry.comparingByKey())
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(","));
    run(
        List.of(
            binary,
            "snapshot",
            "restore",
            snapshot.toString(),
            "--data-dir=" + dataDir,
            "--name=" + name,
            "--initial-cluster=" + cluster,
            "--initial-advertise-peer-urls=" + peerUrl,
            "--initial-cluster-token=" + clusterToken));
  }

  /**
   * Defragments one member. Through etcdctl rather than jetcd because defragmenting a large
   * database takes far longer than the deadline every jetcd call of this node carries; here the
   * limit is this tool's timeout.
   */
  public void defragment(String endpoint) throws IOException {
    run(
        List.of(
            binary,
            "defrag",
            "--endpoints=" + endpoint,
            "--command-timeout=" + timeout.toSeconds() + "s"));
  }

  private String run(List<String> command) throws IOException {
    Path output = Files.createTempFile("uptimemesh-etcdctl-", ".out");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(new ArrayList<>(command))
              .redirectErrorStream(true)
              .redirectOutput(output.toFile());
      builder.environment().put("ETCDCTL_API", "3");
      Process p;
      try {
        p = builder.start();
      } catch (IOException e) {
        throw new IOException("cannot run '" + binary + "': " + e.getMessage(), e);
      }
      if (!ChildProcesses.awaitExit(p.toHandle(), timeout)) {
        ChildProcesses.terminate(p.toHandle(), Duration.ofSeconds(2));
        throw new IOException(
            String.join(" ", command.subList(0, 3))
                + " did not finish within "
                + timeout.toSeconds()
                + " s");
      }
      String out = Files.readString(output, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IOException(
            String.join(" ", command.subList(0, 3))
                + " failed (exit code "
                + p.exitValue()
                + "): "
                + abbreviate(out));
      }
      return out;
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private static String abbreviate(String s) {
    String one = s.strip().replace('\n', ' ');
    return one.length() > 500 ? one.substring(one.length() - 500) : one;
  }
}
