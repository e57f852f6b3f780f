package io.uptimemesh.core.workload;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntPredicate;

/**
 * Host ports for a new replica on a node: each container port, or the next one up that no replica
 * on that node uses (of any service: they all listen on the node's one mesh address). The
 * scheduler's plan and {@code replicas move} pick them the same way.
 */
public final class HostPorts {
  private static final int MAX_PORT = 65_535;

  private HostPorts() {}

  /**
   * @param used whether a replica on the node listens on that port already
   * @return port name → host port, or null when the node has no free port left
   */
  public static Map<String, Integer> free(IntPredicate used, List<WorkloadSpec.PortSpec> ports) {
    Set<Integer> chosen = new HashSet<>();
    Map<String, Integer> out = new TreeMap<>();
    for (WorkloadSpec.PortSpec port : ports) {
      int p = port.port();
      while (p <= MAX_PORT && (used.test(p) || chosen.contains(p))) {
        p++;
      }
      if (p > MAX_PORT) {
        return null;
      }
      chosen.add(p);
      out.put(port.name(), p);
    }
    return out;
  }
}
