package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code uptimemesh create-token}: prints the token once. */
@Command(
    name = "create-token",
    mixinStandardHelpOptions = true,
    description = "Create a join token (shown once).")
public final class CreateTokenCommand extends ClientCommand {
  @Option(names = "--role", required = true, description = "worker, core or gateway.")
  String role;

  @Option(
      names = "--ttl",
      defaultValue = "30m",
      description = "How long it is valid, e.g. 30m, 2h, 7d (default: ${DEFAULT-VALUE}).")
  String ttl;

  @Option(
      names = "--uses",
      defaultValue = "1",
      description = "How many joins it allows (default: ${DEFAULT-VALUE}).")
  int uses;

  @Option(names = "--label", description = "k=v label given to joining nodes; repeatable.")
  List<String> labels;

  @Option(
      names = "--allow-replace",
      description = "Allow joins with --replace of an existing node id.")
  boolean allowReplace;

  @Override
  protected int run() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("role", role);
    body.put("ttl_seconds", Times.parse("--ttl", ttl).toSeconds());
    body.put("uses", uses);
    body.put("labels", Labels.parse(labels));
    body.put("allow_replace", allowReplace);
    JsonNode r = authenticated().post("/api/v1/tokens", body);
    if (json()) {
      printJson(r);
    } else {
      System.out.println(r.path("token").asText());
      System.err.println(
          "token "
              + r.path("id").asText()
              + ": role "
              + r.path("role").asText()
              + ", "
              + r.path("uses_left").asInt()
              + " use(s), expires "
              + Times.at(r.path("expires_at_ms").asLong())
              + " (shown once)");
    }
    return 0;
  }
}
