package io.uptimemesh.testkit.lxd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The lab runs LXD apart from the host (its bridge only in its own network namespace, its mounts
 * only in its own mount namespace) and leaves nothing behind when it is closed.
 */
class LxdLabIT {
  private final LabCommands host = new LabCommands(Map.of());

  @Test
  void theLabIsIsolatedAndLeavesNothingBehind() throws IOException {
    LxdLab lab = LxdLab.shared();
    Path root = lab.lxdDir().getParent();
    try {
      System.out.println("LXD lab ready in " + lab.startMillis() + " ms");
      assertThat(lab.socket()).exists();
      assertThat(run("ip", "netns", "list")).contains(lab.namespace());
      // The bridge exists in the lab's namespace and not on the host.
      assertThat(host.run(Duration.ofSeconds(5), List.of("ip", "link", "show", "lxdbr0")).ok())
          .isFalse();
      assertThat(run("ip", "-n", lab.namespace(), "link", "show", "lxdbr0")).contains("lxdbr0");
      // The daemon's sysfs and cgroup mounts are not in the host's mount table.
      assertThat(Files.readString(Path.of("/proc/self/mounts"))).doesNotContain(root.toString());
      assertThat(lab.lxc("image", "alias", "list", "--format", "csv"))
          .contains(LxdLab.IMAGE_ALIAS + ",");

      lab.lxc("launch", LxdLab.IMAGE_ALIAS, "lab-check");
      assertThat(lab.lxc("list", "lab-check", "--format", "csv", "-c", "ns"))
          .contains("lab-check,RUNNING");
    } finally {
      lab.close();
    }
    assertThat(run("ip", "netns", "list")).doesNotContain(lab.namespace());
    assertThat(lab.lxdDir()).doesNotExist();
    assertThat(
            host.run(Duration.ofSeconds(5), List.of("pgrep", "-f", lab.lxdDir().toString())).ok())
        .as("no process of the lab is left")
        .isFalse();

    // A new lab starts from scratch after the last one was torn down.
    LxdLab again = LxdLab.shared();
    try {
      assertThat(again).isNotSameAs(lab);
      assertThat(again.startedHere()).isTrue();
      assertThat(again.lxc("list", "--format", "csv")).doesNotContain("lab-check");
    } finally {
      again.close();
    }
  }

  private String run(String... command) {
    return host.require(Duration.ofSeconds(10), List.of(command));
  }
}
