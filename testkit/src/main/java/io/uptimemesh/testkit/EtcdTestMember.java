package io.uptimemesh.testkit;

import io.uptimemesh.core.etcd.EtcdMemberSpec;
import io.uptimemesh.core.process.ChildProcesses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One real etcd member run by a test: start, stop (SIGTERM), kill (SIGKILL) and restart it. Its
 * output goes to {@code member.log} beside its data directory.
 */
public final class EtcdTestMember {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

  private final EtcdMemberSpec spec;
  private final Path logFile;
  private Process process;

  EtcdTestMember(EtcdMemberSpec spec, Path logFile) {
    this.spec = spec;
    this.logFile = logFile;
  }

  public String name() {
    return spec.name();
  }

  public URI clientUrl() {
    return URI.create(spec.clientUrl());
  }

  public EtcdMemberSpec spec() {
    return spec;
  }

  /** Starts the process; does not wait for health (a member of a new 3-cluster needs its peers). */
  public synchronized void start() {
    if (isRunning()) {
      return;
    }
    try {
      Files.createDirectories(spec.dataDir());
      process =
          new ProcessBuilder(spec.command(EtcdClusterExtension.etcdBinary()))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start etcd " + spec.name(), e);
    }
  }

  /** SIGTERM, then SIGKILL after 5 s; waits until the process is gone. */
  public synchronized void stop() {
    if (process != null) {
      ChildProcesses.terminate(process.toHandle(), Duration.ofSeconds(5));
    }
  }

  /** SIGKILL, like a crash; waits until the process is gone. */
  public synchronized void kill() {
    if (process != null) {
      process.destroyForcibly();
      ChildProcesses.awaitExit(process.toHandle(), Duration.ofSeconds(10));
    }
  }

  /** SIGSTOP: the member keeps its sockets open but answers nothing, like a hung machine. */
  public void pause() {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause()}. */
  public void resume() {
    signal("CONT");
  }

  private synchronized void signal(String name) {
    if (process == null) {
      throw new IllegalStateException("etcd " + spec.name() + " is not running");
    }
    try {
      int rc =
          new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
      if (rc != 0) {
        throw new IllegalStateException("kill -" + name + " failed with " + rc);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Starts again on the same data directory and waits until healthy. */
  public void restart() {
    stop();
    start();
    awaitHealthy(Duration.ofSeconds(30));
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  public synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  /** Polls {@code /health} until it reports healthy, or fails with the member's last output. */
  public void awaitHealthy(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!isRunning()) {
        throw new IllegalStateException(
            "etcd " + spec.name() + " exited while starting; output:\n" + tail());
      }
      if (healthy()) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    throw new IllegalStateException(
        "etcd " + spec.name() + " not healthy after " + timeout + "; output:\n" + tail());
  }

  /** True if {@code /health} answers {@code "health":"true"} right now. */
  public boolean healthy() {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(clientUrl().resolve("/health"))
                  .timeout(Duration.ofSeconds(1))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 && r.body().contains("\"true\"");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The last lines of the member's output. */
  public String tail() {
    try {
      List<String> lines = Files.readAllLines(logFile);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }
}
