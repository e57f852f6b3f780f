package io.uptimemesh.launcher.cli;

import io.uptimemesh.agent.identity.IdentityFiles;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --node-id} and {@code --identity-dir} of the commands that act as a joined node. */
public final class NodeIdentityOptions {
  @Option(names = "--node-id", required = true, description = "The node.")
  String nodeId;

  @Option(
      names = "--identity-dir",
      description = "Where identities live (default: <UPTIMEMESH_DATA_DIR>/identities).")
  Path identityDir;

  /** The node's identity files; fails with a clear message when the node has not joined. */
  IdentityFiles existing() {
    IdentityFiles files = new IdentityFiles(JoinCommand.identityRoot(identityDir), nodeId);
    if (!files.exists()) {
      throw new CliException(
          "no identity for " + nodeId + " in " + files.dir() + ": run uptimemesh join first");
    }
    return files;
  }
}
