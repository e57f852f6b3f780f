package io.uptimemesh.lxd;

import io.uptimemesh.core.error.UptimeMeshException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the LXD daemon listens and how long the client waits for it.
 *
 * @param socket the daemon's unix socket ({@code /var/lib/lxd/unix.socket} unless {@code LXD_DIR}
 *     moved it)
 * @param project the LXD project every call is made in ({@code default} unless configured)
 * @param requestTimeout how long one HTTP exchange may stay silent before it fails
 * @param operationTimeout how long an asynchronous operation (create, start, stop, exec...) is
 *     waited on before the call fails with {@code UNAVAILABLE}
 */
public record LxdClientOptions(
    Path socket, String project, Duration requestTimeout, Duration operationTimeout) {
  public static final Path DEFAULT_SOCKET = Path.of("/var/lib/lxd/unix.socket");
  public static final String DEFAULT_PROJECT = "default";

  public LxdClientOptions {
    Objects.requireNonNull(socket, "socket");
    project = LxdNames.requireProject(project == null ? DEFAULT_PROJECT : project);
    requirePositive(requestTimeout, "request timeout");
    requirePositive(operationTimeout, "operation timeout");
  }

  /** The defaults: the standard socket, project {@code default}, 10 s per request, 60 s per op. */
  public static LxdClientOptions defaults() {
    return of(DEFAULT_SOCKET);
  }

  public static LxdClientOptions of(Path socket) {
    return new LxdClientOptions(
        socket, DEFAULT_PROJECT, Duration.ofSeconds(10), Duration.ofSeconds(60));
  }

  public LxdClientOptions withProject(String newProject) {
    return new LxdClientOptions(socket, newProject, requestTimeout, operationTimeout);
  }

  public LxdClientOptions withOperationTimeout(Duration timeout) {
    return new LxdClientOptions(socket, project, requestTimeout, timeout);
  }

  private static void requirePositive(Duration d, String what) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw UptimeMeshException.invalid("LXD " + what + " must be positive, not " + d);
    }
  }
}
