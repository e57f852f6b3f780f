package io.uptimemesh.core.etcd;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Everything needed to launch one etcd member as a child process. Both the server's managed etcd
 * and the test kit build their command lines here, so tests run etcd exactly as production does.
 *
 * @param name member name, unique in the cluster
 * @param dataDir the member's data directory
 * @param host loopback or underlay address the member listens on
 * @param clientPort client port
 * @param peerPort peer port
 * @param initialCluster every member's name → peer URL, this one included
 * @param newCluster true to form a new cluster, false to join an existing one
 * @param autoCompactionMode {@code periodic} or {@code revision}
 * @param autoCompactionRetention etcd's retention value for that mode, e.g. {@code 1h}
 * @param quotaBackendBytes backend quota; etcd raises a NOSPACE alarm past it
 */
public record EtcdMemberSpec(
    String name,
    Path dataDir,
    String host,
    int clientPort,
    int peerPort,
    Map<String, String> initialCluster,
    boolean newCluster,
    String autoCompactionMode,
    String autoCompactionRetention,
    long quotaBackendBytes) {

  public EtcdMemberSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(host, "host");
    initialCluster = Map.copyOf(initialCluster);
    if (!initialCluster.containsKey(name)) {
      throw new IllegalArgumentException("initialCluster must contain the member itself: " + name);
    }
  }

  /** A single-member cluster on loopback, as the managed etcd of a first core node runs. */
  public static EtcdMemberSpec singleMember(
      String name,
      Path dataDir,
      int clientPort,
      int peerPort,
      String autoCompactionMode,
      String autoCompactionRetention,
      long quotaBackendBytes) {
    String host = "127.0.0.1";
    return new EtcdMemberSpec(
        name,
        dataDir,
        host,
        clientPort,
        peerPort,
        Map.of(name, url(host, peerPort)),
        true,
        autoCompactionMode,
        autoCompactionRetention,
        quotaBackendBytes);
  }

  /**
   * Parses an {@code --initial-cluster} value ({@code name=url,name=url}). A member added but not
   * started yet has no name: etcd lists it as {@code =url}, and so does this map (empty key).
   *
   * @throws IllegalArgumentException for an entry without '=' or a name listed twice
   */
  public static Map<String, String> parseInitialCluster(String value) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (String entry : value.split(",")) {
      int eq = entry.indexOf('=');
      if (eq < 0 || eq == entry.length() - 1) {
        throw new IllegalArgumentException("not a name=peer-url entry: '" + entry + "'");
      }
      if (out.put(entry.substring(0, eq).strip(), entry.substring(eq + 1).strip()) != null) {
        throw new IllegalArgumentException("member listed twice in initial cluster: " + entry);
      }
    }
    return out;
  }

  public String clientUrl() {
    return url(host, clientPort);
  }

  public String peerUrl() {
    return url(host, peerPort);
  }

  /** The full command line: {@code binary} followed by the flags. */
  public List<String> command(String binary) {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary);
    cmd.add("--name=" + name);
    cmd.add("--data-dir=" + dataDir);
    cmd.add("--listen-client-urls=" + clientUrl());
    cmd.add("--advertise-client-urls=" + clientUrl());
    cmd.add("--listen-peer-urls=" + peerUrl());
    cmd.add("--initial-advertise-peer-urls=" + peerUrl());
    cmd.add("--initial-cluster=" + initialClusterFlag());
    cmd.add("--initial-cluster-state=" + (newCluster ? "new" : "existing"));
    cmd.add("--auto-compaction-mode=" + autoCompactionMode);
    cmd.add("--auto-compaction-retention=" + autoCompactionRetention);
    cmd.add("--quota-backend-bytes=" + quotaBackendBytes);
    // JSON lines on stderr, so the supervisor can re-log them with their level.
    cmd.add("--logger=zap");
    cmd.add("--log-outputs=stderr");
    return cmd;
  }

  private String initialClusterFlag() {
    // Sorted so the flag, and so the process command line, is the same on every start.
    return initialCluster.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }

  private static String url(String host, int port) {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return "http://" + h + ":" + port;
  }
}
