package io.uptimemesh.core.config;

import io.uptimemesh.core.net.Ipv4;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Syntactic checks of addresses and host names. Nothing here resolves DNS or touches the network:
 * configuration must validate the same way on a machine that is offline.
 */
final class NetSyntax {

  private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");
  private static final Pattern ZONE_ID = Pattern.compile("[A-Za-z0-9_.-]+");
  private static final Pattern LABEL =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");
  private static final Pattern PREFIX_LENGTH = Pattern.compile("[0-9]{1,2}");

  private NetSyntax() {}

  /**
   * Tells whether text is an IPv6 address literal, without brackets, optionally with a zone id.
   *
   * @param text e.g. {@code ::}, {@code fd00::1}, {@code ::ffff:10.0.0.1}, {@code fe80::1%eth0}
   * @return true if text is an IPv6 literal
   */
  static boolean isIpv6(String text) {
    String address = text;
    int percent = text.indexOf('%');
    if (percent >= 0) {
      if (!ZONE_ID.matcher(text.substring(percent + 1)).matches()) {
        return false;
      }
      address = text.substring(0, percent);
    }
    int gap = address.indexOf("::");
    if (gap >= 0 && address.indexOf("::", gap + 1) >= 0) {
      return false;
    }
    if (gap < 0) {
      return groupCount(address, true) == 8;
    }
    String head = address.substring(0, gap);
    String tail = address.substring(gap + 2);
    int headGroups = head.isEmpty() ? 0 : groupCount(head, false);
    int tailGroups = tail.isEmpty() ? 0 : groupCount(tail, true);
    return headGroups >= 0 && tailGroups >= 0 && headGroups + tailGroups <= 7;
  }

  /** Counts 16-bit groups, or returns -1 if a group is malformed. A trailing IPv4 counts two. */
  private static int groupCount(String groups, boolean ipv4AllowedAtEnd) {
    String[] parts = groups.split(":", -1);
    int count = 0;
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (ipv4AllowedAtEnd && i == parts.length - 1 && part.contains(".")) {
        if (Ipv4.parse(part).isEmpty()) {
          return -1;
        }
        count += 2;
      } else if (HEX_GROUP.matcher(part).matches()) {
        count++;
      } else {
        return -1;
      }
    }
    return count;
  }

  /**
   * Tells whether text is a host name by RFC 1123: dot-separated labels of letters, digits and
   * hyphens, 1..63 characters each, 253 in all. A name whose last label is all digits is refused:
   * it would be a mistyped IPv4 address such as {@code 10.0.0.256}.
   *
   * @param text e.g. {@code localhost} or {@code node-1.example.org}
   * @return true if text is a syntactically valid host name
   */
  static boolean isHostname(String text) {
    if (text.isEmpty() || text.length() > 253) {
      return false;
    }
    String[] labels = text.split("\\.", -1);
    for (String label : labels) {
      if (!LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return !DIGITS.matcher(labels[labels.length - 1]).matches();
  }

  /**
   * Tells whether text is an address or name a server can listen on.
   *
   * @param text the host setting
   * @return true if text is an IPv4 literal, an IPv6 literal or a host name
   */
  static boolean isHost(String text) {
    return Ipv4.parse(text).isPresent() || isIpv6(text) || isHostname(text);
  }

  /**
   * Checks an IPv4 CIDR block such as {@code 10.42.0.0/16}.
   *
   * @param text the block
   * @param minPrefix the shortest prefix length allowed
   * @param maxPrefix the longest prefix length allowed
   * @return null if the block is valid, else what is wrong with it (e.g. "the address is not the
   *     network address; did you mean 10.42.0.0/16?")
   */
  static String cidrProblem(String text, int minPrefix, int maxPrefix) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      return "it has no /prefix length";
    }
    OptionalLong address = Ipv4.parse(text.substring(0, slash));
    if (address.isEmpty()) {
      return "the part before / is not an IPv4 address";
    }
    String prefixText = text.substring(slash + 1);
    if (!PREFIX_LENGTH.matcher(prefixText).matches()) {
      return "the prefix length is not a number";
    }
    int prefix = Integer.parseInt(prefixText);
    if (prefix < minPrefix || prefix > maxPrefix) {
      return "the prefix length " + prefix + " is outside " + minPrefix + ".." + maxPrefix;
    }
    long mask = (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
    long network = address.getAsLong() & mask;
    if (network != address.getAsLong()) {
      return "the address is not the network address; did you mean "
          + formatIpv4(network)
          + "/"
          + prefix
          + "?";
    }
    return null;
  }

  private static String formatIpv4(long address) {
    return ((address >> 24) & 0xFF)
        + "."
        + ((address >> 16) & 0xFF)
        + "."
        + ((address >> 8) & 0xFF)
        + "."
        + (address & 0xFF);
  }
}
