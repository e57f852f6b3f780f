package io.uptimemesh.web.identity;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.heartbeat.HeartbeatRejected;
import io.uptimemesh.core.heartbeat.HeartbeatSignatures;
import io.uptimemesh.core.heartbeat.NodeCredentials;
import io.uptimemesh.core.heartbeat.NodeRequests;
import io.uptimemesh.core.heartbeat.RejectReason;
import io.uptimemesh.core.json.Json;
import io.uptimemesh.core.pki.CertificateChecks;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authenticates a request a node signs with its identity key, other than a heartbeat: the WireGuard
 * registration (signed body with {@code node_id} and {@code sent_at_ms}) and the desired-state
 * reads (bodiless: {@link NodeRequests#signedBytes} and the {@value NodeRequests#SENT_AT_HEADER}
 * header). Reads only memory (the watch cache through the credentials index), so a thousand agents
 * reconnecting cost no etcd call.
 *
 * <p>Answers like heartbeats: 401 with a {@code reason} for unknown, revoked, expired, badly signed
 * or skewed requests; 403 when a valid node asks about another node's path. The signature is
 * checked before the node id and the clock, so unsigned input learns nothing.
 */
public final class NodeRequestAuth {
  private final NodeCredentialsIndex credentials;
  private final ClusterAuthority authority;
  private final IdentityConfig config;

  /** Certificates whose CA signature verified: their bytes never change, an ECDSA check costs. */
  private final Map<X509Certificate, Boolean> issued = new ConcurrentHashMap<>();

  NodeRequestAuth(
      NodeCredentialsIndex credentials, ClusterAuthority authority, IdentityConfig config) {
    this.credentials = credentials;
    this.authority = authority;
    this.config = config;
  }

  /**
   * Checks a signed request with a body.
   *
   * @param pathNodeId the {@code :id} of the path
   * @param body the exact bytes received
   * @return the body as JSON
   * @throws HeartbeatRejected (401) or UptimeMeshException (403) as described above
   */
  public JsonNode body(String pathNodeId, byte[] body, String signature, String fingerprint) {
    NodeCredentials node = credentialsFor(signature, fingerprint);
    if (!HeartbeatSignatures.verify(body, signature, node.publicKey())) {
      throw new HeartbeatRejected(RejectReason.SIGNATURE, "the signature does not match the body");
    }
    JsonNode json;
    try {
      json = Json.mapper().readTree(body);
    } catch (IOException e) {
      throw UptimeMeshException.invalid("the request body is not JSON");
    }
    if (json == null || !json.isObject()) {
      throw UptimeMeshException.invalid("the request body is not a JSON object");
    }
    if (!node.nodeId().equals(json.path("node_id").asText())) {
      throw forbidden("node_id in the body is not the node the certificate names");
    }
    samePath(node, pathNodeId);
    if (!json.path("sent_at_ms").canConvertToLong()) {
      throw UptimeMeshException.invalid("sent_at_ms is required (epoch milliseconds)");
    }
    checkSkew(json.path("sent_at_ms").asLong());
    return json;
  }

  /**
   * Checks a signed bodiless request.
   *
   * @param path the request path without the query string
   * @return the node's credentials
   */
  public NodeCredentials bodiless(
      String pathNodeId,
      String method,
      String path,
      String sentAtHeader,
      String signature,
      String fingerprint) {
    NodeCredentials node = credentialsFor(signature, fingerprint);
    long sentAt;
    try {
      sentAt = Long.parseLong(sentAtHeader == null ? "" : sentAtHeader.trim());
    } catch (NumberFormatException e) {
      throw new HeartbeatRejected(
          RejectReason.MALFORMED,
          "the " + NodeRequests.SENT_AT_HEADER + " header is missing or not epoch milliseconds");
    }
    if (!HeartbeatSignatures.verify(
        NodeRequests.signedBytes(method, path, sentAt), signature, node.publicKey())) {
      throw new HeartbeatRejected(
          RejectReason.SIGNATURE, "the signature does not match method, path and sent-at");
    }
    samePath(node, pathNodeId);
    checkSkew(sentAt);
    return node;
  }

  /**
   * Checks the signed request with a body of {@code ctx}, for the node of its {@code :id}.
   *
   * @return the body as JSON
   */
  public JsonNode body(io.vertx.ext.web.RoutingContext ctx) {
    String id = io.uptimemesh.core.identity.NodeIds.validate(ctx.pathParam("id"));
    byte[] bytes = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    return body(
        id,
        bytes,
        ctx.request().getHeader(HeartbeatSignatures.SIGNATURE_HEADER),
        ctx.request().getHeader(HeartbeatSignatures.FINGERPRINT_HEADER));
  }

  /**
   * Checks the signed bodiless request of {@code ctx} (path without the query), for the node of its
   * {@code :id}.
   *
   * @return the node id
   */
  public String bodiless(io.vertx.ext.web.RoutingContext ctx) {
    String id = io.uptimemesh.core.identity.NodeIds.validate(ctx.pathParam("id"));
    var request = ctx.request();
    bodiless(
        id,
        request.method().name(),
        request.path(),
        request.getHeader(NodeRequests.SENT_AT_HEADER),
        request.getHeader(HeartbeatSignatures.SIGNATURE_HEADER),
        request.getHeader(HeartbeatSignatures.FINGERPRINT_HEADER));
    return id;
  }

  private NodeCredentials credentialsFor(String signature, String fingerprint) {
    if (signature == null || fingerprint == null) {
      throw new HeartbeatRejected(
          RejectReason.MALFORMED,
          "the "
              + HeartbeatSignatures.SIGNATURE_HEADER
              + " and "
              + HeartbeatSignatures.FINGERPRINT_HEADER
              + " headers are required");
    }
    NodeCredentials node =
        credentials
            .byFingerprint(fingerprint.toLowerCase(java.util.Locale.ROOT))
            .orElseThrow(
                () ->
                    new HeartbeatRejected(
                        RejectReason.UNKNOWN_NODE,
                        "no node has the certificate the request names"));
    if (node.revoked()) {
      throw new HeartbeatRejected(RejectReason.REVOKED, "node " + node.nodeId() + " is revoked");
    }
    Instant now = config.clock().instant();
    if (!issuedByCa(node.certificate())) {
      throw new HeartbeatRejected(
          RejectReason.SIGNATURE, "the node certificate was not issued by this cluster's CA");
    }
    if (!CertificateChecks.validAt(node.certificate(), now)) {
      throw new HeartbeatRejected(
          RejectReason.EXPIRED, "the node certificate is outside its validity period");
    }
    return node;
  }

  private boolean issuedByCa(X509Certificate cert) {
    if (issued.containsKey(cert)) {
      return true;
    }
    if (!CertificateChecks.issuedBy(cert, authority.certificate())) {
      return false;
    }
    if (issued.size() > 100_000) {
      issued.clear(); // bounded; refills at one check per node
    }
    issued.put(cert, Boolean.TRUE);
    return true;
  }

  private static void samePath(NodeCredentials node, String pathNodeId) {
    if (!node.nodeId().equals(pathNodeId)) {
      throw forbidden(
          "node " + node.nodeId() + " may not act for node " + pathNodeId + " (path id)");
    }
  }

  private void checkSkew(long sentAtMs) {
    long skew = Math.abs(config.clock().millis() - sentAtMs);
    if (skew > config.heartbeatMaxSkew().toMillis()) {
      throw new HeartbeatRejected(
          RejectReason.SKEW,
          "sent_at is "
              + skew
              + " ms away from the server clock; at most "
              + config.heartbeatMaxSkew().toMillis()
              + " ms is allowed (check NTP on the node)");
    }
  }

  private static UptimeMeshException forbidden(String message) {
    return new UptimeMeshException(ErrorCode.FORBIDDEN, message);
  }
}
