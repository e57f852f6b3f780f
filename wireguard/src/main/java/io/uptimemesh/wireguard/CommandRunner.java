package io.uptimemesh.wireguard;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.process.ChildProcesses;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs short system commands ({@code wg}, {@code ip}) with a deadline and collects their output.
 *
 * <p><b>Blocking</b>: every method waits for a child process. Call it on a worker thread, never on
 * a Vert.x event loop.
 *
 * <p>An optional prefix is put in front of every command, e.g. {@code ip netns exec NS}, so the
 * same backend code runs inside a network namespace (the tests do that; production uses none).
 */
public final class CommandRunner {
  /** A command's exit status and output. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {
    public boolean ok() {
      return exitCode == 0;
    }
  }

  /**
   * Variables that make wireguard-go's daemon keep our stdout and stderr (it does so whenever
   * {@code LOG_LEVEL} is set to anything but {@code silent}, and our own settings use that name),
   * or stay in the foreground: either way the command that starts it would never finish.
   */
  private static final List<String> DAEMON_UNSAFE_VARIABLES =
      List.of("LOG_LEVEL", "WG_PROCESS_FOREGROUND");

  private final List<String> prefix;
  private final Duration timeout;
  private final Map<String, String> environment;

  /**
   * @param prefix prepended to every command (empty for none)
   * @param timeout how long one command may run before it is killed
   */
  public CommandRunner(List<String> prefix, Duration timeout) {
    this(prefix, timeout, Map.of());
  }

  /**
   * @param prefix prepended to every command (empty for none)
   * @param timeout how long one command may run before it is killed
   * @param environment variables set for every command, on top of this process's environment
   */
  public CommandRunner(List<String> prefix, Duration timeout, Map<String, String> environment) {
    this.prefix = List.copyOf(prefix);
    this.timeout = timeout;
    this.environment = Map.copyOf(environment);
  }

  /** Commands run as given, 10 s deadline each. */
  public static CommandRunner direct() {
    return new CommandRunner(List.of(), Duration.ofSeconds(10));
  }

  /** Commands run inside network namespace {@code namespace} through {@code ip netns exec}. */
  public static CommandRunner inNamespace(String namespace, Duration timeout) {
    return new CommandRunner(List.of("ip", "netns", "exec", namespace), timeout);
  }

  /** The prefix in front of every command. */
  public List<String> prefix() {
    return prefix;
  }

  /** Runs {@code command}, fails unless it exits 0. Blocking. */
  public Result run(String... command) {
    return check(exec(null, command));
  }

  /** Runs {@code command} with {@code stdin} as its standard input, fails unless it exits 0. */
  public Result runWithInput(String stdin, String... command) {
    return check(exec(stdin, command));
  }

  /**
   * Runs a program that starts a daemon and exits (wireguard-go), fails unless it exits 0. The
   * daemon gets no variable that would tie it to our pipes. Blocking.
   */
  public Result runDaemonizing(String... command) {
    return check(exec(null, true, command));
  }

  /**
   * Runs {@code command} and returns whatever happened, exit code included; fails only when the
   * program cannot be started or overruns its deadline. Blocking.
   */
  public Result exec(String stdin, String... command) {
    return exec(stdin, false, command);
  }

  private Result exec(String stdin, boolean daemonizing, String... command) {
    List<String> full = new ArrayList<>(prefix);
    full.addAll(List.of(command));
    Process process;
    try {
      ProcessBuilder builder = new ProcessBuilder(full);
      builder.environment().putAll(environment);
      if (daemonizing) {
        DAEMON_UNSAFE_VARIABLES.forEach(builder.environment()::remove);
      }
      process = builder.start();
    } catch (IOException e) {
      throw new UptimeMeshException(
          ErrorCode.INTERNAL, "cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
    }
    CompletableFuture<String> out = drain(process.getInputStream());
    CompletableFuture<String> err = drain(process.getErrorStream());
    try (OutputStream in = process.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      // The program exited without reading its input; its exit code says what went wrong.
    }
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        ChildProcesses.terminate(process.toHandle(), Duration.ofSeconds(1));
        throw new UptimeMeshException(
            ErrorCode.INTERNAL,
            String.join(" ", command) + " did not finish within " + timeout.toMillis() + " ms");
      }
      return new Result(
          List.copyOf(full),
          process.exitValue(),
          out.get(timeout.toMillis(), TimeUnit.MILLISECONDS),
          err.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new UptimeMeshException(ErrorCode.INTERNAL, "interrupted while running a command", e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new UptimeMeshException(
          ErrorCode.INTERNAL, "cannot read the output of " + String.join(" ", command), e);
    }
  }

  private static Result check(Result result) {
    if (!result.ok()) {
      // The command line never carries a secret (keys go through files), so it may be named.
      throw new UptimeMeshException(
          ErrorCode.INTERNAL,
          String.join(" ", result.command())
              + " failed with exit code "
              + result.exitCode()
              + ": "
              + result.stderr().strip());
    }
    return result;
  }

  private static CompletableFuture<String> drain(InputStream stream) {
    CompletableFuture<String> text = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (stream) {
                text.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                text.completeExceptionally(new UncheckedIOException(e));
              }
            },
            "command-output");
    reader.setDaemon(true);
    reader.start();
    return text;
  }
}
