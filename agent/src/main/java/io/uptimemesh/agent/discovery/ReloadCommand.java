package io.uptimemesh.agent.discovery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code RUNTIME_DISCOVERY_RELOAD_COMMAND} with {@code /bin/sh -c}, gives it {@code timeout},
 * kills it (and what it started) after that, and keeps the exit code and the last lines of its
 * output. The output goes to a temporary file rather than a pipe, so a command that leaves a child
 * holding its output open cannot make the agent wait past the timeout. Blocking: call on a worker.
 */
public final class ReloadCommand {
  /** The last lines kept of the output. */
  static final int TAIL_LINES = 20;

  static final int TAIL_CHARS = 2000;

  /** What a run did. {@code exitCode} is -1 when it did not exit by itself. */
  public record Result(
      boolean ok, int exitCode, Instant at, Duration duration, String outputTail) {}

  private final String command;
  private final Duration timeout;
  private final Clock clock;

  public ReloadCommand(String command, Duration timeout, Clock clock) {
    this.command = command;
    this.timeout = timeout;
    this.clock = clock;
  }

  /**
   * Runs the command once.
   *
   * @param environment added to the agent's environment (the paths and serial just written)
   */
  public Result run(Map<String, String> environment) {
    Instant at = clock.instant();
    long start = System.nanoTime();
    Path output = null;
    try {
      output = Files.createTempFile("uptimemesh-reload", ".out");
      ProcessBuilder builder =
          new ProcessBuilder(List.of("/bin/sh", "-c", command))
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      builder.environment().putAll(environment);
      Process process = builder.start();
      boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!exited) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(2, TimeUnit.SECONDS);
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      String tail = tail(Files.readString(output, StandardCharsets.UTF_8));
      if (!exited) {
        return new Result(
            false, -1, at, took, tail(tail + "\n[killed after " + timeout.toMillis() + " ms]"));
      }
      int exit = process.exitValue();
      return new Result(exit == 0, exit, at, took, tail);
    } catch (IOException e) {
      return new Result(
          false, -1, at, Duration.ofNanos(System.nanoTime() - start), "cannot run: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(false, -1, at, Duration.ofNanos(System.nanoTime() - start), "interrupted");
    } finally {
      if (output != null) {
        try {
          Files.deleteIfExists(output);
        } catch (IOException e) {
          // A leftover temporary file is harmless.
        }
      }
    }
  }

  /** The last {@value #TAIL_LINES} lines, at most {@value #TAIL_CHARS} characters. */
  static String tail(String text) {
    String[] lines = text.strip().split("\n");
    String kept =
        String.join(
            "\n", Arrays.copyOfRange(lines, Math.max(0, lines.length - TAIL_LINES), lines.length));
    return kept.length() <= TAIL_CHARS ? kept : kept.substring(kept.length() - TAIL_CHARS);
  }
}
