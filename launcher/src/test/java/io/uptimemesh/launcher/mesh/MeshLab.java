package io.uptimemesh.launcher.mesh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A small routed underlay in network namespaces: one router namespace and N node namespaces, each
 * node joined to the router by two veth pairs, the primary ({@code 10.201.N.0/30}) and the
 * secondary ({@code 10.202.N.0/30}) underlay. The router owns a service address ({@code
 * 10.200.0.1}, on its loopback) where the core server listens.
 *
 * <p>Each node's default route goes over its primary link; the other nodes' secondary underlay
 * ({@code 10.202.0.0/16}) only over its secondary link, so the two WireGuard paths really use
 * different links; the service address is routed over both (primary first), so the control plane
 * stays reachable while the primary is cut.
 *
 * <p>A cut sets the router's end of the node's primary veth down: the node's end loses its carrier
 * and drops what it sends, the router loses its route to the node's primary subnet, so the path is
 * dead both ways. Why not a qdisc or firewall drop: this kernel has neither netem nor iptables, and
 * a carrier loss is what a pulled cable looks like. Nodes ignore routes over a link without carrier
 * ({@code ignore_routes_with_linkdown}), like a host with a routing daemon would, so their new
 * control connections go over the secondary link while the cut lasts (a connection opened before
 * the cut keeps the primary address as its source and dies: the agent sees a short control-plane
 * outage). A restore brings the router's end up and every route comes back by itself (nothing was
 * deleted on the node).
 *
 * <p>Names end in a random suffix; interface names stay within 15 characters and are unique
 * host-wide (wireguard-go's control sockets in /var/run/wireguard are shared by all namespaces). A
 * lab writes its suffix and its JVM's pid under {@link #STATE_DIR}; a new lab first removes labs
 * whose JVM is gone (namespaces, the processes in them, wireguard-go sockets).
 */
final class MeshLab implements AutoCloseable {
  static final String SERVICE_ADDRESS = "10.200.0.1";
  static final Path STATE_DIR = Path.of("/run/uptimemesh-meshlab");
  private static final String PREFIX = "umlab";
  private static final Path WG_SOCKETS = Path.of("/var/run/wireguard");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One node namespace and the names and addresses of its links. */
  record Node(
      int index,
      String namespace,
      String primaryLink,
      String secondaryLink,
      String routerPrimaryLink,
      String routerSecondaryLink,
      String wgPrimary,
      String wgSecondary) {
    String id() {
      return "n" + index;
    }

    String primaryAddress() {
      return "10.201." + index + ".2";
    }

    String secondaryAddress() {
      return "10.202." + index + ".2";
    }
  }

  /** What a command printed and how it ended. */
  record Result(int code, String stdout, String stderr) {
    boolean ok() {
      return code == 0;
    }
  }

  final String suffix;
  final String router;
  final List<Node> nodes = new ArrayList<>();
  final Path dir;
  private final List<LabProcess> processes = new ArrayList<>();

  private MeshLab(String suffix, Path dir) {
    this.suffix = suffix;
    this.router = PREFIX + "-r-" + suffix;
    this.dir = dir;
  }

  /** Builds the topology with {@code nodeCount} nodes; logs and data go under {@code baseDir}. */
  static MeshLab create(int nodeCount, Path baseDir) throws IOException {
    if (nodeCount < 1 || nodeCount > 9) {
      throw new IllegalArgumentException("1..9 nodes");
    }
    removeLeftovers();
    byte[] b = new byte[2];
    RANDOM.nextBytes(b);
    String suffix = HexFormat.of().formatHex(b);
    Path dir = baseDir.toAbsolutePath().resolve("meshlab-" + suffix);
    Files.createDirectories(dir);
    Files.createDirectories(STATE_DIR);
    Files.writeString(STATE_DIR.resolve(suffix), Long.toString(ProcessHandle.current().pid()));
    MeshLab lab = new MeshLab(suffix, dir);
    try {
      lab.build(nodeCount);
      return lab;
    } catch (RuntimeException | Error e) {
      lab.close();
      throw e;
    }
  }

  private void build(int nodeCount) {
    host("ip", "netns", "add", router);
    ok(router, "ip", "link", "set", "lo", "up");
    ok(router, "ip", "addr", "add", SERVICE_ADDRESS + "/32", "dev", "lo");
    ok(router, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
    for (int i = 1; i <= nodeCount; i++) {
      Node n =
          new Node(
              i,
              PREFIX + "-n" + i + "-" + suffix,
              "n" + i + "p" + suffix,
              "n" + i + "s" + suffix,
              "r" + i + "p" + suffix,
              "r" + i + "s" + suffix,
              "wg" + i + "a" + suffix,
              "wg" + i + "b" + suffix);
      nodes.add(n);
      host("ip", "netns", "add", n.namespace());
      ok(n.namespace(), "ip", "link", "set", "lo", "up");
      ok(n.namespace(), "sysctl", "-q", "-w", "net.ipv4.conf.all.ignore_routes_with_linkdown=1");
      ok(
          n.namespace(),
          "sysctl",
          "-q",
          "-w",
          "net.ipv4.conf.default.ignore_routes_with_linkdown=1");
      link(n, n.primaryLink(), n.routerPrimaryLink(), "10.201." + i);
      link(n, n.secondaryLink(), n.routerSecondaryLink(), "10.202." + i);
      ok(n.namespace(), "ip", "route", "add", "default", "via", "10.201." + i + ".1");
      ok(
          n.namespace(),
          "ip",
          "route",
          "add",
          "10.202.0.0/16",
          "via",
          "10.202." + i + ".1",
          "dev",
          n.secondaryLink());
      ok(
          n.namespace(),
          "ip",
          "route",
          "add",
          SERVICE_ADDRESS + "/32",
          "via",
          "10.201." + i + ".1",
          "metric",
          "10");
      ok(
          n.namespace(),
          "ip",
          "route",
          "add",
          SERVICE_ADDRESS + "/32",
          "via",
          "10.202." + i + ".1",
          "metric",
          "20");
    }
  }

  /** A veth pair between node {@code n} and the router on subnet {@code net}.0/30. */
  private void link(Node n, String nodeEnd, String routerEnd, String net) {
    host(
        "ip",
        "link",
        "add",
        nodeEnd,
        "netns",
        n.namespace(),
        "type",
        "veth",
        "peer",
        "name",
        routerEnd,
        "netns",
        router);
    ok(n.namespace(), "ip", "addr", "add", net + ".2/30", "dev", nodeEnd);
    ok(router, "ip", "addr", "add", net + ".1/30", "dev", routerEnd);
    ok(n.namespace(), "ip", "link", "set", nodeEnd, "up");
    ok(router, "ip", "link", "set", routerEnd, "up");
  }

  /**
   * A veth pair from the host (this JVM's namespace) to the router, for a browser run by the test
   * to reach the core server; gone with the router namespace. The /30 comes from the lab's random
   * suffix, so two labs on one host do not clash.
   *
   * @return the router's address on it, where the server listens (it binds 0.0.0.0)
   */
  String linkToHost() {
    int b = Integer.parseInt(suffix, 16);
    String net = "10.203." + (b >> 8) + ".";
    int base = b & 0xFC;
    String hostEnd = "umh" + suffix;
    host(
        "ip",
        "link",
        "add",
        hostEnd,
        "type",
        "veth",
        "peer",
        "name",
        "rh" + suffix,
        "netns",
        router);
    host("ip", "addr", "add", net + (base + 1) + "/30", "dev", hostEnd);
    host("ip", "link", "set", hostEnd, "up");
    ok(router, "ip", "addr", "add", net + (base + 2) + "/30", "dev", "rh" + suffix);
    ok(router, "ip", "link", "set", "rh" + suffix, "up");
    return net + (base + 2);
  }

  Node node(int index) {
    return nodes.get(index - 1);
  }

  /** Cuts node {@code n}'s primary underlay link (see the class comment for how). */
  void cutPrimary(Node n) {
    ok(router, "ip", "link", "set", n.routerPrimaryLink(), "down");
  }

  /** Restores node {@code n}'s primary underlay link. */
  void restorePrimary(Node n) {
    ok(router, "ip", "link", "set", n.routerPrimaryLink(), "up");
  }

  /** One ICMP echo from a namespace; true when the reply came within a second. */
  boolean ping(String namespace, String address) {
    return exec(namespace, "ping", "-n", "-q", "-c", "1", "-W", "1", address).ok();
  }

  /** Runs a command in a namespace; fails the test when it does not exit 0. */
  Result ok(String namespace, String... command) {
    Result r = exec(namespace, command);
    if (!r.ok()) {
      throw new AssertionError(
          "in "
              + namespace
              + ": "
              + String.join(" ", command)
              + " -> "
              + r.code()
              + ": "
              + r.stderr()
              + r.stdout());
    }
    return r;
  }

  /** Runs a command in a namespace (ip netns exec) and waits at most 60 s for it. */
  Result exec(String namespace, String... command) {
    return exec(namespace, Map.of(), null, command);
  }

  /** As above, with extra environment and standard input. */
  Result exec(String namespace, Map<String, String> env, String stdin, String... command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    full.addAll(List.of(command));
    return run(full, env, stdin, Duration.ofSeconds(60));
  }

  private static Result host(String... command) {
    Result r = run(List.of(command), Map.of(), null, Duration.ofSeconds(30));
    if (!r.ok()) {
      throw new AssertionError(String.join(" ", command) + " -> " + r.code() + ": " + r.stderr());
    }
    return r;
  }

  private static Result run(
      List<String> command, Map<String, String> env, String stdin, Duration timeout) {
    try {
      ProcessBuilder pb = new ProcessBuilder(command);
      pb.environment().putAll(env);
      Process p = pb.start();
      CompletableFuture<String> out = readAll(p.getInputStream());
      CompletableFuture<String> err = readAll(p.getErrorStream());
      try (var in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " still running after " + timeout);
      }
      return new Result(p.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static CompletableFuture<String> readAll(java.io.InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "";
          }
        });
  }

  /**
   * Starts a long-running process in a namespace with its own environment; its output goes to
   * {@code <lab dir>/<name>.log}. The lab stops it when closed.
   */
  LabProcess start(String namespace, String name, Map<String, String> env, List<String> command)
      throws IOException {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    full.addAll(command);
    Path log = dir.resolve(name + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(full)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    LabProcess p = new LabProcess(name, pb.start(), log);
    processes.add(p);
    return p;
  }

  /** A process the lab started; {@code ip netns exec} execs the command, so the pid is its own. */
  static final class LabProcess implements AutoCloseable {
    final String name;
    final Process process;
    final Path log;

    LabProcess(String name, Process process, Path log) {
      this.name = name;
      this.process = process;
      this.log = log;
    }

    boolean isAlive() {
      return process.isAlive();
    }

    String output() {
      try {
        return Files.readString(log);
      } catch (IOException e) {
        return "(no output: " + e.getMessage() + ")";
      }
    }

    /** SIGTERM, then SIGKILL after {@code grace}; returns the exit code. */
    int stop(Duration grace) {
      process.destroy();
      try {
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly();
          process.waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return process.isAlive() ? -1 : process.exitValue();
    }

    @Override
    public void close() {
      if (process.isAlive()) {
        stop(Duration.ofSeconds(10));
      }
    }
  }

  /** Every namespace of this lab: the router and the nodes. */
  List<String> namespaces() {
    List<String> all = new ArrayList<>();
    all.add(router);
    nodes.forEach(n -> all.add(n.namespace()));
    return all;
  }

  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      try {
        processes.get(i).close();
      } catch (RuntimeException e) {
        // the namespace sweep below kills what is left
      }
    }
    removeLab(suffix);
  }

  /** Removes labs whose JVM is gone: a previous run that crashed or was killed. */
  static void removeLeftovers() throws IOException {
    if (!Files.isDirectory(STATE_DIR)) {
      return;
    }
    try (DirectoryStream<Path> labs = Files.newDirectoryStream(STATE_DIR)) {
      for (Path state : labs) {
        long owner;
        try {
          owner = Long.parseLong(Files.readString(state).strip());
        } catch (NumberFormatException e) {
          owner = -1;
        }
        if (ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) {
          continue; // a lab of a test that still runs
        }
        removeLab(state.getFileName().toString());
      }
    }
  }

  /**
   * Kills every process in the lab's namespaces (deleting a namespace does not stop them), deletes
   * the namespaces (their veths go with them) and wireguard-go sockets named after the lab.
   */
  private static void removeLab(String suffix) {
    Result list = run(List.of("ip", "netns", "list"), Map.of(), null, Duration.ofSeconds(10));
    for (String line : list.stdout().split("\n")) {
      String ns = line.split(" ")[0].strip();
      if (!ns.startsWith(PREFIX + "-") || !ns.endsWith("-" + suffix)) {
        continue;
      }
      Result pids = run(List.of("ip", "netns", "pids", ns), Map.of(), null, Duration.ofSeconds(10));
      for (String pid : pids.stdout().split("\\s+")) {
        if (!pid.isBlank()) {
          ProcessHandle.of(Long.parseLong(pid.strip()))
              .ifPresent(
                  h -> {
                    h.destroyForcibly();
                    h.onExit().completeOnTimeout(null, 5, TimeUnit.SECONDS).join();
                  });
        }
      }
      run(List.of("ip", "netns", "del", ns), Map.of(), null, Duration.ofSeconds(10));
    }
    if (Files.isDirectory(WG_SOCKETS)) {
      try (DirectoryStream<Path> sockets =
          Files.newDirectoryStream(WG_SOCKETS, "wg*" + suffix + ".sock")) {
        for (Path s : sockets) {
          Files.deleteIfExists(s);
        }
      } catch (IOException e) {
        // a socket we cannot delete does not stop the next lab: its names differ
      }
    }
    try {
      Files.deleteIfExists(STATE_DIR.resolve(suffix));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
