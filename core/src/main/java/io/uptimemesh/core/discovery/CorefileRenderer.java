package io.uptimemesh.core.discovery;

import io.uptimemesh.core.error.UptimeMeshException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Renders the CoreDNS Corefile that serves the discovery zone: one server block for the domain (the
 * {@code file} plugin reloading the zone the agent writes) and one for {@code .} forwarding
 * everything else to the configured upstreams. Both bind only the given listen address so the
 * resolver is not opened beyond the mesh.
 */
public final class CorefileRenderer {
  /** Corefile tokens end at whitespace, braces, quotes and '#'; a path with them would be cut. */
  private static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9._/+@=,-]*");

  private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

  private CorefileRenderer() {}

  /**
   * {@link #render(String, int, String, String, int, List, int, boolean)} with query logging off.
   */
  public static String render(
      String listenAddress,
      int port,
      String domain,
      String zonePath,
      int reloadSeconds,
      List<String> upstreams,
      int cacheSeconds) {
    return render(
        listenAddress, port, domain, zonePath, reloadSeconds, upstreams, cacheSeconds, false);
  }

  /**
   * @param listenAddress IP literal CoreDNS binds
   * @param port 1..65535
   * @param domain the discovery domain
   * @param zonePath absolute path of the zone file (no spaces, quotes, braces or '#')
   * @param reloadSeconds how often CoreDNS checks the file's serial, at least 1
   * @param upstreams {@code IP} or {@code IP:port} ({@code [IPv6]:port}); empty: no {@code .} block
   * @param cacheSeconds 0 disables the cache plugin
   * @param log true adds the {@code log} plugin (one line per query)
   */
  public static String render(
      String listenAddress,
      int port,
      String domain,
      String zonePath,
      int reloadSeconds,
      List<String> upstreams,
      int cacheSeconds,
      boolean log) {
    String bind = DnsNames.requireAddress("listen address", listenAddress).text();
    if (port < 1 || port > 65535) {
      throw UptimeMeshException.invalid("port must be between 1 and 65535");
    }
    String origin = ZoneRenderer.requireDomain(domain);
    if (zonePath == null || !SAFE_PATH.matcher(zonePath).matches()) {
      throw UptimeMeshException.invalid(
          "zone path must be absolute and contain only letters, digits and ._/+@=,-");
    }
    if (reloadSeconds < 1) {
      throw UptimeMeshException.invalid("reload seconds must be at least 1");
    }
    if (cacheSeconds < 0) {
      throw UptimeMeshException.invalid("cache seconds must not be negative");
    }
    List<String> forwards = new ArrayList<>();
    for (String upstream : upstreams) {
      forwards.add(requireUpstream(upstream));
    }

    StringBuilder out = new StringBuilder();
    out.append(origin).append(':').append(port).append(" {\n");
    out.append("    bind ").append(bind).append('\n');
    out.append("    file ").append(zonePath).append(' ').append(origin).append(" {\n");
    out.append("        reload ").append(reloadSeconds).append("s\n");
    out.append("    }\n");
    appendCommon(out, cacheSeconds, log);
    out.append("}\n");
    if (!forwards.isEmpty()) {
      out.append("\n.:").append(port).append(" {\n");
      out.append("    bind ").append(bind).append('\n');
      out.append("    forward . ").append(String.join(" ", forwards)).append('\n');
      appendCommon(out, cacheSeconds, log);
      out.append("}\n");
    }
    return out.toString();
  }

  private static void appendCommon(StringBuilder out, int cacheSeconds, boolean log) {
    if (cacheSeconds > 0) {
      out.append("    cache ").append(cacheSeconds).append('\n');
    }
    out.append("    errors\n");
    if (log) {
      out.append("    log\n");
    }
  }

  /**
   * Checks one upstream: {@code 1.1.1.1}, {@code 1.1.1.1:53}, {@code 2001:db8::1} or {@code
   * [2001:db8::1]:53}.
   *
   * @return the canonical form CoreDNS's forward plugin takes
   */
  public static String requireUpstream(String text) {
    String message = "upstream must be IP or IP:port ([IPv6]:port), got: " + text;
    if (text == null || text.isEmpty()) {
      throw UptimeMeshException.invalid(message);
    }
    String host = text;
    String port = null;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw UptimeMeshException.invalid(message);
      }
      host = text.substring(1, close);
      String rest = text.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw UptimeMeshException.invalid(message);
        }
        port = rest.substring(1);
      }
    } else if (text.indexOf(':') == text.lastIndexOf(':') && text.contains(":")) {
      host = text.substring(0, text.indexOf(':'));
      port = text.substring(text.indexOf(':') + 1);
    }
    DnsNames.IpLiteral address =
        DnsNames.parseAddress(host).orElseThrow(() -> UptimeMeshException.invalid(message));
    if (text.startsWith("[") && !address.ipv6()) {
      throw UptimeMeshException.invalid(message);
    }
    if (port != null) {
      if (!PORT.matcher(port).matches()) {
        throw UptimeMeshException.invalid(message);
      }
      int value = Integer.parseInt(port);
      if (value < 1 || value > 65535) {
        throw UptimeMeshException.invalid(message);
      }
    }
    String hostText = address.ipv6() ? "[" + address.text() + "]" : address.text();
    if (!address.ipv6() && port == null) {
      return address.text();
    }
    if (address.ipv6() && port == null) {
      return "[" + address.text() + "]:53";
    }
    return hostText + ":" + port;
  }
}
