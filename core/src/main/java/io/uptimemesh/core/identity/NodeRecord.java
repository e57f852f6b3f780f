package io.uptimemesh.core.identity;

import java.util.Map;

/**
 * A node's identity: who it is, where to reach it, and its current certificate.
 *
 * @param nodeId stable id, a DNS label
 * @param name human name
 * @param role worker, core or gateway
 * @param labels free key/value labels
 * @param apiEndpoint the node's own API URL (core nodes), or null
 * @param etcdPeerUrl the node's etcd peer URL (core nodes), or null
 * @param meshIp the mesh IPv4 address allocated to it
 * @param certificatePem its current certificate
 * @param certFingerprint SHA-256 hex of that certificate
 * @param certNotAfterMs expiry of that certificate, epoch milliseconds
 * @param joinedAtMs epoch milliseconds
 * @param revoked true once revoked: its certificates are refused everywhere
 * @param revokedAtMs epoch milliseconds, 0 when not revoked
 */
public record NodeRecord(
    String nodeId,
    String name,
    String role,
    Map<String, String> labels,
    String apiEndpoint,
    String etcdPeerUrl,
    String meshIp,
    String certificatePem,
    String certFingerprint,
    long certNotAfterMs,
    long joinedAtMs,
    boolean revoked,
    long revokedAtMs) {

  public NodeRecord {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  public NodeRecord withCertificate(String pem, String fingerprint, long notAfterMs) {
    return new NodeRecord(
        nodeId,
        name,
        role,
        labels,
        apiEndpoint,
        etcdPeerUrl,
        meshIp,
        pem,
        fingerprint,
        notAfterMs,
        joinedAtMs,
        revoked,
        revokedAtMs);
  }

  public NodeRecord asRevoked(long atMs) {
    return new NodeRecord(
        nodeId,
        name,
        role,
        labels,
        apiEndpoint,
        etcdPeerUrl,
        meshIp,
        certificatePem,
        certFingerprint,
        certNotAfterMs,
        joinedAtMs,
        true,
        atMs);
  }
}
