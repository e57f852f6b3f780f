package io.uptimemesh.core.heartbeat;

import io.uptimemesh.core.pki.CertificateChecks;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Decides whether to accept a heartbeat, without I/O. The checks run in this order, and the first
 * that fails decides the {@link RejectReason}:
 *
 * <ol>
 *   <li>headers and body well-formed, else {@link RejectReason#MALFORMED};
 *   <li>credentials exist for the fingerprint and name the node the body names, else {@link
 *       RejectReason#UNKNOWN_NODE};
 *   <li>the node is not revoked, else {@link RejectReason#REVOKED};
 *   <li>the certificate was issued by the cluster CA, else {@link RejectReason#SIGNATURE}, and is
 *       within its validity window, else {@link RejectReason#EXPIRED};
 *   <li>the signature over the exact body verifies, else {@link RejectReason#SIGNATURE};
 *   <li>sent_at is within the allowed skew of now, else {@link RejectReason#SKEW};
 *   <li>seq is above the last accepted seq, else {@link RejectReason#REPLAY}.
 * </ol>
 *
 * <p>The signature is checked before skew and replay on purpose: nothing about clocks or sequence
 * numbers is revealed in answer to unsigned input. Instances are thread-safe.
 */
public final class HeartbeatVerifier {

  private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-fA-F]{64}");

  /** Bounds the memory of the issued-by cache; far above the number of nodes of a cluster. */
  private static final int MAX_CACHED_CERTIFICATES = 100_000;

  private final X509Certificate ca;
  private final long maxSkewMillis;

  /**
   * Node certificates whose CA signature has verified. A certificate's bytes, and so whether the CA
   * signed them, never change, and an ECDSA verification per heartbeat would cost more than the
   * Ed25519 check itself.
   */
  private final Map<X509Certificate, Boolean> issuedByCa = new ConcurrentHashMap<>();

  /**
   * Creates a verifier.
   *
   * @param ca the cluster CA certificate
   * @param maxSkew how far sent_at may be from the server clock, either way; positive
   * @throws IllegalArgumentException if maxSkew is not positive
   */
  public HeartbeatVerifier(X509Certificate ca, Duration maxSkew) {
    this.ca = Objects.requireNonNull(ca, "ca");
    if (maxSkew == null || maxSkew.isNegative() || maxSkew.isZero()) {
      throw new IllegalArgumentException("maxSkew must be positive");
    }
    this.maxSkewMillis = maxSkew.toMillis();
  }

  /**
   * Checks a heartbeat request.
   *
   * @param body the exact request body
   * @param signatureHeader the {@value HeartbeatSignatures#SIGNATURE_HEADER} value, may be null
   * @param fingerprintHeader the {@value HeartbeatSignatures#FINGERPRINT_HEADER} value, may be null
   * @param byFingerprint looks up credentials by lower-case certificate fingerprint
   * @param now the server clock
   * @return the parsed heartbeat, to be recorded (including its seq as the new last accepted)
   * @throws HeartbeatRejected with the reason of the first check that fails
   */
  public Heartbeat verify(
      byte[] body,
      String signatureHeader,
      String fingerprintHeader,
      Function<String, Optional<NodeCredentials>> byFingerprint,
      Instant now) {
    byte[] signature = HeartbeatSignatures.decodeSignature(signatureHeader);
    if (signature == null) {
      throw reject(
          RejectReason.MALFORMED,
          "the "
              + HeartbeatSignatures.SIGNATURE_HEADER
              + " header is missing or not 64 bytes of base64");
    }
    if (fingerprintHeader == null || !FINGERPRINT.matcher(fingerprintHeader).matches()) {
      throw reject(
          RejectReason.MALFORMED,
          "the "
              + HeartbeatSignatures.FINGERPRINT_HEADER
              + " header is missing or not a SHA-256 hex fingerprint");
    }
    Heartbeat heartbeat = Heartbeat.parse(body);

    Optional<NodeCredentials> found =
        byFingerprint.apply(fingerprintHeader.toLowerCase(Locale.ROOT));
    if (found == null || found.isEmpty()) {
      throw reject(RejectReason.UNKNOWN_NODE, "no node has the certificate the heartbeat names");
    }
    NodeCredentials credentials = found.get();
    if (!credentials.nodeId().equals(heartbeat.nodeId())) {
      throw reject(
          RejectReason.UNKNOWN_NODE, "the heartbeat node_id is not the node the certificate names");
    }
    if (credentials.revoked()) {
      throw reject(RejectReason.REVOKED, "node " + credentials.nodeId() + " has been revoked");
    }
    X509Certificate certificate = credentials.certificate();
    if (!issuedByCa(certificate)) {
      throw reject(
          RejectReason.SIGNATURE, "the node certificate was not issued by this cluster's CA");
    }
    if (!CertificateChecks.validAt(certificate, now)) {
      throw reject(RejectReason.EXPIRED, "the node certificate is outside its validity period");
    }
    if (!HeartbeatSignatures.verifyDecoded(body, signature, credentials.publicKey())) {
      throw reject(RejectReason.SIGNATURE, "the heartbeat signature does not verify");
    }
    long skewMillis = Math.abs(heartbeat.sentAtMs() - now.toEpochMilli());
    if (skewMillis > maxSkewMillis) {
      throw reject(
          RejectReason.SKEW,
          "the heartbeat sent_at_ms is "
              + skewMillis
              + " ms away from the server clock; at most "
              + maxSkewMillis
              + " ms is allowed (check NTP on the node)");
    }
    if (heartbeat.seq() <= credentials.lastAcceptedSeq()) {
      throw reject(
          RejectReason.REPLAY,
          "the heartbeat seq "
              + heartbeat.seq()
              + " is not above the last accepted "
              + credentials.lastAcceptedSeq());
    }
    return heartbeat;
  }

  private boolean issuedByCa(X509Certificate certificate) {
    if (issuedByCa.containsKey(certificate)) {
      return true;
    }
    if (!CertificateChecks.issuedBy(certificate, ca)) {
      return false;
    }
    if (issuedByCa.size() >= MAX_CACHED_CERTIFICATES) {
      // Crude but bounded; the cache refills at one ECDSA check per node.
      issuedByCa.clear();
    }
    issuedByCa.put(certificate, Boolean.TRUE);
    return true;
  }

  private static HeartbeatRejected reject(RejectReason reason, String message) {
    return new HeartbeatRejected(reason, message);
  }
}
