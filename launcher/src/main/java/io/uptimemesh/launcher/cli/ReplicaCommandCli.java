package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code replicas restart|snapshot|restore ID}: the command goes into the replica's record and its
 * node's agent carries it out; {@code --wait} follows the replica until the agent reports it done.
 */
public final class ReplicaCommandCli {
  private ReplicaCommandCli() {}

  /** How often {@code --wait} looks at the replica. */
  static final Duration POLL = Duration.ofMillis(500);

  /** What the three commands share: the replica, waiting, sending and following. */
  abstract static class Base extends ClientCommand {
    @Parameters(paramLabel = "ID", description = "The replica.")
    String id;

    @Option(
        names = "--wait",
        description =
            "Wait until the replica's agent reports the command done; exit 1 if it failed.")
    boolean await;

    @Option(
        names = "--timeout",
        paramLabel = "SECONDS",
        defaultValue = "300",
        description = "How long --wait waits (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    abstract String kind();

    Map<String, Object> body() {
      return Map.of();
    }

    @Override
    protected int run() {
      ApiClient api = authenticated();
      JsonNode r = api.post("/api/v1/replicas/" + Urls.segment(id) + "/" + kind(), body());
      long seq = r.path("seq").asLong();
      if (!await) {
        if (json()) {
          printJson(r);
        } else {
          System.out.println(kind() + " of replica " + id + " requested (command " + seq + ")");
        }
        return 0;
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
      while (true) {
        JsonNode replica = api.get("/api/v1/replicas/" + Urls.segment(id));
        if (replica.path("command_seq_done").asLong() >= seq) {
          String error = replica.path("command_error").asText();
          if (json()) {
            printJson(replica);
          } else if (error.isEmpty()) {
            System.out.println(kind() + " of replica " + id + " done");
          }
          if (!error.isEmpty()) {
            throw new CliException(kind() + " of replica " + id + " failed: " + error);
          }
          return 0;
        }
        if (System.nanoTime() > deadline) {
          throw new CliException(
              kind()
                  + " of replica "
                  + id
                  + " not reported done within "
                  + timeoutSeconds
                  + " s (is its node's agent running?)");
        }
        try {
          Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CliException("interrupted");
        }
      }
    }
  }

  /** {@code replicas restart ID}. */
  @Command(
      name = "restart",
      mixinStandardHelpOptions = true,
      description = "Restart a replica's container (its node's agent does it).")
  public static final class Restart extends Base {
    @Override
    String kind() {
      return "restart";
    }
  }

  /** A command on one of the replica's snapshots ({@code --name}). */
  abstract static class Named extends Base {
    @Option(names = "--name", paramLabel = "N", required = true, description = "Snapshot name.")
    String name;

    @Override
    Map<String, Object> body() {
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("name", name);
      return b;
    }
  }

  /** {@code replicas snapshot ID --name N}. */
  @Command(
      name = "snapshot",
      mixinStandardHelpOptions = true,
      description =
          "Snapshot a replica's container as NAME (letters, digits, - _ .; gen-* names are the"
              + " agent's own).")
  public static final class Snapshot extends Named {
    @Override
    String kind() {
      return "snapshot";
    }
  }

  /** {@code replicas restore ID --name N}. */
  @Command(
      name = "restore",
      mixinStandardHelpOptions = true,
      description = "Restore a replica's container to one of its snapshots (see replicas list).")
  public static final class Restore extends Named {
    @Override
    String kind() {
      return "restore";
    }
  }
}
