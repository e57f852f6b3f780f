package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.etcd.ops.SnapshotId;
import io.uptimemesh.etcd.ops.SnapshotStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code uptimemesh snapshot-download ID --output FILE}. */
@Command(
    name = "snapshot-download",
    mixinStandardHelpOptions = true,
    description = {
      "Download a snapshot and verify its SHA-256; writes FILE and FILE.sha256 (sha256sum format).",
      "FILE appears only once the checksum matches; an existing FILE is never overwritten."
    })
public final class SnapshotDownloadCommand implements Callable<Integer> {
  @Parameters(paramLabel = "ID")
  String id;

  // --output names the file here, so this command cannot take ClientCommand's --output format.
  @Option(names = "--output", required = true, paramLabel = "FILE", description = "Where to save.")
  Path file;

  @Option(
      names = "--api-url",
      defaultValue = "${env:UPTIMEMESH_API_URL:-http://127.0.0.1:8010}",
      description = "Core node API URL (default: ${DEFAULT-VALUE}).")
  String apiUrl;

  @Override
  public Integer call() {
    try {
      return run();
    } catch (CliException | UptimeMeshException | IOException e) {
      System.err.println("error: " + e.getMessage());
      return 1;
    } catch (IllegalArgumentException e) {
      System.err.println("error: --api-url " + apiUrl + " is not a URL");
      return 1;
    }
  }

  private int run() throws IOException {
    SnapshotId.validate(id);
    Path target = file.toAbsolutePath().normalize();
    if (Files.exists(target)) {
      throw new CliException(target + " exists; choose another --output");
    }
    String token =
        Credentials.forUser()
            .token(apiUrl)
            .orElseThrow(
                () -> new CliException("not logged in to " + apiUrl + ": run uptimemesh login"));
    ApiClient api = new ApiClient(ApiClient.parseUrls(apiUrl), token);
    JsonNode meta = api.get("/api/v1/snapshots/" + id).path("snapshot");
    Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
    try {
      ApiClient.Downloaded d =
          api.download("/api/v1/snapshots/" + id + "/download", temp, Duration.ofHours(2));
      String actual = SnapshotStore.sha256(temp);
      String announced = d.headers().firstValue("X-Snapshot-SHA256").orElse("");
      if (!actual.equals(announced) || !actual.equals(meta.path("sha256").asText())) {
        throw new CliException(
            "downloaded snapshot "
                + id
                + " has SHA-256 "
                + actual
                + " but the server recorded "
                + meta.path("sha256").asText()
                + "; nothing was written");
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      Files.writeString(
          target.resolveSibling(target.getFileName() + ".sha256"),
          actual + "  " + target.getFileName() + "\n",
          StandardCharsets.US_ASCII);
      System.out.println(
          "snapshot "
              + id
              + " saved to "
              + target
              + " ("
              + Bytes.human(d.bytes())
              + ", sha256 "
              + actual
              + " verified)");
      return 0;
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
