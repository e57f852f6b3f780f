package io.uptimemesh.testkit.lxd;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real LXD daemon for tests, isolated from any LXD of the host (DESIGN.md section 7): its own
 * {@code LXD_DIR} under the lab directory, its own network namespace (where {@code lxd init} makes
 * its bridge), and its own mount namespace in which a fresh sysfs of that network namespace is
 * mounted over /sys with the host's cgroup tree bound back over /sys/fs/cgroup. A busybox image
 * built on the spot is imported under the alias {@link #IMAGE_ALIAS}; nothing is downloaded.
 *
 * <p>One lab per directory. A JVM gets it with {@link #shared()}; a lab already running there and
 * healthy (another JVM's, or a previous run's left by {@code UPTIMEMESH_LXD_LAB_KEEP=1}) is reused.
 * Every JVM using it holds a shared lock on {@code users.lock}; the last one to let go (close, or
 * the shutdown hook) deletes every container, stops the daemon, deletes the namespace and the
 * directory. The daemon's mounts live only in its private mount namespace, so they go with it.
 *
 * <p>Needs root and the packages {@code lxd}, {@code busybox-static}, {@code dnsmasq-base} and
 * {@code nftables} (LXD's bridge firewall; without {@code nft} or {@code iptables} it cannot create
 * the bridge), which {@code scripts/deps.sh} installs. Directory: {@code UPTIMEMESH_LXD_LAB_DIR},
 * default {@code /tmp/uptimemesh-lxdlab}.
 */
public final class LxdLab implements AutoCloseable {
  public static final String IMAGE_ALIAS = "busybox";

  /** The lab bridge's subnet. It exists only inside the lab's own network namespace. */
  public static final String BRIDGE_ADDRESS = "10.77.74.1/24";

  private static final Logger log = LoggerFactory.getLogger(LxdLab.class);
  private static final Duration READY = Duration.ofSeconds(60);
  private static final Duration COMMAND = Duration.ofSeconds(60);
  private static LxdLab shared;

  private final Path root;
  private final Path lxdDir;
  private final String namespace;
  private final LabCommands commands;
  private final boolean keep;

  /** False when the daemon runs in a namespace someone else made (a test's node namespace). */
  private final boolean ownsNamespace;

  private FileChannel usersChannel;
  private FileLock usersLock;
  private boolean startedHere;
  private long startMillis;
  private Thread shutdownHook;

  private LxdLab(Path root, boolean keep, String namespace) {
    this.root = root.toAbsolutePath().normalize();
    this.lxdDir = this.root.resolve("lxd");
    this.ownsNamespace = namespace == null;
    this.namespace = ownsNamespace ? "umlxd-" + shortHash(this.root.toString()) : namespace;
    this.commands = new LabCommands(Map.of("LXD_DIR", lxdDir.toString()));
    this.keep = keep;
  }

  /**
   * A daemon of its own in an existing network namespace, as one node of an end-to-end test has its
   * own LXD: its proxy devices listen on the addresses of that namespace (the node's mesh address).
   * The caller owns the namespace (it is neither created nor deleted here) and closes the lab,
   * which deletes its containers, stops the daemon and removes {@code root/lxd}.
   */
  public static LxdLab inNamespace(String netns, Path root) {
    synchronized (LxdLab.class) {
      LxdLab lab = new LxdLab(root, false, netns);
      lab.start();
      return lab;
    }
  }

  /** The lab of this JVM, started (or reused) on first use; closed at the latest on exit. */
  public static synchronized LxdLab shared() {
    if (shared == null) {
      String dir = System.getenv("UPTIMEMESH_LXD_LAB_DIR");
      Path root = Path.of(dir == null || dir.isBlank() ? "/tmp/uptimemesh-lxdlab" : dir);
      LxdLab lab = new LxdLab(root, "1".equals(System.getenv("UPTIMEMESH_LXD_LAB_KEEP")), null);
      lab.start();
      shared = lab;
    }
    return shared;
  }

  /** The daemon's API socket, for {@code LxdClientOptions}. */
  public Path socket() {
    return lxdDir.resolve("unix.socket");
  }

  public Path lxdDir() {
    return lxdDir;
  }

  /** The network namespace the daemon and its bridge live in. */
  public String namespace() {
    return namespace;
  }

  public String imageAlias() {
    return IMAGE_ALIAS;
  }

  /** How long {@link #shared()} took to have the lab ready (reuse included). */
  public long startMillis() {
    return startMillis;
  }

  /** Whether this JVM started the daemon (false when it reused a running one). */
  public boolean startedHere() {
    return startedHere;
  }

  /** Runs {@code lxc ARGS} against the lab's daemon (for checks beside the client under test). */
  public String lxc(String... args) {
    List<String> command = new ArrayList<>();
    command.add("lxc");
    command.addAll(List.of(args));
    return commands.require(COMMAND, command);
  }

  // Called by shared() under the class lock, the one lock of the lab (close takes it too).
  private void start() {
    long t0 = System.nanoTime();
    requireTools();
    try {
      Files.createDirectories(root);
      try (FileChannel control = openLock("control.lock");
          FileLock ignored = control.lock()) {
        usersChannel = openLock("users.lock");
        usersLock = usersChannel.lock(0, Long.MAX_VALUE, true);
        if (healthy()) {
          log.info("LXD lab: reusing the daemon in {} (namespace {})", lxdDir, namespace);
        } else {
          removeLeftovers();
          startDaemon();
          startedHere = true;
        }
        ensureImage();
      }
    } catch (IOException e) {
      releaseUsersLock();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      releaseUsersLock();
      throw e;
    }
    startMillis = (System.nanoTime() - t0) / 1_000_000;
    log.info("LXD lab ready in {} ms (socket {})", startMillis, socket());
    shutdownHook = new Thread(this::closeQuietly, "lxdlab-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Lets go of the lab; the last user tears it down (containers, daemon, namespace, directory)
   * unless {@code UPTIMEMESH_LXD_LAB_KEEP=1}.
   */
  @Override
  public void close() {
    synchronized (LxdLab.class) {
      closeLocked();
    }
  }

  private void closeLocked() {
    if (usersLock == null) {
      return;
    }
    try (FileChannel control = openLock("control.lock");
        FileLock ignored = control.lock()) {
      releaseUsersLock();
      if (keep) {
        log.info("LXD lab kept running in {} (UPTIMEMESH_LXD_LAB_KEEP=1)", lxdDir);
        return;
      }
      try (FileChannel users = openLock("users.lock");
          FileLock last = users.tryLock()) {
        if (last == null) {
          log.info("LXD lab: still used by another JVM, left running");
          return;
        }
        long t0 = System.nanoTime();
        teardown();
        log.info("LXD lab torn down in {} ms", (System.nanoTime() - t0) / 1_000_000);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (shared == this) {
        shared = null;
      }
      if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
        try {
          Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
          // Already shutting down.
        }
      }
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      log.warn("LXD lab teardown failed: {}", e.toString());
    }
  }

  private void requireTools() {
    for (String tool : List.of("lxd", "lxc", "nsenter", "unshare", "ip", "tar", "dnsmasq")) {
      if (!commands.run(Duration.ofSeconds(5), List.of("sh", "-c", "command -v " + tool)).ok()) {
        throw new IllegalStateException(
            tool
                + " is not installed: the LXD lab needs lxd, busybox-static, dnsmasq-base and"
                + " nftables (scripts/deps.sh um_install_test_deps installs them)");
      }
    }
    boolean firewall =
        commands
            .run(
                Duration.ofSeconds(5), List.of("sh", "-c", "command -v nft || command -v iptables"))
            .ok();
    if (!firewall) {
      throw new IllegalStateException(
          "neither nft nor iptables is installed: LXD cannot create its bridge without one"
              + " (install nftables)");
    }
  }

  private boolean healthy() {
    if (!Files.exists(Path.of("/run/netns", namespace)) || !Files.exists(socket())) {
      return false;
    }
    Long pid = readPid();
    if (pid == null || !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      return false;
    }
    return commands.run(Duration.ofSeconds(5), List.of("lxd", "waitready", "--timeout", "2")).ok();
  }

  private void startDaemon() throws IOException {
    long t0 = System.nanoTime();
    if (ownsNamespace) {
      commands.require(COMMAND, List.of("ip", "netns", "add", namespace));
    }
    commands.require(COMMAND, List.of("ip", "-n", namespace, "link", "set", "lo", "up"));
    Files.createDirectories(lxdDir);
    Path aside = root.resolve("cgroup-aside");
    Files.createDirectories(aside);
    // In a private mount namespace inside the lab's network namespace: keep the cgroup tree
    // aside, mount a sysfs that shows this network namespace's devices (LXD looks for its bridge
    // there), put the cgroup tree back (LXD's resource accounting needs it), then become lxd.
    String script =
        "set -e; mount --rbind /sys/fs/cgroup '"
            + aside
            + "'; mount -t sysfs sysfs /sys; mount --rbind '"
            + aside
            + "' /sys/fs/cgroup; exec lxd --logfile '"
            + root.resolve("lxd.log")
            + "'";
    ProcessBuilder pb =
        new ProcessBuilder(
                "nsenter",
                "--net=/run/netns/" + namespace,
                "unshare",
                "--mount",
                "--propagation",
                "private",
                "sh",
                "-c",
                script)
            .redirectErrorStream(true)
            .redirectOutput(root.resolve("lxd.out").toFile());
    pb.environment().put("LXD_DIR", lxdDir.toString());
    Process daemon = pb.start(); // nsenter, unshare and sh exec: this process becomes lxd
    Files.writeString(root.resolve("lxd.pid"), Long.toString(daemon.pid()));
    LabCommands.Result ready =
        commands.run(
            READY.plusSeconds(5), List.of("lxd", "waitready", "--timeout", "" + READY.toSeconds()));
    if (!ready.ok() || !daemon.isAlive()) {
      throw new IllegalStateException(
          "LXD did not become ready: "
              + ready.output()
              + "\n"
              + tail(root.resolve("lxd.out"))
              + tail(root.resolve("lxd.log")));
    }
    long t1 = System.nanoTime();
    commands.require(COMMAND, preseed(), List.of("lxd", "init", "--preseed"));
    log.info(
        "LXD lab: daemon ready in {} ms, initialised in {} ms",
        (t1 - t0) / 1_000_000,
        (System.nanoTime() - t1) / 1_000_000);
  }

  private static String preseed() {
    // No NAT and no IPv6: containers talk only to the bridge, inside the lab's namespace.
    return """
        config: {}
        networks:
        - name: lxdbr0
          type: bridge
          config:
            ipv4.address: %s
            ipv4.nat: "false"
            ipv6.address: none
        storage_pools:
        - name: default
          driver: dir
        profiles:
        - name: default
          devices:
            root:
              path: /
              pool: default
              type: disk
            eth0:
              name: eth0
              network: lxdbr0
              type: nic
        """
        .formatted(BRIDGE_ADDRESS);
  }

  private void ensureImage() throws IOException {
    LabCommands.Result existing =
        commands.run(COMMAND, List.of("lxc", "image", "show", IMAGE_ALIAS));
    if (existing.ok()) {
      if (existing.output().contains(BusyboxImage.recipe())) {
        return;
      }
      // A kept lab with an image of an older recipe.
      commands.require(COMMAND, List.of("lxc", "image", "delete", IMAGE_ALIAS));
    }
    long t0 = System.nanoTime();
    Path tarball = BusyboxImage.build(root, commands);
    long t1 = System.nanoTime();
    commands.require(
        COMMAND, List.of("lxc", "image", "import", tarball.toString(), "--alias", IMAGE_ALIAS));
    Files.deleteIfExists(tarball);
    log.info(
        "LXD lab: busybox image built in {} ms, imported in {} ms",
        (t1 - t0) / 1_000_000,
        (System.nanoTime() - t1) / 1_000_000);
  }

  /** Deletes every container of every project, then stops the daemon and removes the rest. */
  private void teardown() {
    if (Files.exists(socket())) {
      LabCommands.Result list =
          commands.run(
              COMMAND, List.of("lxc", "query", "/1.0/instances?all-projects=true&recursion=1"));
      if (list.ok()) {
        for (JsonNode i : readTree(list.output())) {
          String project = i.path("project").asText("default");
          commands.run(
              COMMAND,
              List.of("lxc", "delete", "--force", "--project", project, i.path("name").asText()));
        }
      }
      commands.run(Duration.ofSeconds(30), List.of("lxd", "shutdown", "--timeout", "20"));
    }
    removeLeftovers();
  }

  /** Kills what a crashed lab left (by the pids it recorded or that its namespace holds). */
  private void removeLeftovers() {
    Long pid = readPid();
    if (pid != null) {
      ProcessHandle.of(pid).ifPresent(p -> kill(p, "lxd"));
    }
    // What the daemon started (dnsmasq, forkproxy…) names its directory on its command line.
    String dir = lxdDir.toString();
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(dir)).orElse(false))
        .filter(p -> p.pid() != ProcessHandle.current().pid())
        .forEach(p -> kill(p, "lab process"));
    if (ownsNamespace && Files.exists(Path.of("/run/netns", namespace))) {
      String pids = commands.run(COMMAND, List.of("ip", "netns", "pids", namespace)).output();
      for (String line : pids.split("\\s+")) {
        if (line.matches("\\d+")) {
          ProcessHandle.of(Long.parseLong(line)).ifPresent(p -> kill(p, "lab process"));
        }
      }
      commands.run(COMMAND, List.of("ip", "netns", "delete", namespace));
    }
    deleteTree(lxdDir);
    deleteTree(root.resolve("cgroup-aside"));
    try {
      Files.deleteIfExists(root.resolve("lxd.pid"));
    } catch (IOException e) {
      // Harmless: a stale pid file is checked against a live process before use.
    }
  }

  private static void kill(ProcessHandle p, String what) {
    p.destroy();
    try {
      p.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("LXD lab: {} {} did not stop on SIGTERM, killing it", what, p.pid());
      p.destroyForcibly();
    }
  }

  private Long readPid() {
    try {
      return Long.parseLong(Files.readString(root.resolve("lxd.pid")).trim());
    } catch (IOException | NumberFormatException e) {
      return null;
    }
  }

  private FileChannel openLock(String name) throws IOException {
    return FileChannel.open(
        root.resolve(name),
        StandardOpenOption.CREATE,
        StandardOpenOption.READ,
        StandardOpenOption.WRITE);
  }

  private void releaseUsersLock() {
    try {
      if (usersLock != null) {
        usersLock.release();
      }
      if (usersChannel != null) {
        usersChannel.close();
      }
    } catch (IOException e) {
      // Closing the channel releases the lock anyway.
    }
    usersLock = null;
    usersChannel = null;
  }

  private static JsonNode readTree(String text) {
    try {
      return Json.mapper().readTree(text);
    } catch (IOException e) {
      return Json.mapper().createArrayNode();
    }
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())) + "\n";
    } catch (IOException e) {
      return "";
    }
  }

  private static String shortHash(String text) {
    try {
      byte[] d =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 4);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
