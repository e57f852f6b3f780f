package io.uptimemesh.launcher;

import io.uptimemesh.testkit.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code uptimemesh server} run from the packaged jar as a child process, the way an operator runs
 * it: its own working directory, config.yaml, data directory and environment.
 */
final class ServerProcess implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  final Path workDir;
  final int httpPort;
  private final Map<String, String> env = new HashMap<>();
  private Process process;
  private final List<ProcessHandle> descendantsSeen = new ArrayList<>();

  ServerProcess(Path workDir) {
    this.workDir = workDir;
    this.httpPort = FreePorts.one();
    env.put("UPTIMEMESH_HTTP_HOST", "127.0.0.1");
    env.put("UPTIMEMESH_HTTP_PORT", Integer.toString(httpPort));
    env.put("UPTIMEMESH_DATA_DIR", workDir.resolve("data").toString());
    env.put("UPTIMEMESH_CONFIG", workDir.resolve("config.yaml").toString());
    env.put("UPTIMEMESH_ENV_FILE", workDir.resolve(".env").toString());
    env.put("LOG_LEVEL", "INFO");
  }

  /** The environment the server runs with, for commands that must see the same settings. */
  Map<String, String> environment() {
    return Map.copyOf(env);
  }

  ServerProcess env(String key, String value) {
    env.put(key, value);
    return this;
  }

  /** Writes a config.yaml that only picks free ports for the managed etcd. */
  ServerProcess withFreeEtcdPorts(String extraManagedEtcdLines) {
    int[] ports = FreePorts.allocate(2);
    writeConfig(
        "managed_etcd:\n  client_port: "
            + ports[0]
            + "\n  peer_port: "
            + ports[1]
            + "\n"
            + extraManagedEtcdLines);
    return this;
  }

  void writeConfig(String yaml) {
    try {
      Files.writeString(workDir.resolve("config.yaml"), yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String config() throws IOException {
    return Files.readString(workDir.resolve("config.yaml"));
  }

  ServerProcess start() throws IOException {
    return start(new String[0]);
  }

  /** Starts {@code uptimemesh server} with extra arguments, e.g. {@code --join URL}. */
  ServerProcess start(String... serverArgs) throws IOException {
    String jar = System.getProperty("uptimemesh.jar");
    if (jar == null || !Files.exists(Path.of(jar))) {
      throw new IllegalStateException("packaged jar not found (uptimemesh.jar=" + jar + ")");
    }
    List<String> command =
        new ArrayList<>(List.of(javaBinary(), "-Xmx256m", "-jar", jar, "server"));
    command.addAll(List.of(serverArgs));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(workDir.resolve("server.out").toFile());
    builder.environment().putAll(env);
    process = builder.start();
    return this;
  }

  /** Waits for the process to exit; returns its exit code or fails after {@code timeout}. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("server still running after " + timeout + "; output:\n" + output());
    }
    return process.exitValue();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** Children and grandchildren now; remembered so a test can check they are gone later. */
  List<ProcessHandle> descendants() {
    List<ProcessHandle> now = process.descendants().toList();
    descendantsSeen.addAll(now);
    return now;
  }

  List<ProcessHandle> descendantsSeen() {
    return List.copyOf(descendantsSeen);
  }

  void sigterm() {
    process.destroy(); // SIGTERM on Linux
  }

  /** SIGKILL, like a crash: the managed etcd it started is left running, as it would be. */
  void kill() {
    descendants();
    process.destroyForcibly();
  }

  String url() {
    return "http://127.0.0.1:" + httpPort;
  }

  /**
   * Waits until {@code /health/ready} answers 200; fails at once if the server exits, and with its
   * output (why it was not ready) after {@code timeout}.
   */
  void awaitReady(Duration timeout) {
    try {
      org.awaitility.Awaitility.await()
          .atMost(timeout)
          .failFast("server exited", () -> !process.isAlive())
          .until(() -> get("/health/ready").status() == 200);
    } catch (org.awaitility.core.ConditionTimeoutException
        | org.awaitility.core.TerminalFailureException e) {
      String out = output();
      throw new AssertionError(
          "server not ready after "
              + timeout
              + " ("
              + e.getMessage()
              + "); last output:\n"
              + out.substring(Math.max(0, out.length() - 8000)),
          e);
    }
  }

  String output() {
    try {
      return Files.readString(workDir.resolve("server.out"));
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }

  /** GET against the server; status -1 when nothing answers. */
  Response get(String path) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                  .timeout(Duration.ofSeconds(3))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body());
    } catch (IOException e) {
      return new Response(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Response(-1, "interrupted");
    }
  }

  record Response(int status, String body) {}

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
    for (ProcessHandle h : descendantsSeen) {
      h.destroyForcibly();
    }
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
