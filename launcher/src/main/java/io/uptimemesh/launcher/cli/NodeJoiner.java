package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.agent.identity.IdentityFiles;
import io.uptimemesh.core.pki.CertificateChecks;
import io.uptimemesh.core.pki.Fingerprints;
import io.uptimemesh.core.pki.NodeKeys;
import io.uptimemesh.core.pki.Pem;
import io.uptimemesh.core.token.JoinToken;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Joins this node to a cluster, as {@code uptimemesh join} and {@code uptimemesh server --join} do:
 * checks the server's CA against the token's pin before sending anything, makes the Ed25519 key and
 * CSR locally (the key never leaves the node), and writes the identity files.
 */
public final class NodeJoiner {
  /**
   * What to join as.
   *
   * @param role worker, core or gateway, or null for the token's
   * @param apiEndpoint this node's API URL (core nodes), or null
   * @param etcdPeerUrl this node's etcd peer URL (core nodes), or null
   * @param etcdMemberName the name this node's etcd member starts with (core nodes), or null
   */
  public record Request(
      String token,
      String nodeId,
      String name,
      String role,
      String apiEndpoint,
      String etcdPeerUrl,
      String etcdMemberName,
      Map<String, String> labels,
      boolean replace) {}

  private NodeJoiner() {}

  /**
   * Joins through the first of {@code apiUrls} that answers.
   *
   * @return the server's answer (certificate, mesh address, and for a core node its etcd member)
   * @throws CliException with one clear line for every failure; nothing is written unless joined
   */
  public static JsonNode join(List<URI> apiUrls, Path identityRoot, Request r) {
    JoinToken parsed = JoinToken.parse(r.token());
    IdentityFiles files = new IdentityFiles(identityRoot, r.nodeId());
    if (files.exists() && !r.replace()) {
      throw new CliException(
          "an identity for "
              + r.nodeId()
              + " already exists in "
              + files.dir()
              + ": use --replace");
    }
    ApiClient api = new ApiClient(apiUrls, null);
    X509Certificate ca =
        Pem.parseCertificate(api.get("/api/v1/cluster/ca").path("certificate").asText());
    String pin = Fingerprints.sha256(ca);
    if (!pin.equals(parsed.caPin())) {
      throw new CliException(
          "the CA of "
              + api.base()
              + " (pin "
              + pin
              + ") does not match the token's pin "
              + parsed.caPin()
              + ": refusing to join (nothing was sent)");
    }
    KeyPair keys = NodeKeys.generateEd25519();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("token", r.token());
    body.put("node_id", r.nodeId());
    body.put("name", r.name());
    body.put("role", r.role());
    body.put("api_endpoint", r.apiEndpoint());
    body.put("etcd_peer_url", r.etcdPeerUrl());
    body.put("etcd_member_name", r.etcdMemberName());
    body.put("labels", r.labels());
    body.put("csr", NodeKeys.csrPem(keys, r.nodeId()));
    body.put("replace", r.replace());
    JsonNode answer = api.post("/api/v1/join", body);
    X509Certificate cert = Pem.parseCertificate(answer.path("certificate").asText());
    if (!CertificateChecks.issuedBy(cert, ca) || !cert.getPublicKey().equals(keys.getPublic())) {
      throw new CliException(
          "the server returned a certificate that is not for this key or not from the pinned CA");
    }
    try {
      files.write(keys.getPrivate(), answer.path("certificate").asText(), Pem.certificate(ca));
    } catch (IOException e) {
      throw new CliException("cannot write the identity to " + files.dir() + ": " + e.getMessage());
    }
    ((com.fasterxml.jackson.databind.node.ObjectNode) answer)
        .put("identity_dir", files.dir().toString());
    return answer;
  }
}
