package io.uptimemesh.agent.identity;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.json.Json;
import io.uptimemesh.core.pki.CertificateChecks;
import io.uptimemesh.core.pki.NodeKeys;
import io.uptimemesh.core.pki.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One certificate renewal ({@code POST /api/v1/nodes/{id}/renew}), shared by {@code uptimemesh
 * renew-cert} and the agent: a new Ed25519 key and CSR made locally, the body signed with the
 * current key by the caller, and the answer checked (issued by the cluster CA, for the new key)
 * before the new key and certificate replace the old ones. One idempotency key for every attempt:
 * if an answer is lost, a repeat through another core node returns the same certificate. Blocking
 * (key generation, files).
 */
public final class RenewalRequest {
  private final IdentityFiles files;
  private final KeyPair next;
  private final byte[] body;
  private final String idempotencyKey = UUID.randomUUID().toString();

  private RenewalRequest(IdentityFiles files, KeyPair next, byte[] body) {
    this.files = files;
    this.next = next;
    this.body = body;
  }

  /** Makes the new key and the request body. */
  public static RenewalRequest prepare(IdentityFiles files, String nodeId, long sentAtMillis)
      throws IOException {
    KeyPair next = NodeKeys.generateEd25519();
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("node_id", nodeId);
    request.put("csr", NodeKeys.csrPem(next, nodeId));
    request.put("sent_at_ms", sentAtMillis);
    return new RenewalRequest(files, next, Json.mapper().writeValueAsBytes(request));
  }

  /** The exact bytes to send and sign. */
  public byte[] body() {
    return body;
  }

  public String idempotencyKey() {
    return idempotencyKey;
  }

  /**
   * Checks the server's 200 answer and writes the new key and certificate.
   *
   * @return the new certificate
   * @throws UptimeMeshException (invalid) if the certificate is not for the new key or not from the
   *     cluster CA (nothing is written then)
   */
  public X509Certificate accept(JsonNode answer) throws IOException {
    X509Certificate ca = Pem.parseCertificate(Files.readString(files.caFile()));
    String pem = answer.path("certificate").asText();
    X509Certificate cert = Pem.parseCertificate(pem);
    if (!CertificateChecks.issuedBy(cert, ca) || !cert.getPublicKey().equals(next.getPublic())) {
      throw UptimeMeshException.invalid(
          "the server returned a certificate that is not for the new key or not from the cluster CA");
    }
    files.write(next.getPrivate(), pem, Pem.certificate(ca));
    return cert;
  }
}
