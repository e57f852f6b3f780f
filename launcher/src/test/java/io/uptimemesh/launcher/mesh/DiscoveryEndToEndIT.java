package io.uptimemesh.launcher.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.core.discovery.ZoneSerial;
import io.uptimemesh.testkit.DnsQuery;
import io.uptimemesh.testkit.KnotServer;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.xbill.DNS.Type;

/**
 * Issue 6's end-to-end test (ADR 0013): a real authoritative DNS server serves the zone a real
 * agent renders, and endpoint and node failures withdraw records within the bounds the ADR
 * promises.
 *
 * <p>Three nodes in network namespaces with their agents (see {@link MeshLab}); the core server in
 * the router namespace. Node A ({@code n1}) has discovery enabled: its agent writes {@code
 * mesh.zone} into the lab directory and runs {@link KnotServer#reloadCommand()}; knotd runs on a
 * free port of 127.0.0.1 in the test's own namespace (the file and knotc's control socket are
 * paths, reachable from A's namespace), so the test asks it with dnsjava ({@link DnsQuery}) every
 * 50 ms. Service {@code web} has a tcp-checked endpoint on B ({@code n2}, socat) and an
 * http-checked one on C ({@code n3}, a JDK HTTP server), both on the node's mesh address, port
 * 8080, created with the CLI.
 *
 * <p>Measured and logged as {@code DISCOVERY <what> <ms> ms} lines: B's listener killed → its
 * address withdrawn (bound: interval × failure threshold + slack) and back after a restart; C's
 * agent SIGKILLed → C's node and endpoint records withdrawn (bound: lease TTL + 1 s) and back after
 * the agent is started again.
 *
 * <p>Short timings: heartbeat every 1 s, lease TTL 5 s (server and agents); checks every 500 ms,
 * failure threshold 2.
 */
@Timeout(900)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DiscoveryEndToEndIT {
  private static final String DOMAIN = "mesh.local";
  private static final int HEARTBEAT_INTERVAL_SECONDS = 1;
  private static final int HEARTBEAT_TTL_SECONDS = 5;
  private static final int PORT = 8080;
  private static final long CHECK_INTERVAL_MS = 500;
  private static final int FAILURE_THRESHOLD = 2;

  /**
   * What the ADR adds to the detection time: one report, one etcd write, one stream event, one
   * render and the reload; plus our 50 ms poll.
   */
  private static final long SLACK_MS = 1_500;

  private static final Duration POLL = Duration.ofMillis(50);

  /** Set once the zone with both endpoints was served; the failure tests need it. */
  private static boolean served;

  private static MeshLab lab;
  private static MeshCore core;
  private static KnotServer knot;
  private static DnsQuery dns;
  private static final List<MeshAgent> agents = new ArrayList<>();
  private static final Map<String, String> meshIp = new HashMap<>();
  private static LabListener tcpOnB;
  private static LabListener httpOnC;
  private static final List<Long> serials = new ArrayList<>();

  @BeforeAll
  static void startLab() throws Exception {
    lab = MeshLab.create(3, Path.of("target"));
    try {
      core = new MeshCore(lab);
      core.extraEnv.put(
          "RUNTIME_HEARTBEAT_INTERVAL_SECONDS", Integer.toString(HEARTBEAT_INTERVAL_SECONDS));
      core.extraEnv.put("RUNTIME_HEARTBEAT_TTL_SECONDS", Integer.toString(HEARTBEAT_TTL_SECONDS));
      core.start();
      core.bootstrapAndLogin();
      String token = core.workerToken(lab.nodes.size());
      for (MeshLab.Node n : lab.nodes) {
        core.join(n, token);
      }
      core.json(lab.router, "nodes-status", "--api-url", MeshCore.apiUrl(), "--output", "json")
          .path("nodes")
          .forEach(n -> meshIp.put(n.path("node_id").asText(), n.path("mesh_ip").asText()));

      // The DNS server is up before A's agent writes its first zone, as on a real node.
      Path zoneDir = lab.dir.resolve("dns");
      Files.createDirectories(zoneDir);
      knot = KnotServer.onLoopback(DOMAIN, zoneDir.resolve("mesh.zone"));
      dns = DnsQuery.of(knot);

      for (MeshLab.Node n : lab.nodes) {
        assertThat(meshIp.get(n.id())).as("mesh address of %s", n.id()).isNotBlank();
        MeshAgent agent = new MeshAgent(lab, core, n);
        agent.env.put(
            "RUNTIME_HEARTBEAT_INTERVAL_SECONDS", Integer.toString(HEARTBEAT_INTERVAL_SECONDS));
        agent.env.put("RUNTIME_HEARTBEAT_TTL_SECONDS", Integer.toString(HEARTBEAT_TTL_SECONDS));
        if (n.index() == 1) {
          agent.env.put("RUNTIME_DISCOVERY_ENABLE", "true");
          agent.env.put("RUNTIME_DISCOVERY_ZONE_PATH", knot.zoneFile().toString());
          agent.env.put("RUNTIME_DISCOVERY_RELOAD_COMMAND", knot.reloadCommand());
          agent.env.put("RUNTIME_DISCOVERY_DOMAIN", DOMAIN);
        }
        agents.add(agent.start());
      }
      System.out.println(
          "discovery lab "
              + lab.dir
              + " (agent, server and listener logs there); mesh "
              + meshIp
              + "; knot on 127.0.0.1:"
              + knot.port()
              + ", reload command: "
              + knot.reloadCommand());
    } catch (Exception | Error e) {
      stopLab();
      throw e;
    }
  }

  @AfterAll
  static void stopLab() {
    for (LabListener l : new LabListener[] {tcpOnB, httpOnC}) {
      if (l != null) {
        l.close();
      }
    }
    for (MeshAgent a : agents) {
      a.close();
    }
    if (core != null) {
      core.close();
    }
    if (knot != null) {
      System.out.println("--- knotd log\n" + knot.log());
      knot.stop();
    }
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  @Order(1)
  void theListenersAnswerOverTheMesh() throws Exception {
    // The listeners bind the mesh addresses, which exist once the agents configured WireGuard.
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .failFast("an agent exited", () -> agents.stream().anyMatch(a -> !a.isAlive()))
        .until(
            () ->
                lab.ping(node("A").namespace(), meshIp.get(node("B").id()))
                    && lab.ping(node("A").namespace(), meshIp.get(node("C").id())));
    tcpOnB = LabListener.tcp(lab, node("B"), meshIp.get(node("B").id()), PORT).start();
    httpOnC = LabListener.http(lab, node("C"), meshIp.get(node("C").id()), PORT).start();
    assertThat(tcpOnB.answers(node("A").namespace())).as("B's tcp listener from A").isTrue();
    assertThat(httpOnC.answers(node("A").namespace())).as("C's http listener from A").isTrue();
  }

  @Test
  @Order(2)
  void theZoneAgentAWritesIsServedWithEveryNodeAndBothEndpoints() {
    // Nodes are published while alive, whether or not they host anything.
    long nodesAt = System.nanoTime();
    awaitDns(
        "every node published",
        Duration.ofSeconds(60),
        () ->
            lab.nodes.stream()
                .allMatch(n -> a(n.id() + ".node." + DOMAIN).equals(List.of(meshIp.get(n.id())))));
    System.out.println(
        "DISCOVERY waited-for-every-node-published "
            + (System.nanoTime() - nodesAt) / 1_000_000
            + " ms");

    createService("web");
    createEndpoint("B", HealthCheckFlags.TCP, tcpOnB);
    createEndpoint("C", HealthCheckFlags.HTTP, httpOnC);

    String b = meshIp.get(node("B").id());
    String c = meshIp.get(node("C").id());
    long created = System.nanoTime(); // after the last create returned
    awaitDns(
        "web.svc with both endpoints",
        Duration.ofSeconds(30),
        () -> a("web.svc." + DOMAIN).equals(sorted(b, c)));
    System.out.println(
        "DISCOVERY endpoints-created→served " + (System.nanoTime() - created) / 1_000_000 + " ms");

    assertThat(a(node("B").id() + ".node." + DOMAIN)).containsExactly(b);
    assertThat(dns.srv("_http._tcp.web.svc." + DOMAIN))
        .containsExactly(
            new DnsQuery.Srv(0, 10, PORT, node("B").id() + ".web.svc." + DOMAIN + "."),
            new DnsQuery.Srv(0, 10, PORT, node("C").id() + ".web.svc." + DOMAIN + "."));
    assertThat(a(node("C").id() + ".web.svc." + DOMAIN)).containsExactly(c);
    recordSerial();
    served = true;

    MeshLab.Result status =
        core.cli(
            lab.router,
            null,
            "discovery",
            "status",
            "--api-url",
            MeshCore.apiUrl(),
            "--output",
            "json");
    assertThat(status.code()).as("uptimemesh discovery status: %s", status.stderr()).isZero();
    System.out.println("uptimemesh discovery status: " + status.stdout().strip());
    System.out.println(
        "agent A status (discovery part): "
            + agents.get(0).status().map(s -> s.path("discovery").toString()).orElse("(none)"));
  }

  @Test
  @Order(3)
  void aFailedEndpointIsWithdrawnWithinIntervalTimesThresholdAndReturnsWhenItRecovers() {
    assertThat(served).as("the zone with both endpoints was served (previous test)").isTrue();
    String b = meshIp.get(node("B").id());
    String c = meshIp.get(node("C").id());
    long limit = CHECK_INTERVAL_MS * FAILURE_THRESHOLD + SLACK_MS;

    long killedAt = System.nanoTime();
    tcpOnB.kill();
    long withdrawn =
        measure(
            "endpoint-failure→withdrawn",
            killedAt,
            Duration.ofSeconds(30),
            () -> a("web.svc." + DOMAIN).equals(List.of(c)));
    assertThat(withdrawn)
        .as("B's endpoint withdrawn within interval × threshold + %d ms", SLACK_MS)
        .isLessThanOrEqualTo(limit);
    // Only the endpoint: node B itself is alive and stays published.
    assertThat(a(node("B").id() + ".node." + DOMAIN)).containsExactly(b);
    assertThat(dns.srv("_http._tcp.web.svc." + DOMAIN))
        .extracting(DnsQuery.Srv::target)
        .containsExactly(node("C").id() + ".web.svc." + DOMAIN + ".");
    assertThat(rcode(node("B").id() + ".web.svc." + DOMAIN)).isEqualTo("NXDOMAIN");
    recordSerial();

    long restartedAt = System.nanoTime();
    startQuietly(tcpOnB);
    long back =
        measure(
            "endpoint-recovery→published",
            restartedAt,
            Duration.ofSeconds(30),
            () -> a("web.svc." + DOMAIN).equals(sorted(b, c)));
    assertThat(back)
        .as("B's endpoint back within one interval (success threshold 1) + %d ms", SLACK_MS)
        .isLessThanOrEqualTo(CHECK_INTERVAL_MS + SLACK_MS);
    recordSerial();
  }

  @Test
  @Order(4)
  void aKilledAgentsNodeAndEndpointsAreWithdrawnWithinTheLeaseTtlAndReturnWithIt()
      throws Exception {
    assertThat(served).as("the zone with both endpoints was served (previous test)").isTrue();
    MeshAgent agentC = agents.get(2);
    String b = meshIp.get(node("B").id());
    String c = meshIp.get(node("C").id());
    String cNode = node("C").id() + ".node." + DOMAIN;
    // DESIGN §9: node death → its DNS records gone ≤ lease TTL + 1 s. Measured from the kill, which
    // is at most a heartbeat interval after the lease's last renewal, so it is a strict bound.
    long limit = HEARTBEAT_TTL_SECONDS * 1_000L + 1_000;

    long killedAt = System.nanoTime();
    agentC.kill();
    long withdrawn =
        measure(
            "node-failure→withdrawn",
            killedAt,
            Duration.ofSeconds(60),
            () -> a(cNode).isEmpty() && a("web.svc." + DOMAIN).equals(List.of(b)));
    assertThat(withdrawn)
        .as("C's records withdrawn within TTL %d s + 1 s", HEARTBEAT_TTL_SECONDS)
        .isLessThanOrEqualTo(limit);
    assertThat(rcode(cNode)).isEqualTo("NXDOMAIN");
    assertThat(rcode(node("C").id() + ".web.svc." + DOMAIN)).isEqualTo("NXDOMAIN");
    assertThat(dns.srv("_http._tcp.web.svc." + DOMAIN))
        .extracting(DnsQuery.Srv::target)
        .containsExactly(node("B").id() + ".web.svc." + DOMAIN + ".");
    // The listener on C never stopped: only the node's liveness withdrew the endpoint.
    assertThat(httpOnC.answers(node("C").namespace())).isTrue();
    recordSerial();
    // The control plane no longer counts C alive (with the real server this is why the records
    // went; the stand-in only watched the process), so the restart below must really come back.
    await()
        .atMost(Duration.ofSeconds(HEARTBEAT_TTL_SECONDS + 30))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> !"alive".equals(nodeState(node("C").id())));

    long restartedAt = System.nanoTime();
    agentC.start();
    long back =
        measure(
            "node-recovery→published",
            restartedAt,
            Duration.ofSeconds(90),
            () -> a(cNode).equals(List.of(c)) && a("web.svc." + DOMAIN).equals(sorted(b, c)));
    assertThat(back).isLessThanOrEqualTo(Duration.ofSeconds(90).toMillis());
    assertThat(a(node("C").id() + ".web.svc." + DOMAIN)).containsExactly(c);
    recordSerial();
    // The control plane agrees: the restarted agent's heartbeats made C alive again (the stand-in
    // only watches the process, so this is what checks a restart after SIGKILL there).
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1))
        .failFast("C's agent exited again", () -> !agentC.isAlive())
        .until(() -> "alive".equals(nodeState(node("C").id())));
  }

  @Test
  @Order(5)
  void everyChangeWasPublishedUnderAHigherSerial() {
    assertThat(serials).hasSizeGreaterThanOrEqualTo(5);
    for (int i = 1; i < serials.size(); i++) {
      assertThat(ZoneSerial.isAfter(serials.get(i), serials.get(i - 1)))
          .as("serial %d after %d (all: %s)", serials.get(i), serials.get(i - 1), serials)
          .isTrue();
    }
  }

  /** How the two endpoints are checked (flags of {@code uptimemesh endpoints create}). */
  private enum HealthCheckFlags {
    TCP,
    HTTP
  }

  private static void createService(String name) {
    core.json(
        lab.router, "services", "create", name, "--api-url", MeshCore.apiUrl(), "--output", "json");
  }

  /**
   * {@code uptimemesh endpoints create} for service web on the node, on its mesh address. The flags
   * are the ones issue 6's brief names; the path of the http check is the default ("/").
   */
  private static void createEndpoint(String letter, HealthCheckFlags check, LabListener listener) {
    MeshLab.Node n = node(letter);
    JsonNode created =
        core.json(
            lab.router,
            "endpoints",
            "create",
            "--service",
            "web",
            "--node",
            n.id(),
            "--address",
            meshIp.get(n.id()),
            "--port",
            Integer.toString(PORT),
            "--port-name",
            "http",
            "--check",
            check == HealthCheckFlags.TCP ? "tcp" : "http",
            "--interval-ms",
            Long.toString(CHECK_INTERVAL_MS),
            "--failure-threshold",
            Integer.toString(FAILURE_THRESHOLD),
            "--api-url",
            MeshCore.apiUrl(),
            "--output",
            "json");
    System.out.println("endpoint on " + n.id() + ": " + created);
  }

  /** The node's state as {@code uptimemesh nodes-status} gives it. */
  private static String nodeState(String id) {
    for (JsonNode n :
        core.json(lab.router, "nodes-status", "--api-url", MeshCore.apiUrl(), "--output", "json")
            .path("nodes")) {
      if (id.equals(n.path("node_id").asText())) {
        return n.path("state").asText();
      }
    }
    return "(unknown)";
  }

  /** A is n1, B n2, C n3. */
  private static MeshLab.Node node(String letter) {
    return lab.node(letter.charAt(0) - 'A' + 1);
  }

  /** A records of a name as knot serves them; a DNS timeout counts as "not there yet". */
  private static List<String> a(String name) {
    try {
      return dns.a(name);
    } catch (UncheckedIOException e) {
      return List.of("(no answer: " + e.getMessage() + ")");
    }
  }

  private static String rcode(String name) {
    return dns.lookup(name, Type.A).rcode();
  }

  private static List<String> sorted(String... addresses) {
    return java.util.Arrays.stream(addresses).sorted().toList();
  }

  /** Notes the serial served now (the zone has just settled after a change). */
  private static void recordSerial() {
    serials.add(dns.soaSerial(DOMAIN).orElseThrow(() -> new AssertionError("no SOA served")));
  }

  /**
   * Polls DNS every 50 ms until {@code done} holds; prints {@code DISCOVERY <label> <ms> ms} and
   * returns the milliseconds since {@code sinceNanos}.
   */
  private static long measure(
      String label, long sinceNanos, Duration atMost, BooleanSupplier done) {
    awaitDns(label, atMost, done);
    long ms = (System.nanoTime() - sinceNanos) / 1_000_000;
    System.out.println("DISCOVERY " + label + " " + ms + " ms");
    return ms;
  }

  /** Polls every 50 ms; on timeout fails with the zone file, knotd's log and the agents' logs. */
  private static void awaitDns(String what, Duration atMost, BooleanSupplier done) {
    try {
      await(what)
          .atMost(atMost)
          .pollDelay(Duration.ZERO)
          .pollInterval(POLL)
          .failFast("knotd exited", () -> !knot.isAlive())
          .failFast("agent A exited", () -> !agents.get(0).isAlive())
          .until(done::getAsBoolean);
    } catch (ConditionTimeoutException | TerminalFailureException e) {
      throw new AssertionError(what + ": " + e.getMessage() + "\n" + diagnostics(), e);
    }
  }

  private static void startQuietly(LabListener listener) {
    try {
      listener.start();
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What helps when DNS does not show what we wait for: the zone file, knot and agent A. */
  private static String diagnostics() {
    StringBuilder b = new StringBuilder("--- zone file ").append(knot.zoneFile()).append('\n');
    try {
      b.append(
          Files.exists(knot.zoneFile()) ? Files.readString(knot.zoneFile()) : "(not written)\n");
    } catch (java.io.IOException e) {
      b.append("(unreadable: ").append(e.getMessage()).append(")\n");
    }
    b.append("--- knot serves serial ").append(knot.servedSerial()).append('\n');
    String log = knot.log();
    b.append("--- knotd log (last lines)\n")
        .append(log.substring(Math.max(0, log.length() - 2000)));
    for (MeshAgent a : agents) {
      String out = a.output();
      b.append("\n--- agent ")
          .append(a.node.id())
          .append(" (last lines)\n")
          .append(out.substring(Math.max(0, out.length() - 3000)));
    }
    return b.toString();
  }
}
