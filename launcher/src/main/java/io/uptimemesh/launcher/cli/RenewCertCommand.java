package io.uptimemesh.launcher.cli;

import io.uptimemesh.agent.identity.IdentityFiles;
import io.uptimemesh.agent.identity.RenewalRequest;
import io.uptimemesh.core.heartbeat.HeartbeatSignatures;
import io.uptimemesh.core.idempotency.IdempotencyKeys;
import io.uptimemesh.core.json.Json;
import io.uptimemesh.core.pki.Fingerprints;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code uptimemesh renew-cert}: a new key and CSR, authenticated by the current certificate (the
 * request is signed with its key); the new key and certificate replace the old ones on disk.
 */
@Command(
    name = "renew-cert",
    mixinStandardHelpOptions = true,
    description = "Renew a node's certificate with a new key.")
public final class RenewCertCommand extends ClientCommand {
  @Mixin NodeIdentityOptions node;

  @Override
  protected int run() throws Exception {
    IdentityFiles files = node.existing();
    String nodeId = node.nodeId;
    // The key, CSR and the check of the answer are the agent's own (RenewalRequest); one
    // idempotency key for every attempt, so a lost answer is returned again, not refused.
    RenewalRequest renewal = RenewalRequest.prepare(files, nodeId, System.currentTimeMillis());
    byte[] body = renewal.body();
    String idempotencyKey = renewal.idempotencyKey();
    String signature = HeartbeatSignatures.sign(body, files.key());
    String fingerprint = Fingerprints.sha256(files.certificate());
    List<URI> urls = ApiClient.parseUrls(apiUrl);
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<String> response = null;
    String unreachable = null;
    for (int attempt = 0; attempt < 3 * urls.size() && response == null; attempt++) {
      URI base = urls.get(attempt % urls.size());
      HttpRequest http =
          HttpRequest.newBuilder(base.resolve("api/v1/nodes/" + nodeId + "/renew"))
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .header(IdempotencyKeys.HEADER, idempotencyKey)
              .header(HeartbeatSignatures.SIGNATURE_HEADER, signature)
              .header(HeartbeatSignatures.FINGERPRINT_HEADER, fingerprint)
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
      try {
        HttpResponse<String> r = client.send(http, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 503 && attempt + 1 < 3 * urls.size()) {
          unreachable = base + " refused (503)";
        } else {
          response = r;
        }
      } catch (java.io.IOException e) {
        unreachable = "cannot reach " + base + ": " + e.getMessage();
      }
      if (response == null && (attempt + 1) % urls.size() == 0) {
        Thread.sleep(300L << (attempt / urls.size()));
      }
    }
    if (response == null) {
      throw new CliException(unreachable);
    }
    var json = Json.mapper().readTree(response.body().isEmpty() ? "{}" : response.body());
    if (response.statusCode() != 200) {
      String reason = json.hasNonNull("reason") ? " (" + json.get("reason").asText() + ")" : "";
      throw new CliException(
          "renewal refused: "
              + json.path("message").asText("HTTP " + response.statusCode())
              + reason);
    }
    X509Certificate cert = renewal.accept(json);
    if (json()) {
      printJson(json);
    } else {
      System.out.println(
          "certificate of " + nodeId + " renewed, valid until " + cert.getNotAfter().toInstant());
    }
    return 0;
  }
}
