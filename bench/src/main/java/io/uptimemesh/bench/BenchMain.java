package io.uptimemesh.bench;

import java.nio.file.Path;

/**
 * Benchmarks of DESIGN.md section 9 that concern a core node. Each prints its figures next to a
 * baseline measured in the same run on the same machine, and the ratio, since these machines are
 * noisy. Run through {@code bench/run.sh}.
 *
 * <pre>
 * startup [runs]               server start → /health/ready 200, vs etcd alone + a bare JVM
 * reads [seconds] [conns]      GET latency of /health/ready and /version, vs a bare Vert.x server
 * heartbeats [nodes] [rate/s] [seconds]
 *                              signed heartbeats of pre-joined nodes, vs raw jetcd puts
 * crypto [seconds]             Ed25519 verifies/s (ours) vs the JDK's Ed25519 and P-256
 * propagation [agents] [changes]
 *                              API write → every agent on the desired-state stream applied it,
 *                              vs raw etcd put → watch
 * console [nodes] [peers] [seconds] [conns]
 *                              the console's reads (node listing, mesh paths, node detail, events,
 *                              today's failover count) with a bearer session on a cluster of
 *                              heartbeating nodes, vs a bare Vert.x server
 * raw-server PORT              (internal) the bare Vert.x server used as the reads baseline
 * </pre>
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    String what = args.length > 0 ? args[0] : "all";
    Path jar =
        Path.of(System.getProperty("uptimemesh.jar", "launcher/target/uptimemesh.jar"))
            .toAbsolutePath();
    switch (what) {
      case "startup" -> new StartupBench(jar).run(intArg(args, 1, 5));
      case "reads" -> new ReadBench(jar).run(intArg(args, 1, 10), intArg(args, 2, 16));
      case "heartbeats" ->
          new HeartbeatBench(jar)
              .run(intArg(args, 1, 1000), intArg(args, 2, 5000), intArg(args, 3, 10));
      case "console" ->
          new ConsoleBench(jar)
              .run(
                  intArg(args, 1, 200),
                  intArg(args, 2, 4),
                  intArg(args, 3, 10),
                  intArg(args, 4, 16));
      case "crypto" -> new CryptoBench().run(intArg(args, 1, 3));
      case "propagation" ->
          new PropagationBench(jar).run(intArg(args, 1, 1000), intArg(args, 2, 20));
      case "raw-server" -> {
        RawServer.main(new String[] {args[1]});
        Thread.currentThread().join(); // serve until killed
      }
      case "all" -> {
        new StartupBench(jar).run(5);
        new ReadBench(jar).run(10, 16);
      }
      default -> {
        System.err.println(
            "usage: bench/run.sh [startup [runs] | reads [seconds] [conns]"
                + " | heartbeats [nodes] [rate] [seconds] | console [nodes] [peers] [seconds] [conns]"
                + " | crypto [seconds] | propagation [agents] [changes] | all]");
        System.exit(2);
      }
    }
    System.exit(0);
  }

  private static int intArg(String[] args, int index, int fallback) {
    return args.length > index ? Integer.parseInt(args[index]) : fallback;
  }
}
