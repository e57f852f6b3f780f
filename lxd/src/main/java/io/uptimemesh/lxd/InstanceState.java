package io.uptimemesh.lxd;

import java.util.List;
import java.util.Optional;

/**
 * A container's observed state: its status, init process, addresses and memory.
 *
 * @param status LXD's status text (Running, Stopped, Frozen, Error...)
 * @param statusCode LXD's status code (103 running, 102 stopped...)
 * @param pid the init process id on the host, 0 when not running
 * @param processes the number of processes, -1 when LXD does not know
 * @param addresses every address of every interface
 * @param memoryUsageBytes current memory use
 * @param memoryPeakBytes peak memory use
 */
public record InstanceState(
    String status,
    int statusCode,
    long pid,
    long processes,
    List<InstanceAddress> addresses,
    long memoryUsageBytes,
    long memoryPeakBytes) {
  public InstanceState {
    addresses = List.copyOf(addresses);
  }

  public boolean isRunning() {
    return statusCode == 103 || "Running".equals(status);
  }

  /** The first global IPv4 address outside the loopback device, if DHCP gave one. */
  public Optional<InstanceAddress> globalIpv4() {
    return addresses.stream()
        .filter(a -> a.isIpv4() && a.isGlobal() && !"lo".equals(a.device()))
        .findFirst();
  }
}
