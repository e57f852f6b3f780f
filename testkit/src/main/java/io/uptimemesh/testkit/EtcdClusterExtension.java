package io.uptimemesh.testkit;

import io.uptimemesh.core.etcd.EtcdMemberSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a real etcd cluster of 1 or 3 members for a test class, from the {@code etcd} binary, on
 * free loopback ports with temporary data directories. Register it as a static field to share one
 * cluster across a class, or as an instance field for a fresh cluster per test:
 *
 * <pre>
 * {@literal @}RegisterExtension
 * static final EtcdClusterExtension etcd = EtcdClusterExtension.members(3);
 * </pre>
 *
 * Before each test, members a previous test stopped or killed are started again, so tests stay
 * independent. The binary is {@code $ETCD_COMMAND} or {@code etcd} on the PATH.
 */
public final class EtcdClusterExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  private static final Duration STARTUP = Duration.ofSeconds(30);

  private final int size;
  private final List<EtcdTestMember> members = new ArrayList<>();
  private final List<EtcdTestMember> extras = new ArrayList<>();
  private Path root;
  private boolean perClass;

  private EtcdClusterExtension(int size) {
    if (size != 1 && size != 3) {
      throw new IllegalArgumentException("clusters of 1 or 3 members are supported, not " + size);
    }
    this.size = size;
  }

  public static EtcdClusterExtension single() {
    return new EtcdClusterExtension(1);
  }

  public static EtcdClusterExtension members(int size) {
    return new EtcdClusterExtension(size);
  }

  static String etcdBinary() {
    String fromEnv = System.getenv("ETCD_COMMAND");
    return fromEnv == null || fromEnv.isBlank() ? "etcd" : fromEnv;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    perClass = true;
    startCluster();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    destroy();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (members.isEmpty()) {
      startCluster();
    } else {
      for (EtcdTestMember m : members) {
        if (m.isRunning()) {
          m.resume(); // harmless when not paused
        } else {
          m.start();
        }
      }
      members.forEach(m -> m.awaitHealthy(STARTUP));
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!perClass) {
      destroy();
    }
  }

  public List<EtcdTestMember> members() {
    return List.copyOf(members);
  }

  public EtcdTestMember member(int index) {
    return members.get(index);
  }

  /** Client URLs of every member, in member order. */
  public List<URI> endpoints() {
    return members.stream().map(EtcdTestMember::clientUrl).toList();
  }

  /**
   * Starts one more member that joins the running cluster (after it was added with a member-add
   * call), with the {@code --initial-cluster} value that call produced. It is stopped with the
   * cluster and is not part of {@link #members()}.
   */
  public EtcdTestMember startJoiningMember(
      String name, int clientPort, int peerPort, String initialCluster) {
    EtcdMemberSpec spec =
        new EtcdMemberSpec(
            name,
            root.resolve(name),
            "127.0.0.1",
            clientPort,
            peerPort,
            EtcdMemberSpec.parseInitialCluster(initialCluster),
            false,
            "periodic",
            "1h",
            256L * 1024 * 1024);
    EtcdTestMember member = new EtcdTestMember(spec, root.resolve(name + ".log"));
    extras.add(member);
    member.start();
    return member;
  }

  /** The same as a comma-separated list, the form of {@code ETCD_ENDPOINTS}. */
  public String endpointsCsv() {
    return endpoints().stream().map(URI::toString).collect(Collectors.joining(","));
  }

  private void startCluster() {
    try {
      root = Files.createTempDirectory("uptimemesh-etcd-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int[] ports = FreePorts.allocate(2 * size);
    Map<String, String> initialCluster = new LinkedHashMap<>();
    for (int i = 0; i < size; i++) {
      initialCluster.put("m" + i, "http://127.0.0.1:" + ports[2 * i + 1]);
    }
    for (int i = 0; i < size; i++) {
      String name = "m" + i;
      EtcdMemberSpec spec =
          new EtcdMemberSpec(
              name,
              root.resolve(name),
              "127.0.0.1",
              ports[2 * i],
              ports[2 * i + 1],
              initialCluster,
              true,
              "periodic",
              "1h",
              256L * 1024 * 1024);
      members.add(new EtcdTestMember(spec, root.resolve(name + ".log")));
    }
    members.forEach(EtcdTestMember::start);
    try {
      members.forEach(m -> m.awaitHealthy(STARTUP));
    } catch (RuntimeException e) {
      destroy();
      throw e;
    }
  }

  private void destroy() {
    members.forEach(EtcdTestMember::kill);
    members.clear();
    extras.forEach(EtcdTestMember::kill);
    extras.clear();
    if (root != null) {
      try (Stream<Path> paths = Files.walk(root)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // A leftover temp dir is harmless; the processes are what matter.
      }
      root = null;
    }
  }
}
