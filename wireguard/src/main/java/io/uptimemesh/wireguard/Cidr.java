package io.uptimemesh.wireguard;

import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.net.IpText;
import io.uptimemesh.core.net.Ipv4;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 network in CIDR form, as WireGuard's allowed IPs. Host bits must be zero
 * (WireGuard would mask them, and the desired and observed lists would then never compare equal).
 * Prints in the form {@code wg show} prints: dotted quad, or RFC 5952 compressed lowercase IPv6.
 */
public final class Cidr implements Comparable<Cidr> {
  private static final Pattern IPV6_TEXT = Pattern.compile("[0-9a-fA-F:.]{2,45}");

  private final byte[] address;
  private final int prefix;
  private final String text;

  private Cidr(byte[] address, int prefix) {
    this.address = address;
    this.prefix = prefix;
    this.text = format(address) + "/" + prefix;
  }

  /**
   * Parses {@code 10.42.0.0/16} or {@code fd00::/64}.
   *
   * @throws UptimeMeshException (invalid request) naming the text if it is not a CIDR
   */
  public static Cidr parse(String text) {
    int slash = text == null ? -1 : text.indexOf('/');
    if (slash < 0) {
      throw invalid(text, "it needs a /prefix");
    }
    String host = text.substring(0, slash);
    String bits = text.substring(slash + 1);
    byte[] address = parseAddress(host);
    if (address == null) {
      throw invalid(text, "not an IPv4 or IPv6 address");
    }
    int max = address.length * 8;
    int prefix;
    if (!bits.matches("0|[1-9][0-9]{0,2}") || (prefix = Integer.parseInt(bits)) > max) {
      throw invalid(text, "the prefix must be 0 to " + max);
    }
    for (int bit = prefix; bit < max; bit++) {
      if ((address[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
        throw invalid(text, "host bits are set after /" + prefix);
      }
    }
    return new Cidr(address, prefix);
  }

  /**
   * The single-address network of an IPv4 ({@code /32}) or IPv6 ({@code /128}) literal.
   *
   * @throws UptimeMeshException (invalid request) if it is not an IP literal
   */
  public static Cidr host(String address) {
    byte[] bytes = address == null ? null : parseAddress(address);
    if (bytes == null) {
      throw UptimeMeshException.invalid(address + " is not an IPv4 or IPv6 address");
    }
    return new Cidr(bytes, bytes.length * 8);
  }

  /** The address bytes of an IPv4 or IPv6 literal, or null; never resolves a name. */
  static byte[] parseAddress(String host) {
    OptionalLong v4 = Ipv4.parse(host);
    if (v4.isPresent()) {
      long value = v4.getAsLong();
      return new byte[] {
        (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value
      };
    }
    if (!host.contains(":") || !IPV6_TEXT.matcher(host).matches()) {
      return null;
    }
    try {
      // A literal with a colon is parsed, never looked up.
      byte[] bytes = InetAddress.getByName(host).getAddress();
      return bytes.length == 16 ? bytes : null;
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** Dotted quad for IPv4; RFC 5952 for IPv6 ({@link IpText}). */
  static String format(byte[] address) {
    return IpText.format(address);
  }

  private static UptimeMeshException invalid(String text, String why) {
    return UptimeMeshException.invalid("allowed IP " + text + " is not a CIDR: " + why);
  }

  /** The network address without its prefix length, in the form {@link #toString()} uses. */
  public String address() {
    return text.substring(0, text.indexOf('/'));
  }

  /** The prefix length. */
  public int prefix() {
    return prefix;
  }

  /** True for an IPv6 network. */
  public boolean isIpv6() {
    return address.length == 16;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Cidr that
        && prefix == that.prefix
        && Arrays.equals(address, that.address);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(address) + prefix;
  }

  @Override
  public int compareTo(Cidr other) {
    int byFamily = Integer.compare(address.length, other.address.length);
    if (byFamily != 0) {
      return byFamily;
    }
    int byAddress = Arrays.compareUnsigned(address, other.address);
    return byAddress != 0 ? byAddress : Integer.compare(prefix, other.prefix);
  }

  /** The CIDR as {@code wg} prints it. */
  @Override
  public String toString() {
    return text;
  }
}
