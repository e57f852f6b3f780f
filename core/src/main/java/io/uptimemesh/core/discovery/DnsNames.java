package io.uptimemesh.core.discovery;

import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.net.IpText;
import io.uptimemesh.core.net.Ipv4;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * RFC 1035 labels and IP literals for the discovery zone. The API rejects bad input with {@link
 * #requireLabel}/{@link #requireAddress}; the renderer uses the non-throwing forms so a bad record
 * is left out rather than breaking the whole zone.
 */
public final class DnsNames {
  /** RFC 1035 section 2.3.1, lower case only: letter or digit first and last, hyphens inside. */
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  /** Characters an IPv6 literal may hold; checked first so getByName never does a DNS lookup. */
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");

  /** RFC 1035 2.3.4: a name is at most 255 octets on the wire, 253 characters as text. */
  public static final int MAX_NAME_LENGTH = 253;

  public static final int MAX_LABEL_LENGTH = 63;

  private DnsNames() {}

  public static boolean isLabel(String text) {
    return text != null && LABEL.matcher(text).matches();
  }

  /**
   * Checks a label given by a user.
   *
   * @param field the request field, named in the error
   * @throws UptimeMeshException invalid_request if text is not a lower-case RFC 1035 label
   */
  public static String requireLabel(String field, String text) {
    if (!isLabel(text)) {
      throw UptimeMeshException.invalid(
          field
              + " must be a DNS label: 1-63 lower-case letters, digits or hyphens, not starting or"
              + " ending with a hyphen");
    }
    return text;
  }

  /**
   * Maps an arbitrary name to a valid label: lower case, every other character to '-', runs of
   * hyphens kept (they are legal), leading and trailing hyphens trimmed, cut to 63.
   *
   * @return the label, or empty if nothing usable remains (e.g. "___" or "日本")
   */
  public static Optional<String> sanitise(String name) {
    if (name == null) {
      return Optional.empty();
    }
    String lower = name.toLowerCase(Locale.ROOT);
    StringBuilder out = new StringBuilder(lower.length());
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      out.append(ok ? c : '-');
    }
    String label = trimHyphens(out.toString());
    if (label.length() > MAX_LABEL_LENGTH) {
      label = trimHyphens(label.substring(0, MAX_LABEL_LENGTH));
    }
    return isLabel(label) ? Optional.of(label) : Optional.empty();
  }

  /** Like {@link #sanitise} but rejects a name that leaves nothing. */
  public static String requireSanitised(String field, String name) {
    return sanitise(name)
        .orElseThrow(
            () ->
                UptimeMeshException.invalid(
                    field + " must contain at least one ASCII letter or digit"));
  }

  private static String trimHyphens(String text) {
    int start = 0;
    int end = text.length();
    while (start < end && text.charAt(start) == '-') {
      start++;
    }
    while (end > start && text.charAt(end - 1) == '-') {
      end--;
    }
    return text.substring(start, end);
  }

  /**
   * Parses an IPv4 dotted quad (no leading zeros) or an IPv6 literal (no zone id, no brackets).
   *
   * @return the canonical text (IPv6 compressed, lower case) or empty if not an IP literal
   */
  public static Optional<IpLiteral> parseAddress(String text) {
    if (text == null || text.isEmpty()) {
      return Optional.empty();
    }
    if (Ipv4.parse(text).isPresent()) {
      return Optional.of(new IpLiteral(text, false));
    }
    if (!text.contains(":") || !IPV6_CHARS.matcher(text).matches()) {
      return Optional.empty();
    }
    try {
      // Only hex digits, colons and dots reach here, so this parses a literal and never resolves.
      InetAddress address = InetAddress.getByName(text);
      if (!(address instanceof Inet6Address)) {
        // An IPv4-mapped literal (::ffff:a.b.c.d) comes back as Inet4Address: not an AAAA value.
        return Optional.empty();
      }
      return Optional.of(new IpLiteral(IpText.format(address.getAddress()), true));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /**
   * Checks an address given by a user.
   *
   * @throws UptimeMeshException invalid_request naming the field if it is not an IP literal
   */
  public static IpLiteral requireAddress(String field, String text) {
    return parseAddress(text)
        .orElseThrow(
            () ->
                UptimeMeshException.invalid(
                    field + " must be an IPv4 (a.b.c.d) or IPv6 address literal"));
  }

  /**
   * An IP literal in canonical text.
   *
   * @param text dotted quad or RFC 5952 IPv6 text
   * @param ipv6 true for an AAAA value, false for an A value
   */
  public record IpLiteral(String text, boolean ipv6) {
    public String recordType() {
      return ipv6 ? "AAAA" : "A";
    }
  }
}
