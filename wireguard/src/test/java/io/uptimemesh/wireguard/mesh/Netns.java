package io.uptimemesh.wireguard.mesh;

import io.uptimemesh.wireguard.CommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Network namespaces, veth pairs and WireGuard interface names for a test, all with a random suffix
 * (wireguard-go's sockets in /var/run/wireguard are shared by every namespace, and veth names must
 * be free in the host namespace when they are made), removed by {@link #close()}: wireguard-go
 * daemons by pid (deleting a namespace does not stop them), then the namespaces (their veths go
 * with them), then the sockets.
 */
final class Netns implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final CommandRunner host = CommandRunner.direct();
  private final String suffix = randomHex(3);
  private final List<String> namespaces = new ArrayList<>();
  private final List<String> interfaces = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();

  static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** A new namespace with its loopback up. */
  String namespace(String label) {
    String name = "um-" + label + "-" + suffix;
    host.run("ip", "netns", "add", name);
    namespaces.add(name);
    host.run("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up");
    return name;
  }

  /** A WireGuard interface name no other test uses, at most 15 characters. */
  String iface(String label) {
    String name = "um" + label + suffix;
    interfaces.add(name);
    return name;
  }

  /**
   * A veth pair from {@code nsA} ({@code addressA}) to {@code nsB} ({@code addressB}), both up.
   *
   * @return the two ends' names, A's first
   */
  List<String> link(String label, String nsA, String addressA, String nsB, String addressB) {
    String a = "v" + label + "a" + suffix;
    String b = "v" + label + "b" + suffix;
    host.run("ip", "link", "add", a, "netns", nsA, "type", "veth", "peer", "name", b, "netns", nsB);
    host.run("ip", "netns", "exec", nsA, "ip", "address", "add", addressA, "dev", a);
    host.run("ip", "netns", "exec", nsB, "ip", "address", "add", addressB, "dev", b);
    host.run("ip", "netns", "exec", nsA, "ip", "link", "set", a, "up");
    host.run("ip", "netns", "exec", nsB, "ip", "link", "set", b, "up");
    return List.of(a, b);
  }

  /** Commands inside {@code namespace}. */
  CommandRunner in(String namespace) {
    return CommandRunner.inNamespace(namespace, Duration.ofSeconds(30));
  }

  /** Starts a long-running program inside {@code namespace}; it is killed by {@link #close()}. */
  Process start(String namespace, String... command) throws Exception {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    full.addAll(List.of(command));
    Process process =
        new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(devNull()).start();
    processes.add(process);
    return process;
  }

  private static java.io.File devNull() {
    return new java.io.File("/dev/null");
  }

  /** The wireguard-go daemons serving {@code name}, alive or not yet reaped. */
  static List<ProcessHandle> wireguardGo(String name) {
    return ProcessHandle.allProcesses()
        .filter(
            p ->
                p.info().command().map(c -> c.endsWith("wireguard-go")).orElse(false)
                    && p.info()
                        .arguments()
                        .map(a -> List.of(a).equals(List.of(name)))
                        .orElse(false))
        .toList();
  }

  @Override
  public void close() throws Exception {
    for (Process process : processes) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.onExit().get();
    }
    for (String name : interfaces) {
      for (ProcessHandle daemon : wireguardGo(name)) {
        daemon.destroyForcibly();
        daemon.onExit().get();
      }
    }
    for (String namespace : namespaces) {
      host.exec(null, "ip", "netns", "del", namespace);
    }
    for (String name : interfaces) {
      Files.deleteIfExists(Path.of("/var/run/wireguard", name + ".sock"));
    }
  }
}
