package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code uptimemesh bootstrap}. */
@Command(
    name = "bootstrap",
    mixinStandardHelpOptions = true,
    description = {
      "Initialise a new cluster: cluster id, CA, the admin account and a join token for this node.",
      "Runs only from the core node itself and only once; prints the admin password and the token"
          + " once."
    })
public final class BootstrapCommand extends ClientCommand {
  @Override
  protected int run() {
    JsonNode r = anonymous().post("/api/v1/bootstrap", Map.of());
    if (json()) {
      printJson(r);
      return 0;
    }
    System.out.println("cluster " + r.path("cluster_id").asText() + " bootstrapped");
    System.out.println("admin username: " + r.path("admin_username").asText());
    System.out.println("admin password: " + r.path("admin_password").asText());
    System.out.println(
        "join token for this node (role core, single use): " + r.path("join_token").asText());
    System.out.println(
        "These are shown once: store the password now and change it at first login.");
    return 0;
  }
}
