package io.uptimemesh.launcher.mesh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A service endpoint for the discovery tests: a real listener inside a node's namespace on an
 * address and port, started and killed by the test. {@link #tcp} is socat accepting and closing
 * connections (enough for a {@code tcp} check); {@link #http} is a tiny JDK HTTP server answering
 * 200 to every GET (for an {@code http} check), run from source so the tests need nothing beyond
 * the JDK and socat.
 */
final class LabListener implements AutoCloseable {
  /** Answers 200 "ok" to every request; the JDK's own server, no dependency. */
  private static final String HTTP_OK_SOURCE =
      """
      import com.sun.net.httpserver.HttpServer;
      import java.net.InetSocketAddress;

      public class HttpOk {
        public static void main(String[] args) throws Exception {
          HttpServer s =
              HttpServer.create(new InetSocketAddress(args[0], Integer.parseInt(args[1])), 16);
          s.createContext(
              "/",
              x -> {
                byte[] body = "ok\\n".getBytes();
                x.sendResponseHeaders(200, body.length);
                x.getResponseBody().write(body);
                x.close();
              });
          s.start();
          System.out.println("listening on " + args[0] + ":" + args[1]);
        }
      }
      """;

  private final MeshLab lab;
  private final String namespace;
  private final String name;
  private final List<String> command;
  final String address;
  final int port;
  private final boolean http;
  private MeshLab.LabProcess process;
  private int starts;

  private LabListener(
      MeshLab lab,
      String namespace,
      String name,
      String address,
      int port,
      boolean http,
      List<String> command) {
    this.lab = lab;
    this.namespace = namespace;
    this.name = name;
    this.address = address;
    this.port = port;
    this.http = http;
    this.command = command;
  }

  /** socat accepting TCP connections on address:port in the node's namespace. */
  static LabListener tcp(MeshLab lab, MeshLab.Node node, String address, int port) {
    return new LabListener(
        lab,
        node.namespace(),
        "tcp-" + node.id() + "-" + port,
        address,
        port,
        false,
        List.of(
            "socat",
            "-u",
            "TCP-LISTEN:" + port + ",bind=" + address + ",reuseaddr,fork",
            "OPEN:/dev/null,append"));
  }

  /** A JDK HTTP server answering 200 on address:port in the node's namespace. */
  static LabListener http(MeshLab lab, MeshLab.Node node, String address, int port)
      throws IOException {
    Path source = lab.dir.resolve("HttpOk.java");
    if (!Files.exists(source)) {
      Files.writeString(source, HTTP_OK_SOURCE);
    }
    return new LabListener(
        lab,
        node.namespace(),
        "http-" + node.id() + "-" + port,
        address,
        port,
        true,
        List.of(
            MeshCore.java(),
            "-Xmx32m",
            "-XX:TieredStopAtLevel=1",
            source.toString(),
            address,
            Integer.toString(port)));
  }

  /** Starts the listener (again) and waits until a connection from its own namespace succeeds. */
  LabListener start() throws IOException {
    starts++;
    process = lab.start(namespace, name + "-" + starts, Map.of(), command);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!answers(namespace)) {
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited: " + process.output());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(name + " does not answer after 30 s: " + process.output());
      }
      sleep(100);
    }
    return this;
  }

  /**
   * Whether the listener answers from {@code fromNamespace}: an HTTP 200 for an http listener, an
   * accepted connection for a tcp one.
   */
  boolean answers(String fromNamespace) {
    if (http) {
      MeshLab.Result r =
          lab.exec(
              fromNamespace,
              "curl",
              "-s",
              "-o",
              "/dev/null",
              "-m",
              "2",
              "-w",
              "%{http_code}",
              "http://" + address + ":" + port + "/");
      return "200".equals(r.stdout().strip());
    }
    return lab.exec(
            fromNamespace,
            "socat",
            "-u",
            "OPEN:/dev/null",
            "TCP:" + address + ":" + port + ",connect-timeout=2")
        .ok();
  }

  /** Kills the listener (SIGKILL: no graceful close); connections are refused from now on. */
  void kill() {
    if (process != null && process.isAlive()) {
      process.process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.process.destroyForcibly();
      try {
        process.process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    kill();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
