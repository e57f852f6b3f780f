package io.uptimemesh.agent.workloads;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.core.config.AgentLxdSettings;
import io.uptimemesh.core.json.Json;
import io.uptimemesh.core.workload.ReplicaStatus;
import io.uptimemesh.core.workload.WorkloadSpec;
import io.uptimemesh.lxd.InstanceDetails;
import io.uptimemesh.lxd.InstanceSummary;
import io.uptimemesh.lxd.LxdClient;
import io.uptimemesh.lxd.LxdClientOptions;
import io.uptimemesh.testkit.lxd.LxdLabExtension;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The reconciler against a real LXD (testkit's lab, busybox image), each test in an LXD project of
 * its own. The proxy devices listen on 127.0.0.1 of the lab's network namespace (the daemon's
 * host), which stands in for the node's mesh address. Replica names and host ports are random:
 * other JVMs may share the lab, and running containers of one daemon need distinct names. The
 * duration of each reconcile pass and of its LXD actions is printed.
 */
class LxdReconcilerIT {
  @RegisterExtension static final LxdLabExtension lxd = new LxdLabExtension();

  private static final Map<String, Long> passes = new LinkedHashMap<>();
  private static final List<String> actionLog = new ArrayList<>();
  private static Vertx vertx;
  private LxdClient root;
  private LxdClient client;
  private LxdReconciler reconciler;
  private final List<ReplicaStatus> reported = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void report() throws Exception {
    StringBuilder out = new StringBuilder("LXD reconcile passes (ms):\n");
    passes.forEach((k, v) -> out.append(String.format("  %-58s %6d%n", k, v)));
    out.append("LXD actions:\n");
    actionLog.forEach(a -> out.append("  ").append(a).append('\n'));
    System.out.print(out);
    await(vertx.close());
  }

  @BeforeEach
  void projectOfItsOwn() throws Exception {
    root = LxdClient.create(vertx, LxdClientOptions.of(lxd.lab().socket()));
    String project = "agent-it-" + hex(3);
    client = root.inProject(project);
    AgentLxdSettings settings =
        new AgentLxdSettings(
            true,
            lxd.lab().socket(),
            project,
            Optional.empty(),
            "default",
            Duration.ofSeconds(30),
            Duration.ofSeconds(1));
    reconciler =
        new LxdReconciler(
            vertx,
            client,
            settings,
            "node-a",
            Clock.systemUTC(),
            Duration.ofMinutes(10),
            reported::add);
    await(reconciler.start());
  }

  @AfterEach
  void deleteProject() throws Exception {
    reconciler.stop();
    for (InstanceSummary i : await(client.list())) {
      if (i.isRunning()) {
        await(client.stop(i.name(), Duration.ZERO, true));
      }
      await(client.delete(i.name()));
    }
    await(client.deleteProject());
    await(root.close());
  }

  @Test
  void replicasAreCreatedChangedRestoredAndRemoved() throws Exception {
    String web1 = "web-" + hex(3).substring(0, 5);
    String web2 = "web-" + hex(3).substring(0, 5);
    int port1 = freePortGuess();
    int port2 = port1 + 1;
    WorkloadSpec hello = spec("busybox", "hello");
    ReplicaAssignment a1 = assignment(web1, 1, hello, port1);
    ReplicaAssignment a2 = assignment(web2, 1, hello, port2);

    Map<String, ReplicaStatus> s = pass("create two replicas", List.of(a1, a2));
    assertThat(s).containsOnlyKeys(web1, web2);
    assertThat(s.values())
        .allSatisfy(
            st -> {
              assertThat(st.state()).isEqualTo("running");
              assertThat(st.generation()).isEqualTo(1);
              assertThat(st.error()).isEmpty();
              assertThat(st.nodeId()).isEqualTo("node-a");
            });
    InstanceDetails c1 = await(client.instance(web1));
    assertThat(c1.config())
        .containsEntry("limits.memory", "64MiB")
        .containsEntry("limits.cpu", "1")
        .containsEntry("environment.greeting", "hello")
        .containsEntry(ContainerPlan.GENERATION_KEY, "1");
    assertThat(c1.devices().get("port-http"))
        .containsEntry("type", "proxy")
        .containsEntry("listen", "tcp:127.0.0.1:" + port1)
        .containsEntry("connect", "tcp:127.0.0.1:8080");
    String listening = inLab("ss", "-ltnH");
    assertThat(listening).contains("127.0.0.1:" + port1).contains("127.0.0.1:" + port2);
    // A real round trip through the proxy device into the container.
    assertThat(serveAndFetch(web1, port1)).isEqualTo("hello");
    assertThat(reported).extracting(ReplicaStatus::state).contains("pending", "creating");

    long pid1 = await(client.state(web1)).pid();
    long pid2 = await(client.state(web2)).pid();
    reported.clear();
    pass("second pass, nothing changed", List.of(a1, a2));
    assertThat(reconciler.lastActions()).allSatisfy((k, v) -> assertThat(v).as(k).isEmpty());
    assertThat(await(client.state(web1)).pid()).isEqualTo(pid1);
    assertThat(await(client.state(web2)).pid()).isEqualTo(pid2);
    assertThat(await(client.snapshots(web1))).isEmpty();
    assertThat(reported).as("no status changed").isEmpty();

    ReplicaAssignment a1v2 = a1.toGeneration(2, spec("busybox", "bonjour"));
    s = pass("generation 1 -> 2 (config change)", List.of(a1v2, a2));
    assertThat(s.get(web1).generation()).isEqualTo(2);
    assertThat(s.get(web1).state()).isEqualTo("running");
    assertThat(s.get(web1).snapshots()).containsExactly("gen-1");
    assertThat(await(client.snapshots(web1))).containsExactly("gen-1");
    assertThat(greeting(web1)).isEqualTo("bonjour");
    assertThat(reconciler.lastActions().get(web2)).as("the other replica is left alone").isEmpty();
    assertThat(await(client.state(web2)).pid()).isEqualTo(pid2);
    assertThat(serveAndFetch(web1, port1)).isEqualTo("bonjour");

    ReplicaAssignment a1back = a1v2.toGeneration(1, hello);
    s = pass("generation 2 -> 1 (restore gen-1)", List.of(a1back, a2));
    assertThat(reconciler.lastActions().get(web1))
        .extracting(ReplicaAction::what)
        .contains("snapshot gen-2", "restored gen-1");
    assertThat(s.get(web1).generation()).isEqualTo(1);
    assertThat(s.get(web1).state()).isEqualTo("running");
    assertThat(s.get(web1).snapshots()).containsExactly("gen-1", "gen-2");
    assertThat(greeting(web1)).isEqualTo("hello");
    assertThat(await(client.instance(web1)).config())
        .containsEntry(ContainerPlan.GENERATION_KEY, "1");

    pass("second pass after the restore", List.of(a1back, a2));
    assertThat(reconciler.lastActions()).allSatisfy((k, v) -> assertThat(v).as(k).isEmpty());

    s = pass("remove a replica", List.of(a1back));
    assertThat(s).containsOnlyKeys(web1);
    assertThat(reconciler.lastActions().get(web2))
        .extracting(ReplicaAction::what)
        .contains("deleted " + web2);
    assertThat(await(client.list())).extracting(InstanceSummary::name).containsExactly(web1);
    assertThat(inLab("ss", "-ltnH")).doesNotContain("127.0.0.1:" + port2);
  }

  @Test
  void aMissingImageFailsThatReplicaOnly() throws Exception {
    String bad = "bad-" + hex(3).substring(0, 5);
    String good = "good-" + hex(3).substring(0, 5);
    int port = freePortGuess();

    Map<String, ReplicaStatus> s =
        pass(
            "one replica with a missing image",
            List.of(
                assignment(bad, 1, spec("no-such-image", "x"), port),
                assignment(good, 1, spec("busybox", "x"), port + 1)));

    assertThat(s.get(bad).state()).isEqualTo("failed");
    assertThat(s.get(bad).error())
        .contains("create of container '" + bad + "'")
        .contains("no-such-image");
    assertThat(s.get(good).state()).isEqualTo("running");
    assertThat(s.get(good).error()).isEmpty();
    assertThat(await(client.list())).extracting(InstanceSummary::name).containsExactly(good);

    // The next desired state with an image that exists heals it; the other is left alone.
    s =
        pass(
            "the failed replica gets an existing image",
            List.of(
                assignment(bad, 2, spec("busybox", "x"), port),
                assignment(good, 1, spec("busybox", "x"), port + 1)));
    assertThat(s.get(bad).state()).isEqualTo("running");
    assertThat(s.get(bad).generation()).isEqualTo(2);
    assertThat(s.get(bad).error()).isEmpty();
    assertThat(reconciler.lastActions().get(good)).isEmpty();
  }

  @Test
  void changesThatArriveDuringAReconcileAreRunAfterIt() throws Exception {
    String id = "busy-" + hex(3).substring(0, 5);
    int port = freePortGuess();
    ReplicaAssignment v1 = assignment(id, 1, spec("busybox", "one"), port);
    ReplicaAssignment v2 = v1.toGeneration(2, spec("busybox", "two"));

    long t0 = System.nanoTime();
    Future<Map<String, ReplicaStatus>> first = reconciler.reconcile(List.of(v1));
    // Generation 2 arrives while generation 1 is being created: the replica is busy, so it is
    // marked dirty and reconciled again once the first run ends.
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(5))
        .until(() -> reported.stream().anyMatch(r -> r.state().equals("creating")));
    Future<Map<String, ReplicaStatus>> second = reconciler.reconcile(List.of(v2));
    await(first);
    Map<String, ReplicaStatus> s = await(second);
    passes.put("create, and generation 2 given during it", (System.nanoTime() - t0) / 1_000_000);

    assertThat(s.get(id).state()).isEqualTo("running");
    assertThat(s.get(id).generation()).isEqualTo(2);
    // It ran generation 1 first: the rerun moved it on (snapshot of generation 1).
    assertThat(s.get(id).snapshots()).containsExactly("gen-1");
    assertThat(greeting(id)).isEqualTo("two");
  }

  @Test
  void anImageChangeKeepsTheOldContainerAsFallbackAndGoesBackToIt() throws Exception {
    String alias = "busybox-it-" + hex(3);
    String fingerprint =
        lxd.lab().lxc("image", "list", "busybox", "--format", "csv", "-c", "F").strip();
    lxd.lab().lxc("image", "alias", "create", alias, fingerprint);
    try {
      String id = "img-" + hex(3).substring(0, 5);
      String fb = ContainerPlan.fallbackName(id);
      int port = freePortGuess();
      ReplicaAssignment v1 = assignment(id, 1, spec("busybox", "one"), port);
      pass("image change: generation 1", List.of(v1));
      long pid = await(client.state(id)).pid();

      // An image that does not exist fails before anything is stopped: generation 1 serves on.
      ReplicaAssignment missing = v1.toGeneration(2, spec("gone-image", "two"));
      Map<String, ReplicaStatus> s = pass("image change to a missing image", List.of(missing));
      assertThat(s.get(id).state()).isEqualTo("failed");
      assertThat(s.get(id).generation()).isEqualTo(1);
      assertThat(s.get(id).error()).contains("image alias 'gone-image'");
      assertThat(await(client.state(id)).pid()).isEqualTo(pid);
      assertThat(await(client.list())).extracting(InstanceSummary::name).containsExactly(id);

      ReplicaAssignment v2 = v1.toGeneration(3, spec(alias, "two"));
      s = pass("image change: 1 -> 3 (new image)", List.of(v2));
      assertThat(s.get(id).generation()).isEqualTo(3);
      assertThat(s.get(id).state()).isEqualTo("running");
      assertThat(greeting(id)).isEqualTo("two");
      InstanceDetails fallback = await(client.instance(fb));
      assertThat(fallback.isRunning()).isFalse();
      assertThat(fallback.config()).containsEntry(ContainerPlan.GENERATION_KEY, "1");
      assertThat(await(client.snapshots(fb))).containsExactly("gen-1");
      assertThat(await(client.instance(id)).config()).containsEntry(ContainerPlan.IMAGE_KEY, alias);

      pass("image change: second pass", List.of(v2));
      assertThat(reconciler.lastActions().get(id)).isEmpty();

      ReplicaAssignment back = v2.toGeneration(1, spec("busybox", "one"));
      s = pass("image change: 3 -> 1 (fallback put back)", List.of(back));
      assertThat(s.get(id).generation()).isEqualTo(1);
      assertThat(s.get(id).state()).isEqualTo("running");
      assertThat(greeting(id)).isEqualTo("one");
      assertThat(await(client.list())).extracting(InstanceSummary::name).containsExactly(id);
    } finally {
      lxd.lab().lxc("image", "alias", "delete", alias);
    }
  }

  @Test
  void containersThatAreNotDesiredAreDeleted() throws Exception {
    String stray = "stray-" + hex(3).substring(0, 5);
    await(client.create(io.uptimemesh.lxd.InstanceSpec.of(stray, "busybox")));
    await(client.start(stray));

    Map<String, ReplicaStatus> s = pass("a stray container in the project", List.of());

    assertThat(s).isEmpty();
    assertThat(await(client.list())).isEmpty();
  }

  private Map<String, ReplicaStatus> pass(String what, List<ReplicaAssignment> desired)
      throws Exception {
    long t0 = System.nanoTime();
    Map<String, ReplicaStatus> s = await(reconciler.reconcile(desired));
    passes.put(what, (System.nanoTime() - t0) / 1_000_000);
    reconciler
        .lastActions()
        .forEach((id, actions) -> actions.forEach(a -> actionLog.add(what + ": " + id + " " + a)));
    return s;
  }

  private static WorkloadSpec spec(String image, String greeting) throws IOException {
    return WorkloadSpec.parse(
        Json.mapper()
            .readTree(
                "{\"image\":\""
                    + image
                    + "\",\"profiles\":[\"default\"],"
                    + "\"config\":{\"environment.greeting\":\""
                    + greeting
                    + "\"},\"limits\":{\"cpu\":1,\"memory\":\"64MiB\"},"
                    + "\"ports\":[{\"name\":\"http\",\"port\":8080}]}"));
  }

  private static ReplicaAssignment assignment(
      String id, long generation, WorkloadSpec spec, int hostPort) {
    return new ReplicaAssignment(
        id, "web", generation, spec, Optional.empty(), Map.of("http", hostPort), "127.0.0.1");
  }

  private String greeting(String name) throws Exception {
    return await(client.exec(name, List.of("sh", "-c", "echo -n $greeting"))).stdout();
  }

  /** Starts busybox httpd in the container serving its greeting, fetches it through the proxy. */
  private String serveAndFetch(String name, int hostPort) throws Exception {
    var r =
        await(
            client.exec(
                name,
                List.of(
                    "sh",
                    "-c",
                    "mkdir -p /tmp/www && echo -n $greeting > /tmp/www/index.html"
                        + " && httpd -p 127.0.0.1:8080 -h /tmp/www")));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String last = "";
    while (System.nanoTime() < deadline) {
      last = inLabMaybe("curl", "-sS", "-m", "2", "http://127.0.0.1:" + hostPort + "/");
      if (!last.startsWith("!")) {
        return last;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no answer through the proxy on port " + hostPort + ": " + last);
  }

  private String inLab(String... command) throws Exception {
    String out = inLabMaybe(command);
    assertThat(out).as(String.join(" ", command)).doesNotStartWith("!");
    return out;
  }

  /**
   * Runs a command in the lab's network namespace; its output, or "!" and the output on failure.
   */
  private String inLabMaybe(String... command) throws Exception {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", lxd.lab().namespace()));
    full.addAll(List.of(command));
    Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
    if (!p.waitFor(15, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return "!timed out";
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return p.exitValue() == 0 ? out : "!" + p.exitValue() + " " + out;
  }

  private static int freePortGuess() {
    return 20000 + ThreadLocalRandom.current().nextInt(20000);
  }

  private static String hex(int bytes) {
    byte[] b = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }
}
