package io.uptimemesh.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.json.Json;
import io.uptimemesh.wireguard.CommandRunner;
import java.io.IOException;

/**
 * The address of the default route's interface, the primary endpoint's host when {@code
 * RUNTIME_WG_PRIMARY_ENDPOINT} is empty: {@code ip -j route show default} names the interface,
 * {@code ip -j addr show dev} gives its first global IPv4 address (IPv6 when it has none). Blocking
 * (runs {@code ip}).
 */
public final class UnderlayAddress {
  /** The default primary port. */
  public static final int DEFAULT_PORT = 51820;

  private UnderlayAddress() {}

  public static String ofDefaultRoute(CommandRunner commands) {
    try {
      String dev = deviceOf(commands.run("ip", "-j", "route", "show", "default").stdout());
      return addressOf(commands.run("ip", "-j", "addr", "show", "dev", dev).stdout());
    } catch (IOException e) {
      throw UptimeMeshException.invalid("cannot read ip's JSON output: " + e.getMessage());
    }
  }

  static String deviceOf(String routesJson) throws IOException {
    for (JsonNode route : Json.mapper().readTree(routesJson)) {
      if (route.hasNonNull("dev")) {
        return route.get("dev").asText();
      }
    }
    throw UptimeMeshException.invalid(
        "no default route: set RUNTIME_WG_PRIMARY_ENDPOINT to this node's underlay host:port");
  }

  static String addressOf(String addrJson) throws IOException {
    String v6 = null;
    for (JsonNode link : Json.mapper().readTree(addrJson)) {
      for (JsonNode a : link.path("addr_info")) {
        if (!"global".equals(a.path("scope").asText("global"))) {
          continue;
        }
        if ("inet".equals(a.path("family").asText())) {
          return a.path("local").asText();
        }
        if (v6 == null && "inet6".equals(a.path("family").asText())) {
          v6 = a.path("local").asText();
        }
      }
    }
    if (v6 != null) {
      return v6;
    }
    throw UptimeMeshException.invalid(
        "the default route's interface has no global address: set RUNTIME_WG_PRIMARY_ENDPOINT");
  }
}
