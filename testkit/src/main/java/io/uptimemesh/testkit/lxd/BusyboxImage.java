package io.uptimemesh.testkit.lxd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * Builds the smallest useful LXD container image without downloading anything: a unified tarball
 * with {@code metadata.yaml} and a rootfs holding the static busybox (from {@code busybox-static})
 * and a symlink per applet. Its init brings up {@code lo}, asks for an address on {@code eth0} with
 * {@code udhcpc} (so the container state shows a real address from the lab's bridge), starts an
 * HTTP server when the instance config asks for one ({@code environment.UM_HTTP_PORT}, answering
 * {@code environment.UM_HTTP_BODY}) and then keeps one long sleep alive.
 */
final class BusyboxImage {
  static final Path BUSYBOX = Path.of("/bin/busybox");

  // A shell as init instead of busybox init: LXD stops a container with SIGPWR, which busybox
  // init turns into a halt with fixed 1 s sleeps. This init exits on SIGPWR or SIGTERM. The trap
  // comes first: PID 1 of a container ignores signals it has no handler for, so a stop that
  // arrived while rcS still ran (right after a start or restart) was lost and the clean stop
  // failed after its timeout ("shutting down the container failed", seen in LxdClientIT). Short
  // sleeps, because ash runs a trap only once its foreground command ends.
  private static final String INIT =
      """
      #!/bin/sh
      trap 'exit 0' PWR TERM INT
      /etc/init.d/rcS
      while :; do
        sleep 1 &
        wait $!
      done
      """;
  private static final String RCS =
      """
      #!/bin/sh
      mount -t tmpfs tmpfs /tmp 2>/dev/null
      ip link set lo up
      if [ -e /sys/class/net/eth0 ]; then
        ip link set eth0 up
        udhcpc -b -q -i eth0 -s /usr/share/udhcpc/default.script >/dev/null 2>&1 &
      fi
      # A workload to check: environment.UM_HTTP_PORT in the instance config starts an HTTP server
      # answering UM_HTTP_BODY (default ok) on that port.
      if [ -n "$UM_HTTP_PORT" ]; then
        mkdir -p /tmp/www
        echo "${UM_HTTP_BODY:-ok}" > /tmp/www/index.html
        httpd -p "$UM_HTTP_PORT" -h /tmp/www
      fi
      """;
  // udhcpc only reports a lease; the script applies it (busybox ships none).
  private static final String UDHCPC_SCRIPT =
      """
      #!/bin/sh
      case "$1" in
        bound|renew)
          ip addr flush dev "$interface"
          ip addr add "$ip/${mask:-24}" dev "$interface"
          [ -n "$router" ] && ip route add default via "${router%% *}" dev "$interface"
          ;;
      esac
      exit 0
      """;

  private BusyboxImage() {}

  /**
   * Names this recipe (scripts and busybox size): stored as an image property, so that a kept lab
   * whose image came from an older recipe gets the new one.
   */
  static String recipe() {
    try {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      for (String part : List.of(INIT, RCS, UDHCPC_SCRIPT)) {
        sha.update(part.getBytes(StandardCharsets.UTF_8));
      }
      sha.update(
          Long.toString(Files.exists(BUSYBOX) ? Files.size(BUSYBOX) : 0)
              .getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(sha.digest(), 0, 8);
    } catch (IOException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot name the busybox image recipe", e);
    }
  }

  /** Writes the tarball into {@code workDir} and returns its path. */
  static Path build(Path workDir, LabCommands commands) throws IOException {
    if (!Files.isExecutable(BUSYBOX)) {
      throw new IllegalStateException(
          BUSYBOX + " is missing: install busybox-static (scripts/deps.sh um_install_test_deps)");
    }
    Path tree = workDir.resolve("busybox-image");
    LxdLab.deleteTree(tree);
    Path rootfs = tree.resolve("rootfs");
    for (String dir :
        List.of(
            "bin",
            "sbin",
            "etc/init.d",
            "dev",
            "proc",
            "sys",
            "tmp",
            "root",
            "run",
            "var/run",
            "usr/share/udhcpc")) {
      Files.createDirectories(rootfs.resolve(dir));
    }
    Files.copy(BUSYBOX, rootfs.resolve("bin/busybox"));
    String applets =
        commands.require(Duration.ofSeconds(10), List.of(BUSYBOX.toString(), "--list"));
    for (String applet : applets.split("\\s+")) {
      Path link = rootfs.resolve("bin").resolve(applet);
      if (!applet.isBlank() && !applet.contains("/") && !Files.exists(link)) {
        Files.createSymbolicLink(link, Path.of("busybox"));
      }
    }
    write(rootfs.resolve("sbin/init"), INIT, true);
    write(rootfs.resolve("etc/init.d/rcS"), RCS, true);
    write(rootfs.resolve("usr/share/udhcpc/default.script"), UDHCPC_SCRIPT, true);
    write(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n", false);
    write(rootfs.resolve("etc/group"), "root:x:0:\n", false);
    write(
        tree.resolve("metadata.yaml"),
        "architecture: "
            + architecture()
            + "\n"
            + "creation_date: "
            + (System.currentTimeMillis() / 1000)
            + "\nproperties:\n  description: UptimeMesh test busybox\n  os: busybox\n"
            + "  uptimemesh_recipe: \""
            + recipe()
            + "\"\n",
        false);
    Path tarball = workDir.resolve("busybox-image.tar");
    Files.deleteIfExists(tarball);
    commands.require(
        Duration.ofSeconds(30),
        List.of(
            "tar",
            "-C",
            tree.toString(),
            "--numeric-owner",
            "-cf",
            tarball.toString(),
            "metadata.yaml",
            "rootfs"));
    LxdLab.deleteTree(tree);
    return tarball;
  }

  private static String architecture() {
    String arch = System.getProperty("os.arch");
    return "amd64".equals(arch) ? "x86_64" : arch;
  }

  private static void write(Path file, String text, boolean executable) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
    if (executable) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }
}
