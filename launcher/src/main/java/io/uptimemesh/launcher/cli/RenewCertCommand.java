package io.uptimemesh.launcher.cli;

import io.uptimemesh.agent.identity.IdentityFiles;
import io.uptimemesh.core.heartbeat.HeartbeatSignatures;
import io.uptimemesh.core.json.Json;
import io.uptimemesh.core.pki.CertificateChecks;
import io.uptimemesh.core.pki.Fingerprints;
import io.uptimemesh.core.pki.NodeKeys;
import io.uptimemesh.core.pki.Pem;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
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
    KeyPair next = NodeKeys.generateEd25519();
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("node_id", nodeId);
    request.put("csr", NodeKeys.csrPem(next, nodeId));
    request.put("sent_at_ms", System.currentTimeMillis());
    byte[] body = Json.mapper().writeValueAsBytes(request);
    HttpRequest http =
        HttpRequest.newBuilder(URI.create(apiUrl).resolve("/api/v1/nodes/" + nodeId + "/renew"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header(
                HeartbeatSignatures.SIGNATURE_HEADER, HeartbeatSignatures.sign(body, files.key()))
            .header(
                HeartbeatSignatures.FINGERPRINT_HEADER, Fingerprints.sha256(files.certificate()))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<String> response;
    try {
      response = HttpClient.newHttpClient().send(http, HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new CliException("cannot reach " + apiUrl + ": " + e.getMessage());
    }
    var json = Json.mapper().readTree(response.body().isEmpty() ? "{}" : response.body());
    if (response.statusCode() != 200) {
      String reason = json.hasNonNull("reason") ? " (" + json.get("reason").asText() + ")" : "";
      throw new CliException(
          "renewal refused: "
              + json.path("message").asText("HTTP " + response.statusCode())
              + reason);
    }
    X509Certificate ca = Pem.parseCertificate(Files.readString(files.caFile()));
    X509Certificate cert = Pem.parseCertificate(json.path("certificate").asText());
    if (!CertificateChecks.issuedBy(cert, ca) || !cert.getPublicKey().equals(next.getPublic())) {
      throw new CliException(
          "the server returned a certificate that is not for the new key or not from the cluster CA");
    }
    files.write(next.getPrivate(), json.path("certificate").asText(), Pem.certificate(ca));
    if (json()) {
      printJson(json);
    } else {
      System.out.println(
          "certificate of " + nodeId + " renewed, valid until " + cert.getNotAfter().toInstant());
    }
    return 0;
  }
}
