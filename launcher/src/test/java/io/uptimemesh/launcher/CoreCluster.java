package io.uptimemesh.launcher;

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
import java.util.List;
import java.util.stream.Collectors;

/**
 * Several {@code uptimemesh server} processes on loopback forming one control plane, as operators
 * build it: the first bootstraps, the others start with {@code server --join URL --token T}. The
 * CLI (run in this JVM) is logged in for all of them; {@code user.home} points into the test's
 * directory while the cluster lives.
 */
final class CoreCluster implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  final List<ServerProcess> servers = new ArrayList<>();
  private final java.util.Map<ServerProcess, int[]> etcdPorts = new java.util.HashMap<>();
  private final Path root;
  private final String oldHome;
  private final String extraConfig;
  String adminPassword;

  private final java.util.Map<String, String> env;

  private CoreCluster(Path root, String extraConfig, java.util.Map<String, String> env) {
    this.root = root;
    this.extraConfig = extraConfig;
    this.env = env;
    this.oldHome = System.getProperty("user.home");
    System.setProperty("user.home", root.resolve("home").toString());
  }

  /**
   * Starts {@code size} core servers and waits until each is ready.
   *
   * @param extraConfig config.yaml sections added to every server's file
   */
  static CoreCluster start(Path root, int size, String extraConfig) throws Exception {
    return start(root, size, extraConfig, java.util.Map.of());
  }

  /** As above, with extra environment for every server. */
  static CoreCluster start(
      Path root, int size, String extraConfig, java.util.Map<String, String> env) throws Exception {
    CoreCluster c = new CoreCluster(root, extraConfig, env);
    try {
      ServerProcess first = c.server(1).start();
      awaitReady(first, Duration.ofSeconds(30));
      JsonNode boot = c.json("bootstrap", "--api-url", first.url(), "--output", "json");
      c.adminPassword = boot.path("admin_password").asText();
      Cli.Result login =
          Cli.withInput(
              c.adminPassword + "\n", "login", "--api-url", c.apiUrls(), "--password-stdin");
      assertThat(login.code()).as(login.stderr()).isZero();
      if (size > 1) {
        String token =
            c.json(
                    "create-token",
                    "--api-url",
                    c.apiUrls(),
                    "--role",
                    "core",
                    "--uses",
                    Integer.toString(size - 1),
                    "--output",
                    "json")
                .path("token")
                .asText();
        for (int i = 2; i <= size; i++) {
          ServerProcess next = c.server(i);
          next.start("--join", first.url(), "--token", token);
          awaitReady(next, Duration.ofSeconds(60));
        }
        // One session for the whole list, as an operator of this cluster would log in.
        Cli.Result again =
            Cli.withInput(
                c.adminPassword + "\n", "login", "--api-url", c.apiUrls(), "--password-stdin");
        assertThat(again.code()).as(again.stderr()).isZero();
      }
      return c;
    } catch (Exception | AssertionError e) {
      c.close();
      throw e;
    }
  }

  private ServerProcess server(int n) throws IOException {
    Path dir = root.resolve("core-" + n);
    Files.createDirectories(dir);
    ServerProcess s = new ServerProcess(dir);
    env.forEach(s::env);
    int[] ports = io.uptimemesh.testkit.FreePorts.allocate(2);
    etcdPorts.put(s, ports);
    s.writeConfig(
        "managed_etcd:\n  member_name: core-"
            + n
            + "\n  client_port: "
            + ports[0]
            + "\n  peer_port: "
            + ports[1]
            + "\n"
            + extraConfig);
    servers.add(s);
    return s;
  }

  int etcdClientPort(ServerProcess s) {
    return etcdPorts.get(s)[0];
  }

  int etcdPeerPort(ServerProcess s) {
    return etcdPorts.get(s)[1];
  }

  /** Every server's URL, comma-separated: the CLI's --api-url for the whole cluster. */
  String apiUrls() {
    return servers.stream().map(ServerProcess::url).collect(Collectors.joining(","));
  }

  /** Runs a CLI command that must succeed and answer JSON. */
  JsonNode json(String... args) {
    Cli.Result r = Cli.run(args);
    assertThat(r.code()).as("uptimemesh %s: %s", String.join(" ", args), r.stderr()).isZero();
    try {
      return JSON.readTree(r.stdout());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void awaitReady(ServerProcess s, Duration within) {
    await()
        .atMost(within)
        .pollInterval(Duration.ofMillis(100))
        .failFast("server exited:\n" + "(see output)", () -> !s.isAlive())
        .until(() -> s.get("/health/ready").status() == 200);
  }

  @Override
  public void close() {
    System.setProperty("user.home", oldHome);
    for (ServerProcess s : servers) {
      if (s.isAlive()) {
        s.descendants();
        s.sigterm();
      }
    }
    for (ServerProcess s : servers) {
      try {
        if (s.isAlive()) {
          s.awaitExit(Duration.ofSeconds(15));
        }
      } catch (Throwable t) {
        // close() below kills what is left
      }
      s.close();
    }
  }

  /** Joins a worker node {@code id} (name = id) with its identity under {@code identityDir}. */
  void joinWorker(String id, Path identityDir) {
    String token =
        json("create-token", "--api-url", apiUrls(), "--role", "worker", "--output", "json")
            .path("token")
            .asText();
    Cli.Result r =
        Cli.run(
            "join",
            "--api-url",
            apiUrls(),
            "--token",
            token,
            "--node-id",
            id,
            "--name",
            id,
            "--identity-dir",
            identityDir.toString());
    assertThat(r.code()).as("join %s: %s", id, r.stderr()).isZero();
  }
}
