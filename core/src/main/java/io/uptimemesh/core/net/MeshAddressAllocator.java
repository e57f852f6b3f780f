package io.uptimemesh.core.net;

import io.uptimemesh.core.error.UptimeMeshException;
import java.util.HashSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Hands out mesh IPv4 addresses from the cluster CIDR: always the lowest free one, never the
 * network address, the broadcast address or the first host (e.g. {@code 10.42.0.1} in {@code
 * 10.42.0.0/16}), which is reserved for the mesh gateway. Immutable and thread-safe; the caller
 * keeps the set of taken addresses.
 */
public final class MeshAddressAllocator {

  static final int MIN_PREFIX = 8;
  static final int MAX_PREFIX = 30;

  private static final Pattern PREFIX_LENGTH = Pattern.compile("[0-9]{1,2}");

  private final long network;
  private final long broadcast;

  /**
   * Creates an allocator for a block.
   *
   * @param cidr e.g. {@code 10.42.0.0/16}; the address must be the network address
   * @throws UptimeMeshException (invalid) if cidr is malformed or its prefix is outside 8..30
   */
  public MeshAddressAllocator(String cidr) {
    if (cidr == null) {
      throw UptimeMeshException.invalid("the mesh CIDR is empty");
    }
    int slash = cidr.indexOf('/');
    if (slash < 0) {
      throw UptimeMeshException.invalid("the mesh CIDR " + cidr + " has no /prefix length");
    }
    OptionalLong address = Ipv4.parse(cidr.substring(0, slash));
    if (address.isEmpty()) {
      throw UptimeMeshException.invalid(
          "the mesh CIDR " + cidr + " does not start with an IPv4 address");
    }
    String prefixText = cidr.substring(slash + 1);
    if (!PREFIX_LENGTH.matcher(prefixText).matches()) {
      throw UptimeMeshException.invalid("the mesh CIDR " + cidr + " has no numeric prefix length");
    }
    int prefix = Integer.parseInt(prefixText);
    if (prefix < MIN_PREFIX || prefix > MAX_PREFIX) {
      throw UptimeMeshException.invalid(
          "the mesh CIDR prefix length "
              + prefix
              + " is outside "
              + MIN_PREFIX
              + ".."
              + MAX_PREFIX);
    }
    long size = 1L << (32 - prefix);
    long start = address.getAsLong() & ~(size - 1) & 0xFFFFFFFFL;
    if (start != address.getAsLong()) {
      throw UptimeMeshException.invalid(
          "the mesh CIDR "
              + cidr
              + " is not a network address; did you mean "
              + format(start)
              + "/"
              + prefix
              + "?");
    }
    this.network = start;
    this.broadcast = start + size - 1;
  }

  /**
   * Picks the lowest free address.
   *
   * @param taken addresses already assigned; entries that are not IPv4 addresses in this block are
   *     ignored
   * @return the lowest usable address not in taken, or empty when the block is full
   */
  public Optional<String> next(Set<String> taken) {
    Set<Long> used = new HashSet<>();
    for (String text : taken) {
      OptionalLong address = text == null ? OptionalLong.empty() : Ipv4.parse(text);
      if (address.isPresent()) {
        used.add(address.getAsLong());
      }
    }
    for (long candidate = firstUsable(); candidate < broadcast; candidate++) {
      if (!used.contains(candidate)) {
        return Optional.of(format(candidate));
      }
    }
    return Optional.empty();
  }

  /**
   * Tells whether an address lies in this block, reserved addresses included.
   *
   * @param address a dotted-quad IPv4 address
   * @return true if address is an IPv4 address inside the CIDR block; false otherwise, including
   *     for text that is not an address
   */
  public boolean contains(String address) {
    if (address == null) {
      return false;
    }
    OptionalLong parsed = Ipv4.parse(address);
    return parsed.isPresent() && parsed.getAsLong() >= network && parsed.getAsLong() <= broadcast;
  }

  /**
   * The number of addresses this allocator can hand out.
   *
   * @return the block size less the network, broadcast and gateway addresses, e.g. 1 for a /30
   */
  public int capacity() {
    return (int) (broadcast - firstUsable());
  }

  /** Network + 1 is the gateway's; the first node gets network + 2. */
  private long firstUsable() {
    return network + 2;
  }

  private static String format(long address) {
    return ((address >> 24) & 0xFF)
        + "."
        + ((address >> 16) & 0xFF)
        + "."
        + ((address >> 8) & 0xFF)
        + "."
        + (address & 0xFF);
  }
}
