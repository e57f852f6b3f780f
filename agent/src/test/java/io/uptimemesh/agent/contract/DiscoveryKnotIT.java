package io.uptimemesh.agent.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.uptimemesh.agent.Agent;
import io.uptimemesh.core.discovery.EndpointProbe;
import io.uptimemesh.core.discovery.HealthCheck;
import io.uptimemesh.core.pki.ClusterCa;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zone the agent writes, served by a real authoritative server (Knot DNS, as DESIGN.md §7 says)
 * that the agent's reload command tells to reload ({@code knotc zone-reload}): a healthy endpoint
 * answers in DNS, a failed one is gone from DNS within interval × threshold plus the reload. The
 * control plane is the contract server of the agent's tests (ADR 0013's routes); the end-to-end
 * test with the real server comes with it.
 */
class DiscoveryKnotIT {
  @TempDir Path dir;

  private final ClusterCa ca = ClusterCa.generate("test", Duration.ofDays(365), Instant.now());
  private Vertx serverVertx;
  private Vertx agentVertx;
  private Process knotd;
  private Path conf;

  @BeforeEach
  void setUp() {
    serverVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    agentVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
  }

  @AfterEach
  void tearDown() throws Exception {
    agentVertx.close().await(10, TimeUnit.SECONDS);
    serverVertx.close().await(10, TimeUnit.SECONDS);
    if (knotd != null) {
      new ProcessBuilder(binary("knotc"), "-c", conf.toString(), "stop")
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("knotc-stop.log").toFile())
          .start()
          .waitFor(10, TimeUnit.SECONDS);
      if (!knotd.waitFor(10, TimeUnit.SECONDS)) {
        knotd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void knotServesTheAgentsZoneAndAFailedEndpointLeavesDns() throws Exception {
    int dnsPort = TestNode.freePort();
    Path zone = dir.resolve("dns/mesh.zone");
    Files.createDirectories(zone.getParent());
    conf = dir.resolve("knot.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "server:",
            "    rundir: \"" + dir + "\"",
            "    listen: 127.0.0.1@" + dnsPort,
            "database:",
            "    storage: \"" + dir.resolve("knot-db") + "\"",
            "template:",
            "  - id: default",
            "    storage: \"" + dir + "\"",
            "    zonefile-sync: -1",
            "    zonefile-load: whole",
            "    journal-content: none",
            "zone:",
            "  - domain: mesh.local",
            "    file: \"" + zone + "\"",
            ""));
    knotd =
        new ProcessBuilder(binary("knotd"), "-c", conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("knotd.log").toFile())
            .start();

    ContractServer.Cluster cluster = new ContractServer.Cluster();
    ContractServer server = new ContractServer(serverVertx, cluster, TestNode.freePort());
    server.start();
    TestNode n1 = new TestNode(ca, dir, "n1", 1, List.of(server.url()));
    n1.env.put("RUNTIME_DISCOVERY_ENABLE", "true");
    n1.env.put("RUNTIME_DISCOVERY_ZONE_PATH", zone.toString());
    n1.env.put("RUNTIME_DISCOVERY_LISTEN", "127.0.0.1");
    n1.env.put(
        "RUNTIME_DISCOVERY_RELOAD_COMMAND",
        binary("knotc") + " -c " + conf + " zone-reload mesh.local");
    cluster.join("n1", n1.certificate, "10.200.0.1");
    ServerSocket db = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    ServerSocket web = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.2"));
    HealthCheck check = new HealthCheck("tcp", null, 250, 100, 3, 1);
    cluster.endpoint(
        "n1", new EndpointProbe("db-1", 11, "db", "127.0.0.1", db.getLocalPort(), "tcp", check));
    cluster.endpoint(
        "n1", new EndpointProbe("web-1", 12, "web", "127.0.0.2", web.getLocalPort(), "tcp", check));
    agentVertx
        .deployVerticle(new Agent(n1.settings(), new RecordingMesh(), Clock.systemUTC(), () -> "x"))
        .await(20, TimeUnit.SECONDS);

    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                dig("db.svc.mesh.local", "A").equals(List.of("127.0.0.1"))
                    && dig("web.svc.mesh.local", "A").equals(List.of("127.0.0.2")));
    assertThat(dig("_app._tcp.db.svc.mesh.local", "SRV"))
        .containsExactly("0 10 " + db.getLocalPort() + " n1.db.svc.mesh.local.");
    assertThat(dig("n1.node.mesh.local", "A")).containsExactly("10.200.0.1");

    long closed = System.nanoTime();
    db.close();
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> dig("db.svc.mesh.local", "A").isEmpty());
    Duration gone = Duration.ofNanos(System.nanoTime() - closed);
    System.out.printf(
        "closed listener gone from Knot's answers after %d ms (interval 250 ms x threshold 3)%n",
        gone.toMillis());
    // interval x threshold, one report, one stream event, one render and the reload.
    assertThat(gone).isLessThan(Duration.ofMillis(250 * 3 + 1500));
    assertThat(dig("web.svc.mesh.local", "A")).containsExactly("127.0.0.2");
    web.close();
  }

  private List<String> dig(String name, String type) throws Exception {
    Process kdig =
        new ProcessBuilder(
                binary("kdig"),
                "@127.0.0.1",
                "-p",
                portOf(conf),
                "+short",
                "+timeout=2",
                "+retry=0",
                name,
                type)
            .redirectErrorStream(true)
            .start();
    String out = new String(kdig.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(kdig.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return out.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith(";")).toList();
  }

  private static String portOf(Path conf) throws Exception {
    return Files.readString(conf).replaceAll("(?s).*listen: 127\\.0\\.0\\.1@(\\d+).*", "$1");
  }

  private static String binary(String name) {
    for (String d : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
      if (new File(d, name).canExecute()) {
        return d + "/" + name;
      }
    }
    throw new AssertionError(name + " is missing: install knot and knot-dnsutils");
  }
}
