package io.uptimemesh.wireguard;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a WireGuard interface to its {@link WgInterfaceSpec} with the real tools: {@code ip} and
 * {@code wg}, kernel WireGuard where the kernel has it, {@code wireguard-go} otherwise.
 *
 * <p>Every call reads what is there ({@code wg show IFACE dump}) and applies only the {@link WgDiff
 * difference}, in one {@code wg set}: a second {@link #apply} with the same spec runs no {@code wg
 * set} at all. The private key goes to {@code wg} on its standard input, never on a command line or
 * in a log.
 *
 * <p><b>Blocking</b>: every method runs child processes and waits for them (seconds at worst). Call
 * it on a worker thread ({@code executeBlocking} or a worker verticle), never on an event loop. One
 * caller per interface at a time: two concurrent applies of one interface would race between
 * reading and setting.
 *
 * <p>wireguard-go daemonizes, so an interface it backs outlives the agent (tunnels keep working
 * across an agent restart); deleting the link ({@link #remove}) makes it exit. Its control socket
 * is {@code /var/run/wireguard/IFACE.sock} for every network namespace, so interface names must be
 * unique per machine, not only per namespace.
 */
public final class WgBackend {
  private static final Logger LOG = LoggerFactory.getLogger(WgBackend.class);

  /** How an interface is provided. */
  public enum Implementation {
    /** {@code ip link add … type wireguard}. */
    KERNEL,
    /** The userspace {@code wireguard-go}, behind a TUN device of the same name. */
    USERSPACE
  }

  private static final Duration USERSPACE_READY = Duration.ofSeconds(5);
  private static final int LOGGED_CHANGES = 20;

  private final CommandRunner commands;
  private volatile boolean kernelMissing;

  public WgBackend(CommandRunner commands) {
    this.commands = commands;
  }

  /**
   * Creates the interface if it is missing, sets the link up, and applies what differs from {@code
   * spec}. Blocking.
   *
   * @throws UptimeMeshException (internal) naming the command that failed
   */
  public WgApplyResult apply(WgInterfaceSpec spec) {
    String name = spec.name();
    Optional<Implementation> created = Optional.empty();
    if (!exists(name)) {
      created = Optional.of(create(name));
    }
    boolean broughtUp = false;
    if (!isUp(name)) {
      commands.run("ip", "link", "set", "dev", name, "up");
      broughtUp = true;
    }
    WgPlan plan = WgDiff.plan(spec, dump(name));
    if (!plan.isEmpty()) {
      commands.runWithInput(
          WgSetCommand.stdin(plan).orElse(null),
          WgSetCommand.argv(name, plan).toArray(String[]::new));
      // The plan prints private keys as [redacted]. A mesh of a thousand peers would make one
      // line of hundreds of kilobytes: a large plan is counted, not listed.
      if (plan.changes().size() <= LOGGED_CHANGES) {
        LOG.info("applied {} change(s) to {}: {}", plan.changes().size(), name, plan.changes());
      } else {
        LOG.info("applied {} change(s) to {}", plan.changes().size(), name);
      }
    }
    return new WgApplyResult(created, broughtUp, plan);
  }

  /**
   * What WireGuard reports for {@code name}, empty if there is no such interface. Blocking.
   *
   * @throws UptimeMeshException (internal) if the interface exists but cannot be read
   */
  public Optional<WgInterfaceState> observe(String name) {
    WgInterfaceSpec.requireValidName(name);
    return exists(name) ? Optional.of(dump(name)) : Optional.empty();
  }

  /**
   * Deletes the interface; a wireguard-go behind it exits by itself. Blocking.
   *
   * @return true if it existed
   */
  public boolean remove(String name) {
    WgInterfaceSpec.requireValidName(name);
    if (!exists(name)) {
      return false;
    }
    commands.run("ip", "link", "del", "dev", name);
    LOG.info("removed WireGuard interface {}", name);
    return true;
  }

  private boolean exists(String name) {
    return commands.exec(null, "ip", "link", "show", "dev", name).ok();
  }

  private boolean isUp(String name) {
    // "3: umwg0: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1420 ..." : the administrative UP flag.
    String line = commands.run("ip", "-o", "link", "show", "dev", name).stdout();
    int open = line.indexOf('<');
    int close = line.indexOf('>', open + 1);
    if (open < 0 || close < 0) {
      throw new UptimeMeshException(
          ErrorCode.INTERNAL, "unexpected output of ip link show for " + name);
    }
    return List.of(line.substring(open + 1, close).split(",")).contains("UP");
  }

  private WgInterfaceState dump(String name) {
    return WgDump.parse(commands.run("wg", "show", name, "dump").stdout());
  }

  private Implementation create(String name) {
    if (!kernelMissing) {
      CommandRunner.Result kernel =
          commands.exec(null, "ip", "link", "add", "dev", name, "type", "wireguard");
      if (kernel.ok()) {
        LOG.info("created WireGuard interface {} (kernel)", name);
        return Implementation.KERNEL;
      }
      String why = kernel.stderr().toLowerCase(Locale.ROOT);
      if (why.contains("unknown device type") || why.contains("not supported")) {
        // Remembered, so later interfaces do not try again; the kernel will not grow a module.
        kernelMissing = true;
      } else {
        throw new UptimeMeshException(
            ErrorCode.INTERNAL,
            "cannot create WireGuard interface " + name + ": " + kernel.stderr().strip());
      }
    }
    commands.runDaemonizing("wireguard-go", name);
    awaitUserspace(name);
    LOG.info("created WireGuard interface {} (wireguard-go)", name);
    return Implementation.USERSPACE;
  }

  /** wireguard-go returns once it forked; its control socket may take a moment more. */
  private void awaitUserspace(String name) {
    long deadline = System.nanoTime() + USERSPACE_READY.toNanos();
    while (true) {
      if (commands.exec(null, "wg", "show", name, "dump").ok()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new UptimeMeshException(
            ErrorCode.INTERNAL,
            "wireguard-go started for " + name + " but did not answer within " + USERSPACE_READY);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UptimeMeshException(
            ErrorCode.INTERNAL, "interrupted while waiting for wireguard-go", e);
      }
    }
  }
}
