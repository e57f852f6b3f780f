package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code uptimemesh nodes revoke ID}, {@code uptimemesh nodes rotate-wg-keys ID} and {@code
 * uptimemesh nodes cordon|uncordon|drain ID} and {@code uptimemesh nodes show ID}.
 */
@Command(
    name = "nodes",
    mixinStandardHelpOptions = true,
    description = "Manage nodes.",
    subcommands = {
      NodesCommand.Revoke.class,
      NodesCommand.RotateWgKeys.class,
      NodesCommand.Cordon.class,
      NodesCommand.Uncordon.class,
      NodesCommand.Drain.class,
      NodesCommand.Show.class
    })
public final class NodesCommand implements Runnable {
  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        new picocli.CommandLine(this),
        "name a subcommand: revoke, rotate-wg-keys, cordon, uncordon, drain, show");
  }

  /** Cordon, uncordon and drain: one POST, the node's scheduling state in the answer. */
  abstract static class Scheduling extends ClientCommand {
    @Parameters(paramLabel = "ID")
    String id;

    abstract String action();

    @Override
    protected int run() {
      JsonNode r =
          authenticated()
              .post("/api/v1/nodes/" + Urls.segment(id) + "/" + action(), java.util.Map.of());
      if (json()) {
        printJson(r);
        return 0;
      }
      JsonNode s = r.path("scheduling");
      String state =
          s.path("draining").asBoolean()
              ? "cordoned and draining (its replicas are moved away)"
              : s.path("cordoned").asBoolean()
                  ? "cordoned (no new replicas; the ones it runs stay)"
                  : "schedulable";
      System.out.println("node " + id + ": " + state);
      if (s.path("draining").asBoolean()) {
        int left = r.path("replicas_on_node").asInt();
        System.out.println(
            left == 0
                ? "no replicas left on " + id
                : left
                    + " replica(s) still on "
                    + id
                    + "; see: uptimemesh replicas list --node "
                    + id);
      }
      return 0;
    }
  }

  @Command(
      name = "cordon",
      mixinStandardHelpOptions = true,
      description = "Stop placing new replicas on a node; the ones it runs stay.")
  public static final class Cordon extends Scheduling {
    @Override
    String action() {
      return "cordon";
    }
  }

  @Command(
      name = "uncordon",
      mixinStandardHelpOptions = true,
      description = "Make a cordoned or draining node schedulable again (ends a drain).")
  public static final class Uncordon extends Scheduling {
    @Override
    String action() {
      return "uncordon";
    }
  }

  @Command(
      name = "drain",
      mixinStandardHelpOptions = true,
      description =
          "Cordon a node and have the scheduler move its replicas away (make-before-break).")
  public static final class Drain extends Scheduling {
    @Override
    String action() {
      return "drain";
    }
  }

  /** Revokes a node: its certificate is refused everywhere from now on. */
  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "Revoke a node's identity.")
  public static final class Revoke extends ClientCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    protected int run() {
      JsonNode r = authenticated().post("/api/v1/nodes/" + id + "/revoke", java.util.Map.of());
      if (json()) {
        printJson(r);
      } else {
        System.out.println("node " + id + " revoked");
      }
      return 0;
    }
  }

  /**
   * Asks a node's agent to make new WireGuard keys: the desired key generation goes up, the agent
   * registers new public keys, and its peers pick them up from their streams.
   */
  @Command(
      name = "rotate-wg-keys",
      mixinStandardHelpOptions = true,
      description = "Make a node's agent generate new WireGuard keys.")
  public static final class RotateWgKeys extends ClientCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    protected int run() {
      JsonNode r =
          authenticated().post("/api/v1/nodes/" + id + "/rotate-wg-keys", java.util.Map.of());
      if (json()) {
        printJson(r);
      } else {
        System.out.println(
            "node "
                + id
                + ": WireGuard key generation "
                + r.path("wg_key_generation").asLong()
                + " requested; its agent makes new keys when it next syncs");
      }
      return 0;
    }
  }

  /**
   * One node as the console's Node detail page shows it: identity, state, scheduling and, per peer,
   * the active WireGuard path with each path's state and handshake.
   */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show one node: identity, state and its WireGuard paths per peer.")
  public static final class Show extends ClientCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    protected int run() {
      JsonNode n = authenticated().get("/api/v1/nodes/" + Urls.segment(id));
      if (json()) {
        printJson(n);
        return 0;
      }
      System.out.println(
          "node " + n.path("node_id").asText() + " (" + n.path("name").asText() + ")");
      System.out.println("  role:       " + n.path("role").asText());
      System.out.println("  state:      " + n.path("state").asText());
      System.out.println("  mesh ip:    " + n.path("mesh_ip").asText("-"));
      System.out.println("  cert:       " + n.path("cert_fingerprint").asText("-"));
      JsonNode s = n.path("scheduling");
      System.out.println(
          "  scheduling: "
              + (s.path("draining").asBoolean()
                  ? "draining"
                  : s.path("cordoned").asBoolean() ? "cordoned" : "schedulable"));
      JsonNode paths = n.path("status").path("wireguard").path("paths");
      if (!paths.isArray() || paths.isEmpty()) {
        System.out.println("  paths:      none reported");
        return 0;
      }
      System.out.println("  PEER  ACTIVE  PRIMARY  SECONDARY  FAILOVERS  FAILBACKS");
      for (JsonNode p : paths) {
        System.out.println(
            "  "
                + String.join(
                    "  ",
                    p.path("peer").asText(),
                    p.path("active").asText(),
                    side(p.path("primary")),
                    side(p.path("secondary")),
                    p.path("failovers").asText(),
                    p.path("failbacks").asText()));
      }
      return 0;
    }

    private static String side(JsonNode side) {
      return side.path("state").asText("unknown") + "/" + side.path("handshake").asText("unknown");
    }
  }
}
