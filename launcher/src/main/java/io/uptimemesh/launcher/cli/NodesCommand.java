package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code uptimemesh nodes revoke ID}. */
@Command(
    name = "nodes",
    mixinStandardHelpOptions = true,
    description = "Manage nodes.",
    subcommands = {NodesCommand.Revoke.class})
public final class NodesCommand implements Runnable {
  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        new picocli.CommandLine(this), "name a subcommand: revoke");
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
}
