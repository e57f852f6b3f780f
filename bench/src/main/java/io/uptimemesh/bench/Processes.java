package io.uptimemesh.bench;

import io.uptimemesh.core.process.ChildProcesses;
import io.uptimemesh.testkit.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Starting, probing and stopping the processes the benchmarks measure. */
final class Processes {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();

  private Processes() {}

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Starts {@code uptimemesh server} with a managed etcd in {@code dir}; returns the process. */
  static Process startServer(Path jar, Path dir, int httpPort) throws IOException {
    return startServer(jar, dir, httpPort, FreePorts.allocate(2), Map.of());
  }

  /** The same with the managed etcd's {client, peer} ports and extra environment given. */
  static Process startServer(
      Path jar, Path dir, int httpPort, int[] etcdPorts, Map<String, String> extraEnv)
      throws IOException {
    Files.writeString(
        dir.resolve("config.yaml"),
        "managed_etcd:\n  client_port: " + etcdPorts[0] + "\n  peer_port: " + etcdPorts[1] + "\n");
    ProcessBuilder b =
        new ProcessBuilder(serverCommand(jar))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("server.out").toFile());
    b.environment()
        .putAll(
            Map.of(
                "UPTIMEMESH_HTTP_HOST", "127.0.0.1",
                "UPTIMEMESH_HTTP_PORT", Integer.toString(httpPort),
                "UPTIMEMESH_DATA_DIR", dir.resolve("data").toString(),
                "UPTIMEMESH_ENV_FILE", dir.resolve(".env").toString(),
                "LOG_LEVEL", "INFO")); // the default: request logging is part of the cost
    b.environment().putAll(extraEnv);
    return b.start();
  }

  /**
   * {@code java -jar uptimemesh.jar server} as bin/uptimemesh runs it: with the class-data archive
   * of scripts/cds-archive.sh when there is one newer than the jar.
   */
  static java.util.List<String> serverCommand(Path jar) {
    java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(java()));
    Path jsa = jar.resolveSibling("uptimemesh.jsa");
    try {
      if (Files.exists(jsa)
          && Files.getLastModifiedTime(jsa).compareTo(Files.getLastModifiedTime(jar)) > 0) {
        cmd.addAll(
            java.util.List.of(
                "-XX:SharedArchiveFile=" + jsa, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
      }
    } catch (IOException e) {
      // no archive then
    }
    cmd.addAll(java.util.List.of("-jar", jar.toString(), "server"));
    return cmd;
  }

  /** Polls {@code url} every 10 ms until it answers 200; returns false after {@code timeout}. */
  static boolean awaitOk(String url, Duration timeout, Process process) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && process.isAlive()) {
      try {
        HttpResponse<Void> r =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMillis(500)).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return true;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      sleep(10);
    }
    return false;
  }

  /** SIGTERM, then SIGKILL for the process and everything it started. */
  static void stop(Process p) {
    List<ProcessHandle> children = p.descendants().toList();
    ChildProcesses.terminate(p.toHandle(), Duration.ofSeconds(10));
    children.forEach(c -> ChildProcesses.terminate(c, Duration.ofSeconds(5)));
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // leftovers in /tmp are harmless
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
