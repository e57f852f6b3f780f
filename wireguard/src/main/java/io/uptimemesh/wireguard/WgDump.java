package io.uptimemesh.wireguard;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Parses the output of {@code wg show <iface> dump}: tab-separated, first the interface line
 * (private-key, public-key, listen-port, fwmark), then one line per peer (public-key,
 * preshared-key, endpoint, allowed-ips, latest-handshake, transfer-rx, transfer-tx,
 * persistent-keepalive). {@code (none)} stands for a missing key, endpoint or allowed IP list,
 * {@code off} for fwmark and keepalive 0, and 0 for "no handshake yet".
 *
 * <p>The text holds the private key and preshared keys: errors name the line number and field,
 * never the line itself.
 */
public final class WgDump {
  private static final String NONE = "(none)";
  private static final String OFF = "off";

  private WgDump() {}

  /**
   * Parses one interface's dump.
   *
   * @throws UptimeMeshException (internal) if the text is not a dump this parser understands
   */
  public static WgInterfaceState parse(String text) {
    List<String> lines = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      if (!line.isEmpty()) {
        lines.add(line);
      }
    }
    if (lines.isEmpty()) {
      throw malformed(1, "the interface line is missing");
    }
    String[] head = fields(lines.get(0), 4, 1);
    Optional<WgPrivateKey> privateKey =
        NONE.equals(head[0])
            ? Optional.empty()
            : Optional.of(field(1, "private key", () -> WgPrivateKey.parse(head[0])));
    Optional<WgPublicKey> publicKey =
        NONE.equals(head[1])
            ? Optional.empty()
            : Optional.of(field(1, "public key", () -> WgPublicKey.parse(head[1])));
    int listenPort = (int) number(head[2], 1, "listen port", 65535);
    long fwmark = OFF.equals(head[3]) ? 0 : fwmark(head[3]);
    List<WgPeerState> peers = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      peers.add(peer(lines.get(i), i + 1));
    }
    return new WgInterfaceState(privateKey, publicKey, listenPort, fwmark, peers);
  }

  private static WgPeerState peer(String line, int lineNo) {
    String[] f = fields(line, 8, lineNo);
    WgPublicKey key = field(lineNo, "peer public key", () -> WgPublicKey.parse(f[0]));
    boolean preshared = !NONE.equals(f[1]);
    Optional<WgEndpoint> endpoint =
        NONE.equals(f[2])
            ? Optional.empty()
            : Optional.of(field(lineNo, "endpoint", () -> WgEndpoint.parse(f[2])));
    TreeSet<Cidr> allowed = new TreeSet<>();
    if (!NONE.equals(f[3])) {
      for (String cidr : f[3].split(",", -1)) {
        allowed.add(field(lineNo, "allowed ips", () -> Cidr.parse(cidr)));
      }
    }
    long handshake = number(f[4], lineNo, "latest handshake", Long.MAX_VALUE);
    long rx = number(f[5], lineNo, "transfer rx", Long.MAX_VALUE);
    long tx = number(f[6], lineNo, "transfer tx", Long.MAX_VALUE);
    int keepalive =
        OFF.equals(f[7]) ? 0 : (int) number(f[7], lineNo, "persistent keepalive", 65535);
    return new WgPeerState(
        key,
        preshared,
        endpoint,
        allowed,
        handshake == 0 ? Optional.empty() : Optional.of(Instant.ofEpochSecond(handshake)),
        rx,
        tx,
        keepalive);
  }

  private static String[] fields(String line, int count, int lineNo) {
    String[] fields = line.split("\t", -1);
    if (fields.length != count) {
      throw malformed(
          lineNo, "expected " + count + " tab-separated fields, found " + fields.length);
    }
    return fields;
  }

  private static long number(String text, int lineNo, String what, long max) {
    if (!text.matches("[0-9]{1,19}")) {
      throw malformed(lineNo, what + " is not a number");
    }
    try {
      long value = Long.parseLong(text);
      if (value > max) {
        throw malformed(lineNo, what + " is out of range");
      }
      return value;
    } catch (NumberFormatException e) {
      throw malformed(lineNo, what + " is out of range");
    }
  }

  private static long fwmark(String text) {
    try {
      return text.startsWith("0x") ? Long.parseLong(text.substring(2), 16) : Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw malformed(1, "fwmark is not a number");
    }
  }

  private static <T> T field(int lineNo, String what, Supplier<T> parse) {
    try {
      return parse.get();
    } catch (UptimeMeshException e) {
      // The cause's message may quote the field; only the field's name goes out.
      throw malformed(lineNo, what + " is not valid");
    }
  }

  private static UptimeMeshException malformed(int lineNo, String why) {
    return new UptimeMeshException(
        ErrorCode.INTERNAL, "unexpected output of wg show dump, line " + lineNo + ": " + why);
  }
}
