package io.uptimemesh.bench;

import io.uptimemesh.core.etcd.EtcdMemberSpec;
import io.uptimemesh.testkit.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Server start to {@code /health/ready} 200 (DESIGN.md §9: ready ≤ 2 s after start), with a managed
 * etcd, against what nobody can make faster: a bare JVM running the same jar ({@code --version})
 * plus a bare etcd becoming healthy. Also times SIGTERM to exit.
 */
final class StartupBench {
  private static final double BUDGET_MS = 2000;

  private final Path jar;

  StartupBench(Path jar) {
    this.jar = jar;
  }

  void run(int runs) throws Exception {
    Stats server = new Stats();
    Stats stop = new Stats();
    Stats jvm = new Stats();
    Stats etcd = new Stats();
    for (int i = 0; i < runs; i++) {
      jvm.add(timeJvm());
      etcd.add(timeBareEtcd());
      double[] s = timeServer();
      server.add(s[0]);
      stop.add(s[1]);
    }
    double floor = jvm.median() + etcd.median();
    System.out.println();
    System.out.println(
        "== startup: uptimemesh server with managed etcd, start → /health/ready 200");
    System.out.println("baseline  bare JVM (--version)      " + jvm.summary());
    System.out.println("baseline  bare etcd → /health       " + etcd.summary());
    System.out.println("server    start → ready             " + server.summary());
    System.out.println("server    SIGTERM → exit            " + stop.summary());
    System.out.printf(
        "ratio     server / (JVM + etcd)      %.2f   (our own startup work: %.0f ms)%n",
        server.median() / floor, server.median() - floor);
    System.out.printf(
        "budget    ready ≤ %.0f ms after start  %s (median %.0f ms)%n",
        BUDGET_MS, server.median() <= BUDGET_MS ? "MET" : "NOT MET", server.median());
  }

  private double timeJvm() throws Exception {
    long t0 = System.nanoTime();
    Process p =
        new ProcessBuilder(Processes.java(), "-jar", jar.toString(), "--version")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    p.waitFor();
    return ms(t0);
  }

  private double timeBareEtcd() throws Exception {
    Path dir = Files.createTempDirectory("bench-etcd-");
    int[] ports = FreePorts.allocate(2);
    EtcdMemberSpec spec =
        EtcdMemberSpec.singleMember(
            "b", dir.resolve("etcd"), ports[0], ports[1], "periodic", "1h", 2L << 30);
    long t0 = System.nanoTime();
    Process p =
        new ProcessBuilder(spec.command("etcd"))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      if (!Processes.awaitOk(spec.clientUrl() + "/health", Duration.ofSeconds(30), p)) {
        throw new IllegalStateException("bare etcd did not become healthy");
      }
      return ms(t0);
    } finally {
      Processes.stop(p);
      Processes.deleteTree(dir);
    }
  }

  /** Returns {start → ready, SIGTERM → exit} in ms. */
  private double[] timeServer() throws Exception {
    Path dir = Files.createTempDirectory("bench-server-");
    int port = FreePorts.one();
    long t0 = System.nanoTime();
    Process p = Processes.startServer(jar, dir, port);
    try {
      if (!Processes.awaitOk(
          "http://127.0.0.1:" + port + "/health/ready", Duration.ofSeconds(30), p)) {
        throw new IllegalStateException(
            "server not ready; see "
                + dir.resolve("server.out")
                + ":\n"
                + Files.readString(dir.resolve("server.out")));
      }
      double ready = ms(t0);
      long t1 = System.nanoTime();
      p.destroy();
      p.waitFor();
      return new double[] {ready, ms(t1)};
    } finally {
      Processes.stop(p);
      Processes.deleteTree(dir);
    }
  }

  private static double ms(long t0) {
    return Duration.ofNanos(System.nanoTime() - t0).toNanos() / 1e6;
  }
}
