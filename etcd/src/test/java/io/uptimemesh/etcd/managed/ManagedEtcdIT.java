package io.uptimemesh.etcd.managed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.uptimemesh.core.config.ManagedEtcdConfig;
import io.uptimemesh.core.etcd.EtcdMemberSpec;
import io.uptimemesh.testkit.Await;
import io.uptimemesh.testkit.FreePorts;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(90)
class ManagedEtcdIT {
  @TempDir Path dir;

  private Vertx vertx;
  private int clientPort;
  private int peerPort;
  private final List<ManagedEtcd> started = new ArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    int[] ports = FreePorts.allocate(2);
    clientPort = ports[0];
    peerPort = ports[1];
  }

  @AfterEach
  void tearDown() {
    for (ManagedEtcd m : started) {
      Await.result(m.stop(), Duration.ofSeconds(15));
    }
    Await.result(vertx.close());
  }

  @Test
  void startsHealthyAndStopLeavesNoProcess() {
    ManagedEtcd etcd = managed(3);
    Await.result(etcd.start(), Duration.ofSeconds(30));

    long pid = etcd.pid().orElseThrow();
    assertThat(etcd.state()).isEqualTo(ManagedEtcd.State.RUNNING);
    assertThat(ProcessHandle.of(pid)).isPresent();
    assertThat(dir.resolve("etcd.pid")).exists();

    Await.result(etcd.stop(), Duration.ofSeconds(15));

    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(dir.resolve("etcd.pid")).doesNotExist();
  }

  @Test
  void restartsAfterAKillWithANewPid() {
    ManagedEtcd etcd = managed(3);
    Await.result(etcd.start(), Duration.ofSeconds(30));
    long first = etcd.pid().orElseThrow();

    ProcessHandle.of(first).orElseThrow().destroyForcibly();

    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                etcd.state() == ManagedEtcd.State.RUNNING
                    && etcd.pid().isPresent()
                    && etcd.pid().getAsLong() != first);
    assertThat(etcd.restarts()).isEqualTo(1);
    assertThat(etcd.gaveUp().isComplete()).isFalse();
  }

  @Test
  void givesUpWhenTheCrashBudgetIsSpentEvenAfterAGoodRestart() {
    ManagedEtcd etcd = managed(1);
    Await.result(etcd.start(), Duration.ofSeconds(30));

    ProcessHandle.of(etcd.pid().orElseThrow()).orElseThrow().destroyForcibly();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> etcd.state() == ManagedEtcd.State.RUNNING && etcd.restarts() == 1);
    // The restart was good; the budget is not reset by it.
    ProcessHandle.of(etcd.pid().orElseThrow()).orElseThrow().destroyForcibly();

    String reason = Await.result(etcd.gaveUp(), Duration.ofSeconds(15));
    assertThat(reason).contains("crashed 2 times").contains("crash budget 1");
    assertThat(etcd.state()).isEqualTo(ManagedEtcd.State.FAILED);
    assertThat(etcd.pid()).isEmpty();
  }

  @Test
  void aBusyPortFailsTheStartWithEtcdsOwnWords() throws IOException {
    try (ServerSocket busy = new ServerSocket(clientPort, 1, InetAddress.getLoopbackAddress())) {
      ManagedEtcd etcd = managed(3);

      Throwable failure = Await.failure(etcd.start(), Duration.ofSeconds(30));

      assertThat(failure.getMessage())
          .contains("did not become healthy")
          .contains("last output:")
          .containsIgnoringCase("address already in use");
      assertThat(etcd.pid()).isEmpty();
    }
  }

  @Test
  void terminatesAnEtcdLeftRunningByAPreviousServer() {
    // The previous server gets a Vert.x of its own, closed below as if the JVM had been
    // SIGKILLed: its etcd keeps running and nobody supervises it any more.
    Vertx previousVertx = Vertx.vertx();
    ManagedEtcd previous = managed(previousVertx, 3);
    Await.result(previous.start(), Duration.ofSeconds(30));
    long orphan = previous.pid().orElseThrow();
    started.remove(previous);
    Await.result(previousVertx.close());

    ManagedEtcd next = managed(3);
    Await.result(next.start(), Duration.ofSeconds(30));

    assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(next.pid().orElseThrow()).isNotEqualTo(orphan);
  }

  private ManagedEtcd managed(int crashBudget) {
    return managed(vertx, crashBudget);
  }

  private ManagedEtcd managed(Vertx owner, int crashBudget) {
    ManagedEtcdConfig config =
        new ManagedEtcdConfig(
            "m",
            clientPort,
            peerPort,
            "periodic",
            "1h",
            256L * 1024 * 1024,
            Duration.ofSeconds(20),
            Duration.ofMillis(100),
            Duration.ofSeconds(1),
            crashBudget,
            Duration.ofMinutes(5),
            Duration.ofSeconds(3));
    EtcdMemberSpec spec =
        EtcdMemberSpec.singleMember(
            "m", dir.resolve("etcd"), clientPort, peerPort, "periodic", "1h", 256L * 1024 * 1024);
    String binary = System.getenv().getOrDefault("ETCD_COMMAND", "etcd");
    ManagedEtcd etcd =
        new ManagedEtcd(owner, binary, spec, config, dir.resolve("etcd.pid"), Clock.systemUTC());
    started.add(etcd);
    return etcd;
  }
}
