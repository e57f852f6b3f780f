package io.uptimemesh.core.net;

import java.util.OptionalLong;
import java.util.regex.Pattern;

/** Dotted-quad IPv4 addresses as unsigned 32-bit numbers, for config checks and allocation. */
public final class Ipv4 {
  private static final Pattern DECIMAL_OCTET = Pattern.compile("0|[1-9][0-9]{0,2}");

  private Ipv4() {}

  /**
   * Parses a dotted-quad IPv4 address. Leading zeros are refused because some parsers read them as
   * octal, so {@code 010.0.0.1} would mean different addresses to different tools.
   *
   * @param text e.g. {@code 10.42.0.1}
   * @return the address as an unsigned 32-bit number, or empty if text is not an IPv4 address
   */
  public static OptionalLong parse(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return OptionalLong.empty();
    }
    long address = 0;
    for (String part : parts) {
      if (!DECIMAL_OCTET.matcher(part).matches()) {
        return OptionalLong.empty();
      }
      int octet = Integer.parseInt(part);
      if (octet > 255) {
        return OptionalLong.empty();
      }
      address = (address << 8) | octet;
    }
    return OptionalLong.of(address);
  }
}
