package io.uptimemesh.lxd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.testkit.lxd.LxdLabExtension;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The client against a real LXD daemon (the testkit's lab: its own network and mount namespaces, a
 * busybox image built locally). Each test works in an LXD project of its own, deleted after it. The
 * durations of the operations are printed.
 */
class LxdClientIT {
  @RegisterExtension static final LxdLabExtension lxd = new LxdLabExtension();

  private static final Map<String, Long> timings = new LinkedHashMap<>();
  private static Vertx vertx;
  private LxdClient root;
  private LxdClient client;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
    System.out.println("LXD lab ready in " + lxd.lab().startMillis() + " ms");
  }

  @AfterAll
  static void stopVertx() throws Exception {
    StringBuilder report = new StringBuilder("LXD client operation durations (ms):\n");
    timings.forEach((k, v) -> report.append(String.format("  %-34s %6d%n", k, v)));
    System.out.print(report);
    await(vertx.close());
  }

  @BeforeEach
  void projectOfItsOwn() throws Exception {
    root = LxdClient.create(vertx, LxdClientOptions.of(lxd.lab().socket()));
    String project = "it-" + Long.toHexString(System.nanoTime() & 0xffffffL);
    client = root.inProject(project);
    await(client.ensureProject());
  }

  @AfterEach
  void deleteProject() throws Exception {
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
  void aContainerGoesThroughItsWholeLife() throws Exception {
    assertThat(await(root.serverVersion())).startsWith("5.");
    String name = "web-1";
    InstanceSpec spec =
        InstanceSpec.of(name, lxd.lab().imageAlias())
            .withProfiles(List.of("default"))
            .withConfig(Map.of("limits.memory", "64MB", "environment.GREETING", "hello"))
            .withDevices(
                Map.of(
                    "scratch",
                    Map.of(
                        "type",
                        "disk",
                        "source",
                        "/tmp",
                        "path",
                        "/mnt/host-tmp",
                        "readonly",
                        "true")));

    timed("create", () -> client.create(spec));
    assertThat(await(client.list()))
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.name()).isEqualTo(name);
              assertThat(i.status()).isEqualTo("Stopped");
              assertThat(i.profiles()).containsExactly("default");
              assertThat(i.config()).containsEntry("limits.memory", "64MB");
            });
    assertThat(await(root.list())).noneMatch(i -> i.name().equals(name)); // other project

    timed("start", () -> client.start(name));
    InstanceState state = timed("state", () -> client.state(name));
    assertThat(state.isRunning()).isTrue();
    assertThat(state.pid()).isPositive();
    InstanceAddress address = awaitAddress(name);
    // Read once the container has run a while: right after the start LXD once reported 0 bytes.
    assertThat(await(client.state(name)).memoryUsageBytes()).isPositive();
    assertThat(address.address()).startsWith("10.77.74.");
    assertThat(address.prefixLength()).isEqualTo(24);

    ExecResult env =
        timed("exec (echo)", () -> client.exec(name, List.of("sh", "-c", "echo $GREETING")));
    assertThat(env.exitCode()).isZero();
    assertThat(env.stdout()).isEqualTo("hello\n");
    ExecResult failing =
        timed(
            "exec (failing)",
            () -> client.exec(name, List.of("sh", "-c", "echo oops >&2; exit 3")));
    assertThat(failing.exitCode()).isEqualTo(3);
    assertThat(failing.stderr()).isEqualTo("oops\n");
    assertThat(failing.stdout()).isEmpty();
    assertThat(await(client.exec(name, List.of("ls", "/mnt/host-tmp"))).exitCode()).isZero();

    await(client.exec(name, List.of("sh", "-c", "echo v1 > /root/version")));
    timed("snapshot", () -> client.snapshot(name, "before-v2"));
    assertThat(await(client.snapshots(name))).containsExactly("before-v2");
    await(client.exec(name, List.of("sh", "-c", "echo v2 > /root/version")));
    assertThat(await(client.exec(name, List.of("cat", "/root/version"))).stdout())
        .isEqualTo("v2\n");

    timed("restore (running)", () -> client.restore(name, "before-v2"));
    assertThat(await(client.state(name)).isRunning()).isTrue();
    assertThat(await(client.exec(name, List.of("cat", "/root/version"))).stdout())
        .isEqualTo("v1\n");

    long pidBefore = await(client.state(name)).pid();
    timed("restart (clean, 10 s)", () -> client.restart(name, Duration.ofSeconds(10), false));
    InstanceState restarted = await(client.state(name));
    assertThat(restarted.isRunning()).isTrue();
    assertThat(restarted.pid()).isNotEqualTo(pidBefore);

    timed("stop (clean, 10 s)", () -> client.stop(name, Duration.ofSeconds(10), false));
    assertThat(await(client.state(name)).status()).isEqualTo("Stopped");
    timed("start again", () -> client.start(name));
    timed("stop (force)", () -> client.stop(name, Duration.ZERO, true));
    timed("delete snapshot", () -> client.deleteSnapshot(name, "before-v2"));
    assertThat(await(client.snapshots(name))).isEmpty();
    timed("delete", () -> client.delete(name));
    assertThat(await(client.list())).isEmpty();
  }

  @Test
  void missingThingsAreNotFoundAndNameTheContainer() throws Exception {
    assertThatThrownBy(() -> await(client.state("ghost")))
        .satisfies(e -> assertCode(e, ErrorCode.NOT_FOUND))
        .hasMessageContaining("'ghost'")
        .hasMessageContaining("state query")
        .hasMessageContaining(client.project());
    assertThatThrownBy(() -> await(client.start("ghost")))
        .satisfies(e -> assertCode(e, ErrorCode.NOT_FOUND))
        .hasMessageContaining("start of container 'ghost'");
    assertThatThrownBy(() -> await(client.delete("ghost")))
        .satisfies(e -> assertCode(e, ErrorCode.NOT_FOUND));
    assertThatThrownBy(() -> await(client.create(InstanceSpec.of("orphan", "no-such-image"))))
        .satisfies(e -> assertCode(e, ErrorCode.NOT_FOUND))
        .hasMessageContaining("'orphan'")
        .hasMessageContaining("no-such-image");
    assertThat(await(client.list())).isEmpty();
  }

  @Test
  void wrongStatesAndDuplicatesAreConflicts() throws Exception {
    await(client.create(InstanceSpec.of("dup", lxd.lab().imageAlias())));
    assertThatThrownBy(() -> await(client.create(InstanceSpec.of("dup", lxd.lab().imageAlias()))))
        .satisfies(e -> assertCode(e, ErrorCode.CONFLICT))
        .hasMessageContaining("'dup'");
    assertThatThrownBy(() -> await(client.stop("dup", Duration.ZERO, true)))
        .satisfies(e -> assertCode(e, ErrorCode.CONFLICT));
    await(client.start("dup"));
    assertThatThrownBy(() -> await(client.start("dup")))
        .satisfies(e -> assertCode(e, ErrorCode.CONFLICT));
    assertThatThrownBy(() -> await(client.delete("dup")))
        .satisfies(e -> assertCode(e, ErrorCode.CONFLICT))
        .hasMessageContaining("delete of container 'dup'");
    assertThatThrownBy(() -> await(client.restore("dup", "never-taken")))
        .satisfies(e -> assertCode(e, ErrorCode.NOT_FOUND));
    // The same name in another project is another container.
    LxdClient other = root.inProject(client.project() + "-b");
    await(other.ensureProject());
    try {
      await(other.create(InstanceSpec.of("dup", lxd.lab().imageAlias())));
      assertThat(await(other.list())).extracting(InstanceSummary::name).containsExactly("dup");
      // But not on the same bridge: LXD gives each container a DNS name on its network, so the
      // second one cannot start while the first runs (projects sharing a daemon need distinct
      // container names, or networks of their own).
      assertThatThrownBy(() -> await(other.start("dup")))
          .satisfies(e -> assertCode(e, ErrorCode.CONFLICT))
          .hasMessageContaining("already used on network");
    } finally {
      for (InstanceSummary i : await(other.list())) {
        await(other.stop(i.name(), Duration.ZERO, true).recover(e -> Future.succeededFuture()));
        await(other.delete(i.name()));
      }
      await(other.deleteProject());
    }
  }

  @Test
  void anOperationPastItsDeadlineFailsAsUnavailable() throws Exception {
    await(client.create(InstanceSpec.of("slow", lxd.lab().imageAlias())));
    await(client.start("slow"));
    long t0 = System.nanoTime();
    assertThatThrownBy(
            () ->
                await(client.exec("slow", List.of("sleep", "4"), Map.of(), Duration.ofSeconds(1))))
        .satisfies(e -> assertCode(e, ErrorCode.UNAVAILABLE))
        .hasMessageContaining("did not finish within 1000 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
  }

  @Test
  void badNamesAreRefusedBeforeAnyRequestAndAMissingSocketIsUnavailable() throws Exception {
    assertThatThrownBy(() -> InstanceSpec.of("bad_name", "busybox"))
        .satisfies(e -> assertCode(e, ErrorCode.INVALID_REQUEST))
        .hasMessageContaining("bad_name");
    assertThatThrownBy(() -> await(client.start("../1.0")))
        .satisfies(e -> assertCode(e, ErrorCode.INVALID_REQUEST));
    LxdClient nowhere =
        LxdClient.create(vertx, LxdClientOptions.of(Path.of("/tmp/no-lxd-here/unix.socket")));
    try {
      assertThatThrownBy(() -> await(nowhere.state("web-1")))
          .satisfies(e -> assertCode(e, ErrorCode.UNAVAILABLE))
          .hasMessageContaining("/tmp/no-lxd-here/unix.socket");
    } finally {
      await(nowhere.close());
    }
  }

  private InstanceAddress awaitAddress(String name) throws Exception {
    long t0 = System.nanoTime();
    long deadline = t0 + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      var found = await(client.state(name)).globalIpv4();
      if (found.isPresent()) {
        timings.put("DHCP address after start", (System.nanoTime() - t0) / 1_000_000);
        return found.get();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no IPv4 address on " + name + " within 15 s");
  }

  private static <T> T timed(String what, Supplier<Future<T>> call) throws Exception {
    long t0 = System.nanoTime();
    T result = await(call.get());
    timings.put(what, (System.nanoTime() - t0) / 1_000_000);
    return result;
  }

  private static void assertCode(Throwable e, ErrorCode code) {
    assertThat(e).isInstanceOf(UptimeMeshException.class);
    assertThat(((UptimeMeshException) e).errorCode()).as(e.getMessage()).isEqualTo(code);
  }

  /** Waits for a future, unwrapping its failure so assertions see the UptimeMeshException. */
  private static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    } catch (TimeoutException e) {
      throw new AssertionError("an LXD call did not complete within 30 s", e);
    }
  }
}
