package io.uptimemesh.core.mesh;

import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.net.Ipv4;
import java.util.OptionalLong;

/**
 * Each node's two path probe addresses: IPv6 unique-local addresses that embed its IPv4 mesh
 * address, one prefix per path, each routed over its own WireGuard interface only.
 *
 * <p>Why: the mesh address is reachable over both paths, so a probe sent to it on the secondary
 * interface would be answered over whatever path the peer prefers, and a reply arriving on the
 * other interface says nothing about the probed path. A probe from {@code primary(a)} to {@code
 * primary(b)} can only be answered to {@code primary(a)}, whose prefix both nodes route over the
 * primary interface alone: request and reply take the probed path both ways (ADR 0012).
 *
 * <p>Layout: {@code fd75:6d65:7368:<path>::<mesh IPv4>} with path 1 (primary) or 2 (secondary),
 * "umesh" in the ULA global id. Each prefix is a {@code /96}.
 */
public final class ProbeAddresses {
  /** The primary path's probe prefix. */
  public static final String PRIMARY_PREFIX = "fd75:6d65:7368:1::/96";

  /** The secondary path's probe prefix. */
  public static final String SECONDARY_PREFIX = "fd75:6d65:7368:2::/96";

  private ProbeAddresses() {}

  /** The probe address of {@code meshIp} on the primary path, without a prefix length. */
  public static String primary(String meshIp) {
    return address(1, meshIp);
  }

  /** The probe address of {@code meshIp} on the secondary path, without a prefix length. */
  public static String secondary(String meshIp) {
    return address(2, meshIp);
  }

  private static String address(int path, String meshIp) {
    OptionalLong v4 = Ipv4.parse(meshIp);
    if (v4.isEmpty()) {
      throw UptimeMeshException.invalid("not an IPv4 mesh address: " + meshIp);
    }
    long value = v4.getAsLong();
    return String.format("fd75:6d65:7368:%x::%x:%x", path, (value >>> 16) & 0xffff, value & 0xffff);
  }
}
