package io.uptimemesh.testkit.lxd;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the lab's helper commands (lxd, lxc, ip, tar) with a deadline and captures their output. */
final class LabCommands {
  record Result(int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  private final Map<String, String> environment;

  LabCommands(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  Result run(Duration timeout, String stdin, List<String> command) {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(environment);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      return new Result(127, command.get(0) + ": " + e.getMessage());
    }
    try {
      if (stdin != null) {
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      p.getOutputStream().close();
      // Read on this thread: these commands print little, and the deadline below still holds
      // because a killed process closes its output.
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Thread reader = new Thread(() -> copy(p.getInputStream(), out), "lxdlab-output");
      reader.setDaemon(true);
      reader.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        reader.join(1000);
        return new Result(124, "timed out after " + timeout + ": " + command + "\n" + text(out));
      }
      reader.join(5000);
      return new Result(p.exitValue(), text(out));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    }
  }

  Result run(Duration timeout, List<String> command) {
    return run(timeout, null, command);
  }

  /** Runs and fails with the command's output when it does not exit 0. */
  String require(Duration timeout, String stdin, List<String> command) {
    Result r = run(timeout, stdin, command);
    if (!r.ok()) {
      throw new IllegalStateException(
          String.join(" ", command) + " exited " + r.exitCode() + ":\n" + r.output());
    }
    return r.output();
  }

  String require(Duration timeout, List<String> command) {
    return require(timeout, null, command);
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    try (in) {
      in.transferTo(out);
    } catch (IOException e) {
      // The process was killed; what was read so far is kept.
    }
  }

  private static String text(ByteArrayOutputStream out) {
    synchronized (out) {
      return out.toString(StandardCharsets.UTF_8);
    }
  }
}
