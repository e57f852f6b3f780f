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
      case "raw-server" -> {
        RawServer.main(new String[] {args[1]});
        Thread.currentThread().join(); // serve until killed
      }
      case "all" -> {
        new StartupBench(jar).run(5);
        new ReadBench(jar).run(10, 16);
      }
      default -> {
        System.err.println("usage: bench/run.sh [startup [runs] | reads [seconds] [conns] | all]");
        System.exit(2);
      }
    }
    System.exit(0);
  }

  private static int intArg(String[] args, int index, int fallback) {
    return args.length > index ? Integer.parseInt(args[index]) : fallback;
  }
}
