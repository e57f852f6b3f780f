package io.uptimemesh.agent.control;

import io.uptimemesh.agent.identity.IdentityFiles;
import io.uptimemesh.core.heartbeat.HeartbeatSignatures;
import io.uptimemesh.core.heartbeat.NodeRequests;
import io.uptimemesh.core.pki.Fingerprints;
import io.vertx.core.MultiMap;
import java.io.IOException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * Signs the agent's requests as its node (the agent/server contract): a body is signed byte for
 * byte; a bodiless request signs method, path and send time. Holds the node key in memory only;
 * {@link #reload()} picks up a renewed certificate and key.
 */
public final class NodeSigner {
  private final String nodeId;
  private final IdentityFiles files;
  private volatile PrivateKey key;
  private volatile String fingerprint;
  private volatile X509Certificate certificate;

  /** Reads the identity: blocking file work. */
  public NodeSigner(String nodeId, IdentityFiles files) throws IOException {
    this.nodeId = nodeId;
    this.files = files;
    reload();
  }

  /** Re-reads key and certificate from disk (after a renewal). Blocking. */
  public void reload() throws IOException {
    X509Certificate cert = files.certificate();
    PrivateKey k = files.key();
    certificate = cert;
    fingerprint = Fingerprints.sha256(cert);
    key = k;
  }

  public String nodeId() {
    return nodeId;
  }

  public IdentityFiles files() {
    return files;
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** Headers for a request whose body is {@code body}. */
  public void signBody(byte[] body, MultiMap headers) {
    headers.set(HeartbeatSignatures.SIGNATURE_HEADER, HeartbeatSignatures.sign(body, key));
    headers.set(HeartbeatSignatures.FINGERPRINT_HEADER, fingerprint);
  }

  /** Headers for a bodiless request to {@code path} (without its query). */
  public void signBodiless(String method, String path, long sentAtMillis, MultiMap headers) {
    headers.set(
        HeartbeatSignatures.SIGNATURE_HEADER, NodeRequests.sign(method, path, sentAtMillis, key));
    headers.set(HeartbeatSignatures.FINGERPRINT_HEADER, fingerprint);
    headers.set(NodeRequests.SENT_AT_HEADER, Long.toString(sentAtMillis));
  }
}
