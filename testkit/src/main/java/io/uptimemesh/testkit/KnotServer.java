package io.uptimemesh.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real authoritative DNS server (Knot DNS, {@code knotd}) serving one zone from a file that
 * somebody else writes: the discovery zone an agent renders. Knot only reads the file: {@code
 * zonefile-sync: -1} (never flush the zone back), {@code zonefile-load: whole} (every reload reads
 * the whole file, no journal differences) and {@code journal-content: none}, so the file stays byte
 * for byte what the writer wrote, and a reload after an atomic rename serves the new content.
 *
 * <p>Configuration, run directory, control socket, databases and knotd's log live in a temporary
 * directory that {@link #stop()} removes. knotd runs in the test's network namespace on the given
 * address, or in a namespace the test made ({@code ip netns exec NS knotd}); the control socket is
 * a file path, so {@link #reloadCommand()} works from any namespace (an agent in another namespace
 * can run it).
 */
public final class KnotServer implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
  private static final Pattern STATUS_SERIAL = Pattern.compile("serial: (\\d+)");

  private final String domain;
  private final Path zoneFile;
  private final String address;
  private final int port;
  private final String namespace;
  private final Path dir;
  private final Path conf;
  private final Path log;
  private final String knotc;
  private Process process;

  private KnotServer(
      String domain, Path zoneFile, String address, int port, String namespace, Path dir) {
    this.domain = domain;
    this.zoneFile = zoneFile;
    this.address = address;
    this.port = port;
    this.namespace = namespace;
    this.dir = dir;
    this.conf = dir.resolve("knot.conf");
    this.log = dir.resolve("knotd.log");
    this.knotc = executable("knotc");
  }

  /** Starts knotd on a free port of 127.0.0.1 in the test's own namespace. */
  public static KnotServer onLoopback(String domain, Path zoneFile) {
    return start(domain, zoneFile, "127.0.0.1", FreePorts.one(), null);
  }

  /**
   * Starts knotd and waits until its control socket answers (by then it listens for queries).
   *
   * @param domain the zone, e.g. {@code mesh.local}
   * @param zoneFile the zone's file; it may not exist yet (the zone is then not served until a
   *     reload finds it)
   * @param address the address to listen on, UDP and TCP
   * @param port the port
   * @param namespace a network namespace to run knotd in, or null for the test's own
   * @throws IllegalStateException when knotd or knotc is missing, or knotd exits or does not come
   *     up (its log is in the message)
   */
  public static KnotServer start(
      String domain, Path zoneFile, String address, int port, String namespace) {
    Path dir;
    try {
      dir = Files.createTempDirectory("knot-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    KnotServer server =
        new KnotServer(stripDot(domain), zoneFile.toAbsolutePath(), address, port, namespace, dir);
    try {
      server.launch();
      return server;
    } catch (RuntimeException | Error e) {
      server.stop();
      throw e;
    }
  }

  private void launch() {
    try {
      Files.createDirectories(dir.resolve("db"));
      Files.writeString(conf, config(), StandardCharsets.UTF_8);
      List<String> cmd = new ArrayList<>();
      if (namespace != null) {
        cmd.addAll(List.of("ip", "netns", "exec", namespace));
      }
      cmd.addAll(List.of(executable("knotd"), "-c", conf.toString()));
      process =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException("knotd exited with " + process.exitValue() + ":\n" + log());
      }
      if (knotc("status").code() == 0) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "knotd did not answer within " + START_TIMEOUT + ":\n" + log());
      }
      sleep(50);
    }
  }

  /**
   * The configuration. One worker of each kind: a test server answers a few queries a second. The
   * control socket is a path inside the temporary directory (a unix socket path is reachable from
   * every network namespace).
   */
  private String config() {
    return String.join(
        "\n",
        "server:",
        // knotd's default user is root: name the test's own, so it also runs unprivileged.
        "    user: " + System.getProperty("user.name"),
        "    rundir: \"" + dir + "\"",
        "    listen: " + address + "@" + port,
        "    udp-workers: 1",
        "    tcp-workers: 1",
        "    background-workers: 1",
        "control:",
        "    listen: \"" + dir.resolve("knot.sock") + "\"",
        "database:",
        "    storage: \"" + dir.resolve("db") + "\"",
        "log:",
        "  - target: stderr",
        "    any: info",
        "template:",
        "  - id: default",
        "    storage: \"" + dir + "\"",
        "    zonefile-sync: -1",
        "    zonefile-load: whole",
        "    journal-content: none",
        "    semantic-checks: on",
        "zone:",
        "  - domain: " + domain,
        "    file: \"" + zoneFile + "\"",
        "");
  }

  /**
   * The command that makes knotd read the zone file again and waits for the result ({@code -b}):
   * exit 0 when the new file is served, 1 when it did not load (the old zone stays served). No
   * quoting needed (no spaces in it), so it can be set as an agent's {@code
   * RUNTIME_DISCOVERY_RELOAD_COMMAND} whether the agent splits it on spaces or runs it with a
   * shell.
   */
  public String reloadCommand() {
    return String.join(" ", reloadArguments());
  }

  private List<String> reloadArguments() {
    return List.of(knotc, "-c", conf.toString(), "-b", "zone-reload", domain);
  }

  /**
   * Runs {@link #reloadCommand()}.
   *
   * @return the exit code (0: the file as it is now is served)
   */
  public int reload() {
    Result r = run(reloadArguments());
    return r.code();
  }

  /** The serial knotd serves now (knotc zone-status), or empty if the zone is not loaded. */
  public OptionalLong servedSerial() {
    Result r = knotc("zone-status", domain);
    Matcher m = STATUS_SERIAL.matcher(r.output());
    return r.code() == 0 && m.find()
        ? OptionalLong.of(Long.parseLong(m.group(1)))
        : OptionalLong.empty();
  }

  public String domain() {
    return domain;
  }

  public Path zoneFile() {
    return zoneFile;
  }

  /** The address knotd listens on (inside its namespace, if it runs in one). */
  public String address() {
    return address;
  }

  public int port() {
    return port;
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** What knotd logged so far (loads, reload failures with the zone file's line). */
  public String log() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  /** Stops knotd (SIGTERM, then SIGKILL after 5 s) and removes the temporary directory. */
  public void stop() {
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // already gone
    }
  }

  @Override
  public void close() {
    stop();
  }

  private Result knotc(String... args) {
    List<String> cmd = new ArrayList<>(List.of(knotc, "-c", conf.toString()));
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  /** What a command printed (stdout and stderr together) and its exit code. */
  private record Result(int code, String output) {}

  private static Result run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      CompletableFuture<String> out =
          CompletableFuture.supplyAsync(
              () -> {
                try (var in = p.getInputStream()) {
                  return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                  return "";
                }
              });
      if (!p.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return new Result(-1, String.join(" ", command) + " timed out");
      }
      return new Result(p.exitValue(), out.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The absolute path of a program on PATH or in the sbin directories (Debian puts knot there). */
  static String executable(String name) {
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(File.pathSeparator)));
    }
    dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/local/sbin"));
    for (String d : dirs) {
      Path p = Path.of(d, name);
      if (!d.isEmpty() && Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new IllegalStateException(
        name
            + " is missing: install the Debian packages knot and knot-dnsutils"
            + " (scripts/deps.sh um_install_test_deps does)");
  }

  private static String stripDot(String domain) {
    return domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
