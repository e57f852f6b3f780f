package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code uptimemesh nodes revoke ID} and {@code uptimemesh nodes rotate-wg-keys ID}. */
@Command(
    name = "nodes",
    mixinStandardHelpOptions = true,
    description = "Manage nodes.",
    subcommands = {NodesCommand.Revoke.class, NodesCommand.RotateWgKeys.class})
public final class NodesCommand implements Runnable {
  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        new picocli.CommandLine(this), "name a subcommand: revoke, rotate-wg-keys");
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
}
