package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.agent.identity.IdentityFiles;
import io.uptimemesh.core.pki.CertificateChecks;
import io.uptimemesh.core.pki.Fingerprints;
import io.uptimemesh.core.pki.NodeKeys;
import io.uptimemesh.core.pki.Pem;
import io.uptimemesh.core.token.JoinToken;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    JoinToken parsed = JoinToken.parse(token);
    IdentityFiles files = new IdentityFiles(identityRoot(identityDir), nodeId);
    if (files.exists() && !replace) {
      throw new CliException(
          "an identity for " + nodeId + " already exists in " + files.dir() + ": use --replace");
    }
    ApiClient api = anonymous();
    X509Certificate ca =
        Pem.parseCertificate(api.get("/api/v1/cluster/ca").path("certificate").asText());
    String pin = Fingerprints.sha256(ca);
    if (!pin.equals(parsed.caPin())) {
      throw new CliException(
          "the CA of "
              + apiUrl
              + " (pin "
              + pin
              + ") does not match the token's pin "
              + parsed.caPin()
              + ": refusing to join (nothing was sent)");
    }
    KeyPair keys = NodeKeys.generateEd25519();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("token", token);
    body.put("node_id", nodeId);
    body.put("name", name);
    body.put("role", role);
    body.put("api_endpoint", apiEndpoint);
    body.put("etcd_peer_url", etcdPeerUrl);
    body.put("labels", Labels.parse(labels));
    body.put("csr", NodeKeys.csrPem(keys, nodeId));
    body.put("replace", replace);
    JsonNode r = api.post("/api/v1/join", body);
    X509Certificate cert = Pem.parseCertificate(r.path("certificate").asText());
    if (!CertificateChecks.issuedBy(cert, ca) || !cert.getPublicKey().equals(keys.getPublic())) {
      throw new CliException(
          "the server returned a certificate that is not for this key or not from the pinned CA");
    }
    files.write(keys.getPrivate(), r.path("certificate").asText(), Pem.certificate(ca));
    if (json()) {
      ((com.fasterxml.jackson.databind.node.ObjectNode) r)
          .put("identity_dir", files.dir().toString());
      printJson(r);
    } else {
      System.out.println(
          "joined as " + nodeId + " with mesh address " + r.path("mesh_ip").asText());
      System.out.println("identity written to " + files.dir());
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
