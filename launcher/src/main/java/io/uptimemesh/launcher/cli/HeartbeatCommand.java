package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import io.uptimemesh.agent.HeartbeatSender;
import io.uptimemesh.agent.identity.IdentityFiles;
import io.uptimemesh.core.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code uptimemesh heartbeat}: one signed heartbeat, with the agent's own sender. */
@Command(
    name = "heartbeat",
    mixinStandardHelpOptions = true,
    description = "Send one signed heartbeat for a joined node.")
public final class HeartbeatCommand extends ClientCommand {
  @Mixin NodeIdentityOptions node;

  @Option(
      names = "--status-json",
      defaultValue = "{}",
      description = "Status object to report (default: {}).")
  String statusJson;

  @Override
  protected int run() throws Exception {
    IdentityFiles files = node.existing();
    String nodeId = node.nodeId;
    Map<String, Object> status;
    try {
      status = Json.mapper().readValue(statusJson, new TypeReference<Map<String, Object>>() {});
    } catch (Exception e) {
      throw new CliException("--status-json is not a JSON object");
    }
    HeartbeatSender sender = new HeartbeatSender(HttpClient.newHttpClient(), nodeId, files);
    HeartbeatSender.Response r;
    try {
      r = sender.send(URI.create(apiUrl), status).get();
    } catch (ExecutionException e) {
      throw new CliException("cannot reach " + apiUrl + ": " + e.getCause().getMessage());
    }
    var body = Json.mapper().readTree(r.body().isEmpty() ? "{}" : r.body());
    if (r.status() != 200) {
      String reason = body.hasNonNull("reason") ? " (" + body.get("reason").asText() + ")" : "";
      throw new CliException(
          "heartbeat refused: " + body.path("message").asText("HTTP " + r.status()) + reason);
    }
    if (json()) {
      printJson(body);
    } else {
      System.out.println("heartbeat " + body.path("seq").asLong() + " accepted for " + nodeId);
    }
    return 0;
  }
}
