package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code uptimemesh join}: makes the node's key and CSR locally (the key never leaves the node),
 * checks the server's CA against the pin in the token before sending anything, and writes the
 * identity files.
 */
@Command(
    name = "join",
    mixinStandardHelpOptions = true,
    description = "Join this node to a cluster with a join token.")
public final class JoinCommand extends ClientCommand {
  @Option(names = "--token", required = true, description = "The join token.")
  String token;

  @Option(names = "--node-id", required = true, description = "This node's id: a DNS label.")
  String nodeId;

  @Option(names = "--name", required = true, description = "A human name.")
  String name;

  @Option(names = "--role", description = "worker, core or gateway (default: the token's).")
  String role;

  @Option(names = "--api-endpoint", description = "This node's API URL (core nodes).")
  String apiEndpoint;

  @Option(names = "--etcd-peer-url", description = "This node's etcd peer URL (core nodes).")
  String etcdPeerUrl;

  @Option(names = "--label", description = "k=v label; repeatable.")
  List<String> labels;

  @Option(
      names = "--identity-dir",
      description = "Where identities live (default: <UPTIMEMESH_DATA_DIR>/identities).")
  Path identityDir;

  @Option(names = "--replace", description = "Replace an existing identity of this node id.")
  boolean replace;

  @Override
  protected int run() throws Exception {
    JsonNode r =
        NodeJoiner.join(
            ApiClient.parseUrls(apiUrl),
            identityRoot(identityDir),
            new NodeJoiner.Request(
                token,
                nodeId,
                name,
                role,
                apiEndpoint,
                etcdPeerUrl,
                null,
                Labels.parse(labels),
                replace));
    if (json()) {
      printJson(r);
    } else {
      System.out.println(
          "joined as " + nodeId + " with mesh address " + r.path("mesh_ip").asText());
      System.out.println("identity written to " + r.path("identity_dir").asText());
    }
    return 0;
  }

  static Path identityRoot(Path option) {
    if (option != null) {
      return option;
    }
    String data = System.getenv("UPTIMEMESH_DATA_DIR");
    return Path.of(data == null || data.isBlank() ? "./data" : data).resolve("identities");
  }
}
