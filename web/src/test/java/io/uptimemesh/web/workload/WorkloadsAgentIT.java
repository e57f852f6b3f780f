package io.uptimemesh.web.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.uptimemesh.agent.control.ApiUrls;
import io.uptimemesh.agent.control.ControlPlaneClient;
import io.uptimemesh.agent.control.ControlPlaneHealth;
import io.uptimemesh.agent.control.NodeSigner;
import io.uptimemesh.agent.identity.IdentityFiles;
import io.uptimemesh.agent.workloads.ContainerPlan;
import io.uptimemesh.agent.workloads.Workloads;
import io.uptimemesh.core.config.AgentLxdSettings;
import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.pki.Fingerprints;
import io.uptimemesh.core.pki.NodeKeys;
import io.uptimemesh.core.pki.Pem;
import io.uptimemesh.core.workload.ReplicaCommand;
import io.uptimemesh.core.workload.ReplicaRecord;
import io.uptimemesh.core.workload.ReplicaStatus;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.lxd.InstanceSummary;
import io.uptimemesh.lxd.LxdClient;
import io.uptimemesh.lxd.LxdClientOptions;
import io.uptimemesh.testkit.Await;
import io.uptimemesh.testkit.EtcdClusterExtension;
import io.uptimemesh.testkit.lxd.LxdLabExtension;
import io.uptimemesh.web.NodeCluster;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's workloads side against this server on real etcd and a real LXD (testkit's lab): a
 * replica record written as the leader writes it is run as a container and reported running with
 * its generation; a restart command is carried out once (also across an agent restart); a snapshot
 * command leaves the snapshot; the record deleted, the container goes. Durations are printed.
 */
@Timeout(300)
class WorkloadsAgentIT {
  @RegisterExtension static final EtcdClusterExtension etcd = EtcdClusterExtension.single();
  @RegisterExtension static final LxdLabExtension lxd = new LxdLabExtension();

  private static final Duration WAIT = Duration.ofSeconds(90);

  /** The agent's drift check here (60 s in production). */
  private static final Duration DRIFT_CHECK = Duration.ofSeconds(2);

  @TempDir Path dir;

  private NodeCluster c;
  private EtcdStore store;
  private LxdClient root;
  private LxdClient project;
  private String service;
  private Context context;
  private Workloads workloads;
  private ControlPlaneClient client;
  private final Map<String, Long> durations = new LinkedHashMap<>();

  @BeforeEach
  void setUp() throws Exception {
    c = new NodeCluster(etcd.endpoints(), Duration.ofSeconds(10));
    store = c.fixture.runtime.store();
    NodeCluster.Node n1 = join("n1");
    c.keepAlive(n1);
    // Service names are short and random: replica ids are container names on a shared daemon.
    service = "w" + hex(2);
    HttpResponse<Buffer> created =
        c.op(
            HttpMethod.POST,
            "/api/v1/services",
            new JsonObject()
                .put("name", service)
                .put(
                    "workload",
                    new JsonObject()
                        .put("image", lxd.lab().imageAlias())
                        .put("profiles", new JsonArray().add("default"))
                        .put("config", new JsonObject().put("environment.greeting", "hello"))
                        .put("limits", new JsonObject().put("cpu", 1).put("memory", "64MiB"))));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    root = LxdClient.create(c.fixture.vertx, LxdClientOptions.of(lxd.lab().socket()));
    project = root.inProject("wl-it-" + hex(3));
    client =
        new ControlPlaneClient(
            c.fixture.vertx.createHttpClient(),
            new ApiUrls(List.of(URI.create("http://127.0.0.1:" + c.fixture.port))),
            new ControlPlaneHealth(Clock.systemUTC()),
            new NodeSigner("n1", new IdentityFiles(dir.resolve("identities"), "n1")),
            Clock.systemUTC(),
            Duration.ofSeconds(10));
    context = c.fixture.vertx.getOrCreateContext();
    workloads = startAgent();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (workloads != null) {
      onContext(() -> workloads.stop());
    }
    for (InstanceSummary i : Await.result(project.list())) {
      if (i.isRunning()) {
        Await.result(project.stop(i.name(), Duration.ZERO, true));
      }
      Await.result(project.delete(i.name()));
    }
    Await.result(project.deleteProject());
    Await.result(root.close());
    c.close();
    StringBuilder out = new StringBuilder("workloads agent durations (ms):\n");
    durations.forEach((k, v) -> out.append(String.format("  %-50s %6d%n", k, v)));
    System.out.print(out);
  }

  /** The agent's component with a project of this test's own (another LXD client per start). */
  private Workloads startAgent() throws Exception {
    AgentLxdSettings settings =
        new AgentLxdSettings(
            true,
            lxd.lab().socket(),
            project.project(),
            Optional.empty(),
            "default",
            Duration.ofSeconds(30),
            Duration.ofSeconds(1));
    Workloads w =
        new Workloads(
            c.fixture.vertx,
            "n1",
            dir.resolve("data"),
            settings,
            client,
            Duration.ofSeconds(30),
            Optional::empty,
            Clock.systemUTC(),
            LxdClient.create(c.fixture.vertx, LxdClientOptions.of(lxd.lab().socket()))
                .inProject(project.project()),
            Duration.ofSeconds(5),
            DRIFT_CHECK);
    onContext(w::start);
    return w;
  }

  @Test
  void aReplicaRecordIsRunCommandsAreDoneOnceAndTheDeletedRecordTakesTheContainer()
      throws Exception {
    String id = service + "-" + hex(3).substring(0, 5);

    long written = System.nanoTime();
    putReplica(id, 1, null);
    ReplicaStatus running = awaitStatus(id, s -> s.running() && s.generation() == 1);
    durations.put("record written -> status running", millisSince(written));
    assertThat(running.nodeId()).isEqualTo("n1");
    assertThat(running.error()).isEmpty();
    assertThat(Await.result(project.instance(id)).config())
        .containsEntry(ContainerPlan.GENERATION_KEY, "1")
        .containsEntry("environment.greeting", "hello");
    long pidBefore = Await.result(project.state(id)).pid();

    // Restart: done once, its sequence number reported and kept on the container.
    long asked = System.nanoTime();
    putReplica(id, 1, new ReplicaCommand(1, ReplicaCommand.RESTART, "", 1, "admin"));
    ReplicaStatus restarted = awaitStatus(id, s -> s.commandSeq() == 1);
    durations.put("restart command -> command_seq reported", millisSince(asked));
    assertThat(restarted.commandError()).isEmpty();
    assertThat(restarted.running()).isTrue();
    long pidAfter = Await.result(project.state(id)).pid();
    assertThat(pidAfter).as("a new init process").isNotEqualTo(pidBefore).isPositive();
    assertThat(Await.result(project.instance(id)).config())
        .containsEntry(ContainerPlan.COMMAND_SEQ_KEY, "1");

    // The agent restarts (same data dir, same project): the restart is not repeated, and the
    // status it reports is what was stored (no "pending" on the way: the key is not rewritten).
    long statusRevision = statusEntry(id).modRevision();
    onContext(() -> workloads.stop());
    workloads = startAgent();
    await()
        .atMost(WAIT)
        .until(
            () ->
                workloads.reconciler().statuses().containsKey(id)
                    && workloads.reconciler().statuses().get(id).commandSeq() == 1
                    && workloads.reconciler().statuses().get(id).running());
    assertThat(Await.result(project.state(id)).pid()).as("not restarted again").isEqualTo(pidAfter);
    await().atMost(Duration.ofSeconds(10)).until(() -> workloads.reporter().sent() >= 1);
    Thread.sleep(500);
    assertThat(statusEntry(id).modRevision()).as("status unchanged").isEqualTo(statusRevision);

    // Snapshot with the operator's name.
    asked = System.nanoTime();
    putReplica(id, 1, new ReplicaCommand(2, ReplicaCommand.SNAPSHOT, "before-x", 2, "admin"));
    ReplicaStatus snapped =
        awaitStatus(id, s -> s.commandSeq() == 2 && s.snapshots().contains("before-x"));
    durations.put("snapshot command -> reported", millisSince(asked));
    assertThat(snapped.commandError()).isEmpty();
    assertThat(Await.result(project.snapshots(id))).contains("before-x");
    assertThat(Await.result(project.state(id)).pid()).isEqualTo(pidAfter);

    // A restore of a snapshot that does not exist: reported failed, once, and the replica runs on.
    putReplica(id, 1, new ReplicaCommand(3, ReplicaCommand.RESTORE, "nope", 3, "admin"));
    ReplicaStatus refused = awaitStatus(id, s -> s.commandSeq() == 3);
    assertThat(refused.commandError()).isNotEmpty();
    assertThat(refused.running()).isTrue();

    // Drift: a container stopped by hand runs again at the next drift check, with nothing new
    // from the control plane.
    Await.result(project.stop(id, Duration.ofSeconds(10), true));
    long stoppedByHand = System.nanoTime();
    await()
        .atMost(DRIFT_CHECK.plus(Duration.ofSeconds(10))) // well before the 30 s resync
        .pollInterval(Duration.ofMillis(100))
        .until(() -> Await.result(project.state(id)).statusCode() == 103);
    durations.put("container stopped by hand -> running again", millisSince(stoppedByHand));

    // The record deleted: the container goes.
    long deleted = System.nanoTime();
    Await.result(store.transaction().delete(store.layout().replica(id)).commit("test delete"));
    await().atMost(WAIT).until(() -> !exists(id));
    durations.put("record deleted -> container gone", millisSince(deleted));
  }

  private boolean exists(String id) {
    try {
      Await.result(project.instance(id));
      return true;
    } catch (RuntimeException e) {
      Throwable t = e;
      while (t != null) {
        if (t instanceof UptimeMeshException u && u.errorCode() == ErrorCode.NOT_FOUND) {
          return false;
        }
        t = t.getCause();
      }
      throw e;
    }
  }

  private io.uptimemesh.etcd.CacheSnapshot.Entry statusEntry(String id) {
    return c.fixture.runtime.cache().snapshot().get(store.layout().replicaStatus(id)).orElseThrow();
  }

  private ReplicaStatus awaitStatus(String id, java.util.function.Predicate<ReplicaStatus> wanted) {
    ReplicaStatus[] seen = new ReplicaStatus[1];
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              var e = c.fixture.runtime.cache().snapshot().get(store.layout().replicaStatus(id));
              if (e.isEmpty()) {
                return false;
              }
              seen[0] = store.decode(e.get(), ReplicaStatus.class).value();
              return wanted.test(seen[0]);
            });
    return seen[0];
  }

  private void putReplica(String id, long generation, ReplicaCommand command) {
    Await.result(
        store.put(
            store.layout().replica(id),
            new ReplicaRecord(
                1,
                id,
                service,
                "n1",
                generation,
                Map.of(),
                null,
                System.currentTimeMillis(),
                command)));
  }

  /** Joins like an agent and writes its identity where the agent's signer reads it. */
  private NodeCluster.Node join(String id) throws Exception {
    KeyPair key = NodeKeys.generateEd25519();
    HttpResponse<Buffer> token =
        c.op(
            HttpMethod.POST,
            "/api/v1/tokens",
            new JsonObject().put("role", "worker").put("uses", 1).put("ttl_seconds", 600));
    JsonObject joined =
        c.send(
                HttpMethod.POST,
                "/api/v1/join",
                new JsonObject()
                    .put("token", token.bodyAsJsonObject().getString("token"))
                    .put("node_id", id)
                    .put("name", id)
                    .put("csr", NodeKeys.csrPem(key, id)),
                null)
            .bodyAsJsonObject();
    String cert = joined.getString("certificate");
    new IdentityFiles(dir.resolve("identities"), id)
        .write(key.getPrivate(), cert, joined.getString("ca", cert));
    return new NodeCluster.Node(
        id, key, Fingerprints.sha256(Pem.parseCertificate(cert)), joined.getString("mesh_ip"));
  }

  private Object onContext(Callable<? extends Future<?>> call) {
    Promise<Object> p = Promise.promise();
    context.runOnContext(
        v -> {
          try {
            call.call()
                .onComplete(
                    ar -> {
                      if (ar.succeeded()) {
                        p.complete(ar.result());
                      } else {
                        p.fail(ar.cause());
                      }
                    });
          } catch (Exception e) {
            p.fail(e);
          }
        });
    return Await.result(p.future(), Duration.ofSeconds(60));
  }

  private static long millisSince(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  private static String hex(int bytes) {
    byte[] b = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
