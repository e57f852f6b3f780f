package io.uptimemesh.web.identity;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.core.heartbeat.HeartbeatRejected;
import io.uptimemesh.core.heartbeat.HeartbeatSignatures;
import io.uptimemesh.core.heartbeat.NodeCredentials;
import io.uptimemesh.core.heartbeat.RejectReason;
import io.uptimemesh.core.identity.NodeRecord;
import io.uptimemesh.core.identity.NodeRef;
import io.uptimemesh.core.json.Json;
import io.uptimemesh.core.pki.CertificateChecks;
import io.uptimemesh.core.pki.ClusterCa;
import io.uptimemesh.core.pki.CsrValidator;
import io.uptimemesh.core.pki.Fingerprints;
import io.uptimemesh.core.pki.Pem;
import io.uptimemesh.core.pki.ValidatedCsr;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.IdempotencyClaim;
import io.uptimemesh.etcd.KeyLayout;
import io.vertx.core.Future;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews a node certificate. The request is authenticated like a heartbeat: signed over its exact
 * bytes with the key of the node's current certificate, which must still be valid and not revoked.
 * Body: {@code {"node_id", "csr", "sent_at_ms"}}. The new certificate replaces the old one in one
 * transaction; the old one is refused from then on.
 */
public final class RenewalService {
  private static final Logger log = LoggerFactory.getLogger(RenewalService.class);

  private final EtcdStore store;
  private final io.uptimemesh.etcd.WatchCache cache;
  private final ClusterAuthority authority;
  private final IdentityConfig config;
  private final NodeCredentialsIndex credentials;
  private final HeartbeatService heartbeats;
  private final io.uptimemesh.core.events.Events events;

  public RenewalService(
      EtcdStore store,
      io.uptimemesh.etcd.WatchCache cache,
      ClusterAuthority authority,
      IdentityConfig config,
      HeartbeatService heartbeats,
      io.uptimemesh.core.events.Events events) {
    this.events = events;
    this.store = store;
    this.cache = cache;
    this.authority = authority;
    this.config = config;
    this.credentials = heartbeats.credentials();
    this.heartbeats = heartbeats;
  }

  /**
   * @return the new certificate; fails with a 401 naming the reason (unknown_node, revoked,
   *     expired, signature, skew, malformed), 400 for a bad CSR, 503 if etcd is unavailable
   */
  public Future<JoinService.Joined> renew(
      String nodeId, byte[] body, String signature, String fingerprint, IdempotencyClaim claim) {
    ValidatedCsr csr;
    NodeCredentials node;
    try {
      node = authenticate(nodeId, body, signature, fingerprint);
      csr = CsrValidator.validate(csrOf(body), nodeId);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    KeyLayout keys = store.layout();
    return store
        .get(keys.node(nodeId), NodeRecord.class)
        .compose(
            found -> {
              if (found.isEmpty() || !found.get().value().certFingerprint().equals(fingerprint)) {
                throw new HeartbeatRejected(
                    RejectReason.UNKNOWN_NODE, "the certificate changed meanwhile");
              }
              ClusterCa ca = authority.ca();
              X509Certificate cert =
                  ca.issue(csr, config.nodeCertValidity(), config.clock().instant());
              String newFingerprint = Fingerprints.sha256(cert);
              NodeRecord renewed =
                  found
                      .get()
                      .value()
                      .withCertificate(
                          Pem.certificate(cert), newFingerprint, cert.getNotAfter().getTime());
              return store
                  .transaction()
                  .requireModRevision(keys.node(nodeId), found.get().modRevision())
                  .requireAbsent(keys.fingerprint(newFingerprint))
                  .put(keys.node(nodeId), renewed)
                  .delete(keys.fingerprint(fingerprint))
                  .put(keys.fingerprint(newFingerprint), new NodeRef(nodeId))
                  .claim(claim)
                  .commit("renew " + nodeId)
                  .compose(
                      done ->
                          done.isEmpty()
                              ? Future.succeededFuture(done)
                              : cache
                                  .awaitRevision(done.get(), IdentityConfig.READ_YOUR_WRITES)
                                  .map(done))
                  .map(
                      done -> {
                        if (done.isEmpty()) {
                          throw new HeartbeatRejected(
                              RejectReason.UNKNOWN_NODE, "the node changed meanwhile; try again");
                        }
                        log.info(
                            "node {} renewed its certificate (valid until {})",
                            nodeId,
                            cert.getNotAfter().toInstant());
                        heartbeats.forget(nodeId);
                        events.info(
                            io.uptimemesh.core.events.EventCategory.NODE,
                            "certificate_renewed",
                            io.uptimemesh.core.events.Events.node(nodeId),
                            java.util.Map.of(
                                "node_id",
                                nodeId,
                                "cert_not_after_ms",
                                Long.toString(renewed.certNotAfterMs())));
                        return new JoinService.Joined(
                            nodeId,
                            renewed.meshIp(),
                            renewed.certificatePem(),
                            Pem.certificate(ca.certificate()),
                            renewed.certNotAfterMs());
                      });
            });
  }

  private NodeCredentials authenticate(
      String nodeId, byte[] body, String signature, String fingerprint) {
    if (signature == null || fingerprint == null) {
      throw new HeartbeatRejected(
          RejectReason.MALFORMED, "signature and fingerprint headers are required");
    }
    NodeCredentials node =
        credentials
            .byFingerprint(fingerprint)
            .filter(c -> c.nodeId().equals(nodeId))
            .orElseThrow(
                () ->
                    new HeartbeatRejected(
                        RejectReason.UNKNOWN_NODE, "no node " + nodeId + " with this certificate"));
    if (node.revoked()) {
      throw new HeartbeatRejected(RejectReason.REVOKED, "node " + nodeId + " is revoked");
    }
    Instant now = config.clock().instant();
    if (!CertificateChecks.issuedBy(node.certificate(), authority.certificate())
        || !CertificateChecks.validAt(node.certificate(), now)) {
      throw new HeartbeatRejected(
          RejectReason.EXPIRED, "the current certificate is no longer valid: join again");
    }
    if (!HeartbeatSignatures.verify(body, signature, node.publicKey())) {
      throw new HeartbeatRejected(RejectReason.SIGNATURE, "the signature does not match the body");
    }
    JsonNode json = parse(body);
    if (!nodeId.equals(json.path("node_id").asText())) {
      throw new HeartbeatRejected(
          RejectReason.MALFORMED, "node_id in the body differs from the path");
    }
    long sent = json.path("sent_at_ms").asLong(0);
    if (Math.abs(now.toEpochMilli() - sent) > config.heartbeatMaxSkew().toMillis()) {
      throw new HeartbeatRejected(
          RejectReason.SKEW, "sent_at_ms is too far from the server's clock");
    }
    return node;
  }

  private static String csrOf(byte[] body) {
    return parse(body).path("csr").asText();
  }

  private static JsonNode parse(byte[] body) {
    try {
      JsonNode json = Json.mapper().readTree(body);
      if (json == null || !json.isObject()) {
        throw new HeartbeatRejected(RejectReason.MALFORMED, "the body must be a JSON object");
      }
      return json;
    } catch (IOException e) {
      throw new HeartbeatRejected(RejectReason.MALFORMED, "the body is not JSON");
    }
  }
}
