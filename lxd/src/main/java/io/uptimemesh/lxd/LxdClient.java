package io.uptimemesh.lxd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The asynchronous LXD client: containers, snapshots, exec and projects over the daemon's unix
 * socket. Every method returns at once; its future completes when LXD has finished the work
 * (asynchronous operations are waited on, with the options' operation timeout as deadline) and
 * fails with an {@link UptimeMeshException} that names the operation, the container and the
 * project: NOT_FOUND for a missing container, image alias or project, CONFLICT for an existing name
 * or a wrong state (start of a running container), INVALID_REQUEST for what LXD refuses as invalid,
 * UNAVAILABLE when the daemon does not answer or an operation outlives its deadline.
 *
 * <p>All calls are made in one LXD project ({@link LxdClientOptions#project()}); {@link #inProject}
 * gives a client for another project on the same connection pool. Thread-safe.
 */
public final class LxdClient {
  /** Exec output beyond this many bytes per stream is cut (health checks need little). */
  public static final int EXEC_OUTPUT_LIMIT = 64 * 1024;

  private final LxdTransport transport;
  private final LxdOperations operations;
  private final LxdClientOptions options;
  private final boolean ownsTransport;

  private LxdClient(LxdTransport transport, LxdClientOptions options, boolean ownsTransport) {
    this.transport = transport;
    this.operations = new LxdOperations(transport);
    this.options = options;
    this.ownsTransport = ownsTransport;
  }

  public static LxdClient create(Vertx vertx, LxdClientOptions options) {
    Objects.requireNonNull(vertx, "vertx");
    return new LxdClient(new LxdTransport(vertx, options), options, true);
  }

  /** A client for another project that shares this one's connections (closing it is a no-op). */
  public LxdClient inProject(String project) {
    LxdClientOptions other = options.withProject(project);
    return new LxdClient(new LxdTransport(transport, other), other, false);
  }

  public LxdClientOptions options() {
    return options;
  }

  public String project() {
    return options.project();
  }

  /** The daemon's version ({@code GET /1.0}); a cheap liveness probe. */
  public Future<String> serverVersion() {
    LxdAction action = new LxdAction("query", "server", options.socket().toString(), project());
    return transport
        .call(action, HttpMethod.GET, "/1.0", null)
        .map(r -> r.metadata().path("environment").path("server_version").asText(""));
  }

  /** Creates a container from a local image alias (it stays stopped). */
  public Future<Void> create(InstanceSpec spec) {
    LxdAction action =
        container("create", spec.name()).with("from image alias '" + spec.imageAlias() + "'");
    return async(action, HttpMethod.POST, "/1.0/instances", LxdJson.createBody(spec)).mapEmpty();
  }

  public Future<Void> start(String name) {
    LxdAction action = container("start", LxdNames.requireInstance(name));
    return changeState(action, name, LxdJson.stateChange("start", 0, false), Duration.ZERO);
  }

  /**
   * Stops a container: a clean shutdown (SIGPWR to its init) waited on for {@code timeout}, or a
   * kill at once with {@code force} or a zero timeout (LXD's own rule). A clean stop that takes
   * longer fails (its init may ignore the signal, e.g. when it arrives before the init set its
   * handler); the caller may then force it.
   */
  public Future<Void> stop(String name, Duration timeout, boolean force) {
    LxdAction action = container(force ? "forced stop" : "stop", LxdNames.requireInstance(name));
    int seconds = seconds(timeout);
    return changeState(
        action, name, LxdJson.stateChange("stop", seconds, force), Duration.ofSeconds(seconds));
  }

  public Future<Void> restart(String name, Duration timeout, boolean force) {
    LxdAction action =
        container(force ? "forced restart" : "restart", LxdNames.requireInstance(name));
    int seconds = seconds(timeout);
    return changeState(
        action, name, LxdJson.stateChange("restart", seconds, force), Duration.ofSeconds(seconds));
  }

  /** Deletes a stopped container and its snapshots (a running one is a CONFLICT). */
  public Future<Void> delete(String name) {
    LxdAction action = container("delete", LxdNames.requireInstance(name));
    return async(action, HttpMethod.DELETE, LxdUris.instance(name), null).mapEmpty();
  }

  /** Takes a (stateless) snapshot. */
  public Future<Void> snapshot(String name, String snapshot) {
    LxdAction action =
        container(
            "snapshot '" + LxdNames.requireSnapshot(snapshot) + "'",
            LxdNames.requireInstance(name));
    ObjectNode body = LxdJson.object();
    body.put("name", snapshot);
    body.put("stateful", false);
    return async(action, HttpMethod.POST, LxdUris.instance(name) + "/snapshots", body).mapEmpty();
  }

  /** Restores a snapshot: the container's rootfs and config go back to it. */
  public Future<Void> restore(String name, String snapshot) {
    LxdAction action =
        container(
            "restore of snapshot '" + LxdNames.requireSnapshot(snapshot) + "'",
            LxdNames.requireInstance(name));
    ObjectNode body = LxdJson.object();
    body.put("restore", snapshot);
    return async(action, HttpMethod.PUT, LxdUris.instance(name), body).mapEmpty();
  }

  public Future<Void> deleteSnapshot(String name, String snapshot) {
    LxdAction action =
        container(
            "deletion of snapshot '" + LxdNames.requireSnapshot(snapshot) + "'",
            LxdNames.requireInstance(name));
    return async(action, HttpMethod.DELETE, LxdUris.instance(name) + "/snapshots/" + snapshot, null)
        .mapEmpty();
  }

  /** The container's snapshot names, sorted. */
  public Future<List<String>> snapshots(String name) {
    LxdAction action = container("snapshot listing", LxdNames.requireInstance(name));
    return sync(action, HttpMethod.GET, LxdUris.instance(name) + "/snapshots", null)
        .map(r -> LxdJson.lastSegments(r.metadata()));
  }

  public Future<InstanceState> state(String name) {
    LxdAction action = container("state query", LxdNames.requireInstance(name));
    return sync(action, HttpMethod.GET, LxdUris.instance(name) + "/state", null)
        .map(r -> LxdJson.state(r.metadata()));
  }

  /** The container's own profiles, config and devices, and its status. */
  public Future<InstanceDetails> instance(String name) {
    LxdAction action = container("query", LxdNames.requireInstance(name));
    return sync(action, HttpMethod.GET, LxdUris.instance(name), null)
        .map(r -> LxdJson.details(r.metadata()));
  }

  /**
   * Replaces a container's profiles, own config and devices (LXD's {@code volatile.*} and {@code
   * image.*} keys are kept). Works on a running container: LXD applies limits and hot-plugs devices
   * such as {@code proxy} at once; {@code environment.*} reaches new processes only, so callers
   * restart when the init should see it.
   */
  public Future<Void> reconfigure(
      String name,
      List<String> profiles,
      Map<String, String> config,
      Map<String, Map<String, String>> devices) {
    LxdAction action = container("reconfiguration", LxdNames.requireInstance(name));
    profiles.forEach(LxdNames::requireProfile);
    return instance(name)
        .compose(
            current ->
                async(
                    action,
                    HttpMethod.PUT,
                    LxdUris.instance(name),
                    LxdJson.updateBody(current, profiles, config, devices)))
        .mapEmpty();
  }

  /** Renames a stopped container (its snapshots go with it). */
  public Future<Void> rename(String name, String newName) {
    LxdAction action =
        container("rename", LxdNames.requireInstance(name))
            .with("to '" + LxdNames.requireInstance(newName) + "'");
    ObjectNode body = LxdJson.object();
    body.put("name", newName);
    return async(action, HttpMethod.POST, LxdUris.instance(name), body).mapEmpty();
  }

  /**
   * Succeeds when the image alias exists (in this project, or in the default project whose images
   * it shares); fails NOT_FOUND otherwise. Lets a caller check an image before it stops anything.
   */
  public Future<Void> requireImageAlias(String alias) {
    LxdNames.requireImageAlias(alias);
    LxdAction action = new LxdAction("lookup", "image alias", alias, project());
    String path =
        "/1.0/images/aliases/"
            + java.net.URLEncoder.encode(alias, StandardCharsets.UTF_8).replace("+", "%20");
    return sync(action, HttpMethod.GET, path, null).mapEmpty();
  }

  /** Every container of the project, by name. */
  public Future<List<InstanceSummary>> list() {
    LxdAction action = new LxdAction("listing", "project", project(), project());
    return sync(action, HttpMethod.GET, "/1.0/instances?recursion=1", null)
        .map(r -> LxdJson.instances(r.metadata()));
  }

  /**
   * Runs a command in a running container and returns its exit code and output, without websockets:
   * LXD records the output to log files, which are read and then deleted. The command is waited on
   * for at most {@code timeout}; LXD cannot cancel it, so a command that may hang should bound
   * itself ({@code timeout 5 ...}).
   */
  public Future<ExecResult> exec(
      String name, List<String> command, Map<String, String> environment, Duration timeout) {
    LxdAction action = container("exec", LxdNames.requireInstance(name));
    if (command == null || command.isEmpty()) {
      return Future.failedFuture(UptimeMeshException.invalid("exec needs a command"));
    }
    JsonNode body = LxdJson.execBody(command, environment == null ? Map.of() : environment);
    return sync(action, HttpMethod.POST, LxdUris.instance(name) + "/exec", body)
        .compose(r -> operations.await(action, r, timeout))
        .compose(
            op -> {
              LxdJson.ExecOutcome outcome = LxdJson.execOutcome(action, op.result());
              Future<String> out = readLog(action, outcome.stdoutPath());
              Future<String> err = readLog(action, outcome.stderrPath());
              return Future.all(out, err)
                  .map(all -> new ExecResult(outcome.exitCode(), out.result(), err.result()));
            });
  }

  public Future<ExecResult> exec(String name, List<String> command) {
    return exec(name, command, Map.of(), options.operationTimeout());
  }

  /**
   * Creates this client's project when it is missing, sharing the default project's images and
   * profiles ({@code features.images=false}, {@code features.profiles=false}), so that the images
   * imported once serve every project. An existing project is left as it is.
   */
  public Future<Void> ensureProject() {
    LxdAction action = new LxdAction("creation", "project", project(), "default");
    ObjectNode body = LxdJson.object();
    body.put("name", project());
    ObjectNode config = body.putObject("config");
    config.put("features.images", "false");
    config.put("features.profiles", "false");
    return transport
        .call(action, HttpMethod.GET, "/1.0/projects/" + project(), null)
        .<Void>mapEmpty()
        .recover(
            err ->
                isNotFound(err)
                    ? transport
                        .call(action, HttpMethod.POST, "/1.0/projects", body)
                        .<Void>mapEmpty()
                        .recover(e -> isConflict(e) ? Future.succeededFuture() : failed(e))
                    : failed(err));
  }

  /** Deletes this client's project; LXD refuses (CONFLICT) while it still holds containers. */
  public Future<Void> deleteProject() {
    LxdAction action = new LxdAction("deletion", "project", project(), "default");
    return transport.call(action, HttpMethod.DELETE, "/1.0/projects/" + project(), null).mapEmpty();
  }

  /** Closes the connections (only the client made by {@link #create} owns them). */
  public Future<Void> close() {
    return ownsTransport ? transport.close() : Future.succeededFuture();
  }

  private Future<String> readLog(LxdAction action, String path) {
    if (path.isEmpty()) {
      return Future.succeededFuture("");
    }
    String uri = LxdUris.withProject(path, project());
    return transport
        .raw(action, uri)
        .map(LxdClient::cut)
        .compose(
            text ->
                // The log files would pile up in LXD_DIR; losing one delete is harmless.
                transport.call(action, HttpMethod.DELETE, uri, null).map(text).otherwise(text));
  }

  private static String cut(Buffer buffer) {
    Buffer b = buffer.length() > EXEC_OUTPUT_LIMIT ? buffer.slice(0, EXEC_OUTPUT_LIMIT) : buffer;
    return b.toString(StandardCharsets.UTF_8);
  }

  private Future<Void> changeState(
      LxdAction action, String name, JsonNode body, Duration extraWait) {
    return async(action, HttpMethod.PUT, LxdUris.instance(name) + "/state", body, extraWait)
        .mapEmpty();
  }

  private Future<LxdJson.Operation> async(
      LxdAction action, HttpMethod method, String path, JsonNode body) {
    return async(action, method, path, body, Duration.ZERO);
  }

  private Future<LxdJson.Operation> async(
      LxdAction action, HttpMethod method, String path, JsonNode body, Duration extraWait) {
    return sync(action, method, path, body)
        .compose(r -> operations.await(action, r, options.operationTimeout().plus(extraWait)));
  }

  private Future<LxdResponse> sync(
      LxdAction action, HttpMethod method, String path, JsonNode body) {
    return transport.call(action, method, LxdUris.withProject(path, project()), body);
  }

  private LxdAction container(String verb, String name) {
    return LxdAction.onContainer(verb, name, project());
  }

  private static int seconds(Duration timeout) {
    if (timeout == null || timeout.isNegative()) {
      throw UptimeMeshException.invalid("a stop timeout must not be negative");
    }
    return (int) Math.min(Integer.MAX_VALUE, Math.max(timeout.toSeconds(), 0));
  }

  private static boolean isNotFound(Throwable e) {
    return e instanceof UptimeMeshException u && u.errorCode() == ErrorCode.NOT_FOUND;
  }

  private static boolean isConflict(Throwable e) {
    return e instanceof UptimeMeshException u && u.errorCode() == ErrorCode.CONFLICT;
  }

  private static <T> Future<T> failed(Throwable e) {
    return Future.failedFuture(e);
  }
}
