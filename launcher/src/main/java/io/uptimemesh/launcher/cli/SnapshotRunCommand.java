package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code uptimemesh snapshot-run [--wait]}. */
@Command(
    name = "snapshot-run",
    mixinStandardHelpOptions = true,
    description = {
      "Start an etcd snapshot on the core node behind --api-url; prints its id at once.",
      "The snapshot is written to that node's ETCD_SNAPSHOT_DIR as <id>.db with <id>.db.sha256"
          + " and <id>.json; the oldest beyond ETCD_SNAPSHOT_RETENTION are deleted."
    })
public final class SnapshotRunCommand extends ClientCommand {
  @Option(names = "--wait", description = "Wait until the snapshot is done; exit 1 if it failed.")
  boolean await;

  @Option(
      names = "--timeout",
      defaultValue = "30m",
      description = "How long --wait waits, e.g. 90s, 10m (default: ${DEFAULT-VALUE}).")
  String timeout;

  @Override
  protected int run() throws InterruptedException {
    Duration limit = Times.parse("--timeout", timeout);
    ApiClient api = authenticated();
    JsonNode job = api.post("/api/v1/snapshots", Map.of());
    String id = job.path("id").asText();
    if (!await) {
      if (json()) {
        printJson(job);
      } else {
        System.out.println("snapshot " + id + " started; see uptimemesh snapshot-list");
      }
      return 0;
    }
    long deadline = System.nanoTime() + limit.toNanos();
    while (job.path("state").asText().equals("running")) {
      if (System.nanoTime() > deadline) {
        throw new CliException(
            "snapshot " + id + " still running after " + limit.toSeconds() + " s");
      }
      Thread.sleep(300);
      job = api.get("/api/v1/snapshots/" + id);
    }
    if (json()) {
      printJson(job);
    } else if (job.path("state").asText().equals("succeeded")) {
      JsonNode s = job.path("snapshot");
      System.out.println(
          "snapshot "
              + id
              + " done: "
              + Bytes.human(s.path("size").asLong())
              + " at revision "
              + s.path("revision").asLong()
              + " in "
              + s.path("duration_ms").asLong()
              + " ms, sha256 "
              + s.path("sha256").asText());
    }
    if (!job.path("state").asText().equals("succeeded")) {
      System.err.println("error: snapshot " + id + " failed: " + job.path("error").asText());
      return 1;
    }
    return 0;
  }
}
