package io.uptimemesh.launcher.mesh;

import io.uptimemesh.core.discovery.DiscoveryNode;
import io.uptimemesh.core.discovery.HealthyEndpoint;
import io.uptimemesh.core.discovery.ZoneRenderer;
import io.uptimemesh.core.discovery.ZoneSerial;
import io.uptimemesh.testkit.KnotServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Only for {@code -Ddiscovery.standin=true}: plays the control plane and agent A of {@link
 * DiscoveryEndToEndIT} so the test's own lab, listeners, knot, DNS polling and measurements can be
 * run before the discovery server and agent exist. Every 200 ms it publishes the nodes whose agent
 * process is alive and the registered endpoints whose listener answers from their node (and whose
 * node's agent is alive), renders with {@link ZoneRenderer}, and on a content change writes the
 * zone atomically with the next {@link ZoneSerial} and runs knot's reload, as ADR 0013 says the
 * agent does. It says nothing about the real system's timing.
 */
final class StandInZoneWriter implements AutoCloseable {
  private final String domain;
  private final KnotServer knot;
  private final List<MeshAgent> agents;
  private final Map<String, String> meshIp;
  private final List<Registered> endpoints = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;
  private String digest = "";
  private long serial = -1;

  private record Registered(MeshAgent node, LabListener listener) {}

  StandInZoneWriter(
      String domain, KnotServer knot, List<MeshAgent> agents, Map<String, String> meshIp) {
    this.domain = domain;
    this.knot = knot;
    this.agents = agents;
    this.meshIp = meshIp;
    this.thread = new Thread(this::loop, "stand-in-zone-writer");
    thread.setDaemon(true);
    thread.start();
  }

  /** What {@code uptimemesh endpoints create} would do: service web, port-name http. */
  void register(MeshAgent node, LabListener listener) {
    endpoints.add(new Registered(node, listener));
  }

  private void loop() {
    while (running) {
      try {
        publishOnce();
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      } catch (IOException | RuntimeException e) {
        System.out.println("stand-in zone writer: " + e);
      }
    }
  }

  private void publishOnce() throws IOException {
    List<DiscoveryNode> nodes = new ArrayList<>();
    for (MeshAgent a : agents) {
      if (a.isAlive()) {
        nodes.add(new DiscoveryNode(a.node.id(), a.node.id(), meshIp.get(a.node.id())));
      }
    }
    List<HealthyEndpoint> healthy = new ArrayList<>();
    for (Registered r : endpoints) {
      if (r.node().isAlive() && r.listener().answers(r.node().node.namespace())) {
        healthy.add(
            new HealthyEndpoint(
                "web", r.node().node.id(), r.listener().address, r.listener().port, "tcp", "http"));
      }
    }
    if (nodes.isEmpty()) {
      return;
    }
    String next = ZoneRenderer.contentDigest(domain, 10, nodes, healthy, List.of());
    if (next.equals(digest)) {
      return;
    }
    serial = ZoneSerial.next(serial, Instant.now());
    write(knot.zoneFile(), ZoneRenderer.render(domain, 10, serial, nodes, healthy, List.of()));
    int code = knot.reload();
    if (code == 0) {
      digest = next;
    }
  }

  private static void write(Path target, String text) throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
      ch.force(true);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
