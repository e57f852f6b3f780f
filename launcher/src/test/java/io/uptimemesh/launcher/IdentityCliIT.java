package io.uptimemesh.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's path through the CLI against the packaged server: bootstrap, login, tokens, join,
 * heartbeat, nodes-status, revoke. One server for the class; the tests run in order.
 */
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IdentityCliIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static ServerProcess server;
  private static String api;
  private static String oldHome;
  private static String password;
  private static String bootstrapToken;

  @BeforeAll
  static void startServer() throws Exception {
    Files.createDirectories(dir.resolve("server"));
    server = new ServerProcess(dir.resolve("server")).withFreeEtcdPorts("");
    server.start();
    server.awaitReady(Duration.ofSeconds(20));
    api = "http://127.0.0.1:" + server.httpPort;
    oldHome = System.getProperty("user.home");
    System.setProperty("user.home", dir.resolve("home").toString());
  }

  @AfterAll
  static void stopServer() throws Exception {
    System.setProperty("user.home", oldHome);
    server.sigterm();
    server.awaitExit(Duration.ofSeconds(10));
    server.close();
  }

  @Test
  @Order(1)
  void bootstrapPrintsThePasswordAndATokenOnceAndRefusesASecondTime() throws Exception {
    Cli.Result first = Cli.run("bootstrap", "--api-url", api, "--output", "json");
    assertThat(first.code()).as(first.stderr()).isZero();
    JsonNode r = JSON.readTree(first.stdout());
    password = r.path("admin_password").asText();
    bootstrapToken = r.path("join_token").asText();
    assertThat(password).hasSize(20);
    assertThat(bootstrapToken).startsWith("umj1.");

    Cli.Result second = Cli.run("bootstrap", "--api-url", api);
    assertThat(second.code()).isEqualTo(1);
    assertThat(second.stderr().strip())
        .isEqualTo("error: the cluster is already bootstrapped; nothing was changed");
  }

  @Test
  @Order(2)
  void loginStoresTheSessionInAPrivateFile() throws Exception {
    Cli.Result wrong =
        Cli.withInput("wrong-password\n", "login", "--api-url", api, "--password-stdin");
    assertThat(wrong.code()).isEqualTo(1);
    assertThat(wrong.stderr()).contains("wrong username or password");

    Cli.Result ok = Cli.withInput(password + "\n", "login", "--api-url", api, "--password-stdin");
    assertThat(ok.code()).as(ok.stderr()).isZero();
    Path credentials = dir.resolve("home/.config/uptimemesh/credentials");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(credentials)).contains(api).doesNotContain(password);
  }

  @Test
  @Order(3)
  void joinRefusesAServerWhoseCaDoesNotMatchThePinBeforeSendingAnything() {
    String forged =
        bootstrapToken.substring(0, bootstrapToken.lastIndexOf('.') + 1) + "0".repeat(64);

    Cli.Result r = join(forged, "core-1");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.stderr()).contains("does not match the token's pin").contains("nothing was sent");
    assertThat(dir.resolve("ids/core-1")).doesNotExist();
    // The token was not used: the real one still works.
    assertThat(join(bootstrapToken, "core-1").code()).isZero();
  }

  @Test
  @Order(4)
  void joinWroteTheIdentityWithPrivatePermissions() throws Exception {
    Path node = dir.resolve("ids/core-1");
    assertThat(perms(node)).isEqualTo("rwx------");
    assertThat(perms(node.resolve("node.key"))).isEqualTo("rw-------");
    assertThat(Files.readString(node.resolve("node.key")))
        .startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(Files.readString(node.resolve("node.crt")))
        .startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(Files.readString(node.resolve("ca.crt"))).startsWith("-----BEGIN CERTIFICATE-----");
  }

  @Test
  @Order(5)
  void theNodeIsAliveAfterItsFirstHeartbeat() throws Exception {
    Cli.Result before = Cli.run("nodes-status", "--api-url", api, "--output", "json");
    assertThat(JSON.readTree(before.stdout()).path("nodes").get(0).path("state").asText())
        .isEqualTo("stale");

    Cli.Result hb = asCore1("heartbeat", "--status-json", "{\"wg\":\"up\"}");
    assertThat(hb.code()).as(hb.stderr()).isZero();

    Cli.Result table = Cli.run("nodes-status", "--api-url", api);
    assertThat(table.stdout())
        .contains("NODE", "MESH_IP", "STATE", "LAST_HEARTBEAT", "CERT_EXPIRES")
        .containsPattern("core-1\\s+core-1\\s+core\\s+10\\.42\\.0\\.2\\s+alive");
  }

  @Test
  @Order(6)
  void renewCertReplacesKeyAndCertificateAndHeartbeatsGoOn() throws Exception {
    Path node = dir.resolve("ids/core-1");
    String oldKey = Files.readString(node.resolve("node.key"));
    String oldCert = Files.readString(node.resolve("node.crt"));

    Cli.Result r = asCore1("renew-cert");

    assertThat(r.code()).as(r.stderr()).isZero();
    assertThat(Files.readString(node.resolve("node.key"))).isNotEqualTo(oldKey);
    assertThat(Files.readString(node.resolve("node.crt"))).isNotEqualTo(oldCert);
    assertThat(perms(node.resolve("node.key"))).isEqualTo("rw-------");
    Cli.Result hb = asCore1("heartbeat");
    assertThat(hb.code()).as(hb.stderr()).isZero();
  }

  @Test
  @Order(7)
  void tokensAreListedWithoutSecretsAndCanBeRevoked() throws Exception {
    Cli.Result created =
        Cli.run(
            "create-token",
            "--api-url",
            api,
            "--role",
            "worker",
            "--ttl",
            "2h",
            "--uses",
            "3",
            "--label",
            "zone=a");
    assertThat(created.code()).as(created.stderr()).isZero();
    String token = created.stdout().strip();
    String id = token.split("\\.")[1];
    String secret = token.split("\\.")[2];

    Cli.Result list = Cli.run("tokens", "list", "--api-url", api);
    assertThat(list.stdout()).contains(id).contains("worker").doesNotContain(secret);

    assertThat(Cli.run("tokens", "revoke", id, "--api-url", api).code()).isZero();
    Cli.Result after = join(token, "w-9");
    assertThat(after.code()).isEqualTo(1);
    assertThat(after.stderr()).contains("invalid join token");

    Cli.Result badTtl =
        Cli.run("create-token", "--api-url", api, "--role", "worker", "--ttl", "soon");
    assertThat(badTtl.code()).isEqualTo(1);
    assertThat(badTtl.stderr()).contains("--ttl soon is not a duration");
  }

  @Test
  @Order(7)
  void rotateWgKeysRaisesTheGenerationAndRefusesUnknownNodes() throws Exception {
    Cli.Result json =
        Cli.run("nodes", "rotate-wg-keys", "core-1", "--api-url", api, "--output", "json");
    assertThat(json.code()).as(json.stderr()).isZero();
    var parsed = io.uptimemesh.core.json.Json.mapper().readTree(json.stdout());
    assertThat(parsed.path("node_id").asText()).isEqualTo("core-1");
    assertThat(parsed.path("wg_key_generation").asLong()).isEqualTo(1);

    Cli.Result text = Cli.run("nodes", "rotate-wg-keys", "core-1", "--api-url", api);
    assertThat(text.code()).as(text.stderr()).isZero();
    assertThat(text.stdout()).contains("core-1").contains("generation 2");

    Cli.Result unknown = Cli.run("nodes", "rotate-wg-keys", "nobody", "--api-url", api);
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.stderr()).contains("no node nobody");
  }

  @Test
  @Order(8)
  void aRevokedNodesHeartbeatIsRefused() {
    assertThat(Cli.run("nodes", "revoke", "core-1", "--api-url", api).code()).isZero();

    Cli.Result hb = asCore1("heartbeat");

    assertThat(hb.code()).isEqualTo(1);
    assertThat(hb.stderr()).contains("(revoked)");
  }

  @Test
  @Order(9)
  void logoutEndsTheSession() {
    assertThat(Cli.run("logout", "--api-url", api).code()).isZero();
    Cli.Result r = Cli.run("tokens", "list", "--api-url", api);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.stderr()).contains("not logged in");
  }

  /** Runs a node command ({@code heartbeat}, {@code renew-cert}) as the joined node core-1. */
  private static Cli.Result asCore1(String command, String... extra) {
    java.util.List<String> args =
        new java.util.ArrayList<>(
            java.util.List.of(
                command,
                "--api-url",
                api,
                "--node-id",
                "core-1",
                "--identity-dir",
                dir.resolve("ids").toString()));
    args.addAll(java.util.List.of(extra));
    return Cli.run(args.toArray(String[]::new));
  }

  private static Cli.Result join(String token, String nodeId) {
    return Cli.run(
        "join",
        "--api-url",
        api,
        "--token",
        token,
        "--node-id",
        nodeId,
        "--name",
        nodeId,
        "--identity-dir",
        dir.resolve("ids").toString());
  }

  private static String perms(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
