package io.uptimemesh.wireguard.ip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.wireguard.Cidr;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the JSON that {@code ip -j} prints (iproute2 6.x), keeping only what concerns the managed
 * interfaces. Pure.
 *
 * <p>Quirks handled: a host route's {@code dst} has no prefix length ({@code "10.42.0.2"} means
 * {@code /32}), the default route's is {@code "default"}, and an IPv4 route of metric 0 has no
 * {@code metric} field. Multipath routes (a {@code nexthops} array instead of a {@code dev}) are
 * never ours and are skipped.
 */
public final class IpJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private IpJson() {}

  /**
   * The managed interfaces in the output of {@code ip -j address show}, by name; an interface that
   * does not exist is absent.
   *
   * @throws UptimeMeshException (internal) naming what could not be read
   */
  public static Map<String, IpLink> links(String json, Set<String> devices) {
    Map<String, IpLink> links = new LinkedHashMap<>();
    for (JsonNode link : array(json, "ip address show")) {
      String name = link.path("ifname").asText();
      if (!devices.contains(name)) {
        continue;
      }
      boolean up = false;
      for (JsonNode flag : link.path("flags")) {
        up |= flag.asText().equals("UP");
      }
      List<LinkAddress> addresses = new ArrayList<>();
      for (JsonNode info : link.path("addr_info")) {
        if (info.path("scope").asText().equals("link")) {
          continue;
        }
        String local = info.path("local").asText(null);
        if (local == null || !info.has("prefixlen")) {
          throw unreadable("ip address show", "an address of " + name + " has no local/prefixlen");
        }
        addresses.add(new LinkAddress(name, local, info.path("prefixlen").asInt()));
      }
      links.put(name, new IpLink(name, up, link.path("mtu").asInt(), addresses));
    }
    return links;
  }

  /**
   * The routes on the managed interfaces in the output of {@code ip -j -4|-6 route show}, but
   * {@code proto kernel} ones (made by the kernel for an address; it removes them itself).
   *
   * @param ipv6 whether the output is of {@code -6} (for {@code "default"})
   * @throws UptimeMeshException (internal) naming what could not be read
   */
  public static List<IpRoute> routes(String json, boolean ipv6, Set<String> devices) {
    List<IpRoute> routes = new ArrayList<>();
    for (JsonNode route : array(json, "ip route show")) {
      String device = route.path("dev").asText(null);
      if (device == null || !devices.contains(device) || route.has("nexthops")) {
        continue;
      }
      if (route.path("protocol").asText().equals("kernel")) {
        continue;
      }
      String dst = route.path("dst").asText(null);
      if (dst == null) {
        throw unreadable("ip route show", "a route on " + device + " has no dst");
      }
      Cidr destination;
      try {
        if (dst.equals("default")) {
          destination = Cidr.parse(ipv6 ? "::/0" : "0.0.0.0/0");
        } else if (dst.contains("/")) {
          destination = Cidr.parse(dst);
        } else {
          destination = Cidr.host(dst);
        }
      } catch (UptimeMeshException e) {
        throw unreadable("ip route show", "route destination " + dst + " on " + device);
      }
      Optional<String> source = Optional.ofNullable(route.path("prefsrc").asText(null));
      routes.add(new IpRoute(device, destination, route.path("metric").asLong(0), source));
    }
    return routes;
  }

  /**
   * The managed interfaces whose IPv4 reverse-path filter is strict, from {@code ip -j netconf
   * show}: the kernel applies the larger of the {@code all} value and the interface's own ({@code
   * off} 0, {@code strict} 1, {@code loose} 2), so an interface is strict when that maximum is 1.
   */
  public static Set<String> strictReversePathFilter(String json, Set<String> devices) {
    int all = 0;
    Map<String, Integer> own = new LinkedHashMap<>();
    for (JsonNode conf : array(json, "ip netconf show")) {
      if (!conf.path("family").asText().equals("inet") || !conf.has("rp_filter")) {
        continue;
      }
      int value =
          switch (conf.path("rp_filter").asText()) {
            case "strict" -> 1;
            case "loose" -> 2;
            default -> 0;
          };
      String name = conf.path("interface").asText();
      if (name.equals("all")) {
        all = value;
      } else if (devices.contains(name)) {
        own.put(name, value);
      }
    }
    Set<String> strict = new TreeSet<>();
    for (Map.Entry<String, Integer> entry : own.entrySet()) {
      if (Math.max(all, entry.getValue()) == 1) {
        strict.add(entry.getKey());
      }
    }
    return strict;
  }

  private static Iterable<JsonNode> array(String json, String command) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json.isBlank() ? "[]" : json);
    } catch (IOException e) {
      throw unreadable(command, "not JSON: " + e.getMessage());
    }
    if (!root.isArray()) {
      throw unreadable(command, "not a JSON array");
    }
    return root;
  }

  private static UptimeMeshException unreadable(String command, String why) {
    return new UptimeMeshException(ErrorCode.INTERNAL, "cannot read " + command + ": " + why);
  }
}
