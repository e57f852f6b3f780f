package io.uptimemesh.testkit.lxd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A daemon in a namespace the test owns (one node's LXD in an end-to-end test): a container's proxy
 * device listens on an address of that namespace, the image's HTTP server answers there, and
 * closing the lab leaves the namespace to its owner with no process of the lab in it.
 */
class LxdLabInNamespaceIT {
  private final LabCommands host = new LabCommands(Map.of());

  @Test
  void aDaemonInTheCallersNamespaceServesThroughAProxyThereAndLeavesTheNamespace() {
    String ns = "umlxdt-" + ProcessHandle.current().pid();
    run("ip", "netns", "add", ns);
    try {
      run("ip", "-n", ns, "link", "set", "lo", "up");
      run("ip", "-n", ns, "addr", "add", "10.99.0.7/32", "dev", "lo");
      LxdLab lab = LxdLab.inNamespace(ns, Path.of("target", "lxdlab-" + ns));
      try {
        System.out.println("LXD lab in " + ns + " ready in " + lab.startMillis() + " ms");
        lab.lxc(
            "launch",
            LxdLab.IMAGE_ALIAS,
            "web-check",
            "-c",
            "environment.UM_HTTP_PORT=8080",
            "-c",
            "environment.UM_HTTP_BODY=hello");
        lab.lxc(
            "config",
            "device",
            "add",
            "web-check",
            "port-http",
            "proxy",
            "listen=tcp:10.99.0.7:18080",
            "connect=tcp:127.0.0.1:8080");
        String body = "";
        for (int i = 0; i < 50 && !body.contains("hello"); i++) {
          body =
              host.run(
                      Duration.ofSeconds(5),
                      List.of(
                          "sh",
                          "-c",
                          "ip netns exec "
                              + ns
                              + " busybox wget -qO- http://10.99.0.7:18080/ 2>&1"))
                  .output();
          sleep(100);
        }
        assertThat(body)
            .as("the container's HTTP server through the proxy (last answer)")
            .contains("hello");
      } finally {
        lab.close();
      }
      assertThat(run("ip", "netns", "list")).as("the namespace is the caller's").contains(ns);
      assertThat(lab.lxdDir()).doesNotExist();
      assertThat(run("ip", "netns", "pids", ns).trim()).as("no process left in it").isEmpty();
    } finally {
      host.run(Duration.ofSeconds(10), List.of("ip", "netns", "delete", ns));
    }
  }

  private String run(String... command) {
    return host.require(Duration.ofSeconds(10), List.of(command));
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
