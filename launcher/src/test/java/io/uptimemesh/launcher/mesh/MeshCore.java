package io.uptimemesh.launcher.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code uptimemesh server} from the packaged jar inside the lab's router namespace, listening
 * on the router's service address with its own data directory and managed etcd; plus the CLI run as
 * a process in any lab namespace (the test's own namespace cannot reach the lab), with {@code
 * user.home} in the lab directory so the admin session stays there.
 */
final class MeshCore implements AutoCloseable {
  static final int HTTP_PORT = 8010;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final MeshLab lab;
  final Path workDir;
  final Path home;
  private MeshLab.LabProcess server;
  private int starts;
  String adminPassword;

  /** Settings added to the server's environment, e.g. a shorter heartbeat TTL for a test. */
  final Map<String, String> extraEnv = new HashMap<>();

  MeshCore(MeshLab lab) throws IOException {
    this.lab = lab;
    this.workDir = lab.dir.resolve("core");
    this.home = lab.dir.resolve("home");
    Files.createDirectories(workDir);
    Files.createDirectories(home);
    // The router namespace is the core's own: etcd's default ports are free there.
    Files.writeString(workDir.resolve("config.yaml"), "managed_etcd:\n  member_name: core-1\n");
  }

  static String apiUrl() {
    return "http://" + MeshLab.SERVICE_ADDRESS + ":" + HTTP_PORT;
  }

  static String jar() {
    String jar = System.getProperty("uptimemesh.jar");
    if (jar == null || !Files.exists(Path.of(jar))) {
      throw new IllegalStateException("packaged jar not found (uptimemesh.jar=" + jar + ")");
    }
    return Path.of(jar).toAbsolutePath().toString();
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** {@code java … -jar uptimemesh.jar}: the start of every uptimemesh command line. */
  List<String> uptimemesh(String... args) {
    List<String> c =
        new ArrayList<>(
            List.of(java(), "-Xmx128m", "-XX:TieredStopAtLevel=1", "-Duser.home=" + home));
    c.add("-jar");
    c.add(jar());
    c.addAll(List.of(args));
    return c;
  }

  /**
   * {@code bin/uptimemesh ARGS} of the checkout the jar was built in: the launcher script with the
   * JVM flags it chooses per command (the agent's small-footprint flags).
   */
  static List<String> script(String... args) {
    Path bin = Path.of(jar()).getParent().getParent().getParent().resolve("bin/uptimemesh");
    if (!Files.isExecutable(bin)) {
      throw new IllegalStateException(bin + " not found next to the jar");
    }
    List<String> c = new ArrayList<>(List.of(bin.toString()));
    c.addAll(List.of(args));
    return c;
  }

  Map<String, String> serverEnvironment() {
    Map<String, String> env = new HashMap<>();
    // All addresses of the router namespace: bootstrap is only accepted over loopback.
    env.put("UPTIMEMESH_HTTP_HOST", "0.0.0.0");
    env.put("UPTIMEMESH_HTTP_PORT", Integer.toString(HTTP_PORT));
    env.put("UPTIMEMESH_ADVERTISE_HOST", MeshLab.SERVICE_ADDRESS);
    env.put("UPTIMEMESH_DATA_DIR", workDir.resolve("data").toString());
    env.put("UPTIMEMESH_CONFIG", workDir.resolve("config.yaml").toString());
    env.put("UPTIMEMESH_ENV_FILE", workDir.resolve(".env").toString());
    env.put("LOG_LEVEL", "INFO");
    env.putAll(extraEnv);
    return env;
  }

  /** Starts the server (again) and waits until it is ready. */
  MeshCore start() throws IOException {
    starts++;
    List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx256m", "-jar", jar(), "server"));
    server = lab.start(lab.router, "core-" + starts, serverEnvironment(), cmd);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .failFast("the core server exited", () -> !server.isAlive())
        .until(() -> ready());
    return this;
  }

  boolean ready() {
    return "200"
        .equals(
            lab.exec(
                    lab.router,
                    "curl",
                    "-s",
                    "-o",
                    "/dev/null",
                    "-m",
                    "2",
                    "-w",
                    "%{http_code}",
                    apiUrl() + "/health/ready")
                .stdout()
                .strip());
  }

  /** SIGTERM and wait; the managed etcd goes with it. */
  void stop() {
    if (server != null) {
      server.stop(Duration.ofSeconds(20));
    }
  }

  String output() {
    return server == null ? "" : server.output();
  }

  /** Bootstraps the cluster and logs the admin in (inside the router namespace). */
  void bootstrapAndLogin() {
    JsonNode boot =
        json(
            lab.router,
            "bootstrap",
            "--api-url",
            "http://127.0.0.1:" + HTTP_PORT,
            "--output",
            "json");
    adminPassword = boot.path("admin_password").asText();
    MeshLab.Result login =
        cli(lab.router, adminPassword + "\n", "login", "--api-url", apiUrl(), "--password-stdin");
    assertThat(login.code()).as(login.stderr()).isZero();
  }

  /**
   * Logs the CLI in again after the admin's password changed to {@code password} (a change ends
   * every other session of the user, the CLI's too).
   */
  void passwordChanged(String password) {
    adminPassword = password;
    MeshLab.Result login =
        cli(lab.router, password + "\n", "login", "--api-url", apiUrl(), "--password-stdin");
    assertThat(login.code()).as(login.stderr()).isZero();
  }

  /**
   * Opens the console in {@code browser} from the host (through a veth into the router namespace)
   * and goes through the first login's forced password change; the CLI is logged in again.
   *
   * @return the console's URL
   */
  String openConsole(io.uptimemesh.launcher.Browser browser) {
    String api = "http://" + lab.linkToHost() + ":" + HTTP_PORT;
    String password = "mesh operator password 2026";
    new io.uptimemesh.launcher.ConsoleClient(api).firstLogin(browser, adminPassword, password);
    passwordChanged(password);
    return api + "/ui/";
  }

  /** A join token for {@code uses} worker nodes. */
  String workerToken(int uses) {
    return json(
            lab.router,
            "create-token",
            "--api-url",
            apiUrl(),
            "--role",
            "worker",
            "--uses",
            Integer.toString(uses),
            "--output",
            "json")
        .path("token")
        .asText();
  }

  /** Joins {@code node} from inside its namespace; its identity goes to {@link #identityDir}. */
  void join(MeshLab.Node node, String token) {
    MeshLab.Result r =
        cli(
            node.namespace(),
            null,
            "join",
            "--api-url",
            apiUrl(),
            "--token",
            token,
            "--node-id",
            node.id(),
            "--name",
            node.id(),
            "--identity-dir",
            identityDir(node).toString());
    assertThat(r.code()).as("join %s: %s", node.id(), r.stderr()).isZero();
  }

  Path identityDir(MeshLab.Node node) {
    return lab.dir.resolve(node.id()).resolve("identities");
  }

  /** Runs an uptimemesh command in a namespace. */
  MeshLab.Result cli(String namespace, String stdin, String... args) {
    return cliWithEnv(namespace, Map.of(), stdin, args);
  }

  /** As above, with extra environment (an agent's, for {@code uptimemesh status}). */
  MeshLab.Result cliWithEnv(
      String namespace, Map<String, String> env, String stdin, String... args) {
    return lab.exec(namespace, env, stdin, uptimemesh(args).toArray(String[]::new));
  }

  /** Runs a command that must succeed and print JSON. */
  JsonNode json(String namespace, String... args) {
    MeshLab.Result r = cli(namespace, null, args);
    assertThat(r.code()).as("uptimemesh %s: %s", String.join(" ", args), r.stderr()).isZero();
    try {
      return JSON.readTree(r.stdout());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    stop();
  }
}
