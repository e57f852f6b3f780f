package io.uptimemesh.core.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.json.Json;
import io.uptimemesh.core.pki.ClusterCa;
import io.uptimemesh.core.pki.Fingerprints;
import io.uptimemesh.core.pki.NodeKeys;
import io.uptimemesh.core.pki.ValidatedCsr;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class HeartbeatVerifierTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final long LAST_SEQ = 4;

  private final ClusterCa ca = ClusterCa.generate("c1", Duration.ofDays(365), NOW);
  private final KeyPair nodeKeys = NodeKeys.generateEd25519();
  private final X509Certificate cert = issue(ca, "node-1");
  private final String fingerprint = Fingerprints.sha256(cert);
  private final HeartbeatVerifier verifier =
      new HeartbeatVerifier(ca.certificate(), Duration.ofSeconds(30));

  private NodeCredentials credentials = credentials(cert, false);

  @Test
  void acceptsASignedFreshHeartbeat() {
    Heartbeat heartbeat = heartbeat("node-1", 5, NOW);
    byte[] body = heartbeat.toBytes();

    assertThat(verify(body, sign(body), fingerprint, NOW)).isEqualTo(heartbeat);
    // The issued-by answer is cached; a second heartbeat goes through the same path.
    byte[] next = heartbeat("node-1", 6, NOW.plusSeconds(10)).toBytes();
    assertThat(verify(next, sign(next), fingerprint, NOW.plusSeconds(10)).seq()).isEqualTo(6);
  }

  @Test
  void acceptsAnUpperCaseFingerprintAndSkewAtTheLimit() {
    byte[] body = heartbeat("node-1", 5, NOW.minusSeconds(30)).toBytes();

    assertThat(verify(body, sign(body), fingerprint.toUpperCase(Locale.ROOT), NOW).sentAtMs())
        .isEqualTo(NOW.minusSeconds(30).toEpochMilli());
  }

  @Test
  void malformedHeadersOrBody() {
    byte[] body = heartbeat("node-1", 5, NOW).toBytes();
    byte[] garbage = "{\"node_id\":\"node-1\"}".getBytes(StandardCharsets.UTF_8);

    assertRejected(() -> verify(body, null, fingerprint, NOW), RejectReason.MALFORMED);
    assertRejected(() -> verify(body, "c2lnbmF0dXJl", fingerprint, NOW), RejectReason.MALFORMED);
    assertRejected(() -> verify(body, sign(body), null, NOW), RejectReason.MALFORMED);
    assertRejected(() -> verify(body, sign(body), "abc", NOW), RejectReason.MALFORMED);
    assertRejected(() -> verify(garbage, sign(garbage), fingerprint, NOW), RejectReason.MALFORMED);
  }

  @Test
  void unknownFingerprint() {
    byte[] body = heartbeat("node-1", 5, NOW).toBytes();

    assertRejected(
        () -> verify(body, sign(body), "ab".repeat(32), NOW),
        RejectReason.UNKNOWN_NODE,
        "no node has the certificate the heartbeat names");
  }

  @Test
  void bodyNamesAnotherNode() {
    byte[] body = heartbeat("node-2", 5, NOW).toBytes();

    assertRejected(
        () -> verify(body, sign(body), fingerprint, NOW),
        RejectReason.UNKNOWN_NODE,
        "the heartbeat node_id is not the node the certificate names");
  }

  @Test
  void revokedNode() {
    credentials = credentials(cert, true);
    byte[] body = heartbeat("node-1", 5, NOW).toBytes();

    assertRejected(
        () -> verify(body, sign(body), fingerprint, NOW),
        RejectReason.REVOKED,
        "node node-1 has been revoked");
  }

  @Test
  void expiredOrNotYetValidCertificate() {
    // The certificate runs from 11:55 on March 1 to 12:00 on March 31.
    Instant afterExpiry = Instant.parse("2026-03-31T12:00:01Z");
    byte[] late = heartbeat("node-1", 5, afterExpiry).toBytes();
    Instant beforeStart = Instant.parse("2026-03-01T11:54:59Z");
    byte[] early = heartbeat("node-1", 5, beforeStart).toBytes();

    assertRejected(
        () -> verify(late, sign(late), fingerprint, afterExpiry),
        RejectReason.EXPIRED,
        "the node certificate is outside its validity period");
    assertRejected(
        () -> verify(early, sign(early), fingerprint, beforeStart), RejectReason.EXPIRED);
  }

  @Test
  void certificateFromAnotherCa() {
    ClusterCa impostor = ClusterCa.generate("c1", Duration.ofDays(365), NOW);
    credentials = credentials(issue(impostor, "node-1"), false);
    byte[] body = heartbeat("node-1", 5, NOW).toBytes();

    assertRejected(
        () -> verify(body, sign(body), fingerprint, NOW),
        RejectReason.SIGNATURE,
        "the node certificate was not issued by this cluster's CA");
  }

  @Test
  void signatureByAnotherKey() {
    byte[] body = heartbeat("node-1", 5, NOW).toBytes();
    String forged = HeartbeatSignatures.sign(body, NodeKeys.generateEd25519().getPrivate());

    assertRejected(
        () -> verify(body, forged, fingerprint, NOW),
        RejectReason.SIGNATURE,
        "the heartbeat signature does not verify");
  }

  @Test
  void reserialisedBodyFailsTheSignature() throws Exception {
    byte[] body = heartbeat("node-1", 5, NOW).toBytes();
    String signature = sign(body);
    byte[] pretty =
        Json.mapper()
            .writerWithDefaultPrettyPrinter()
            .writeValueAsBytes(Json.mapper().readTree(body));

    // Same heartbeat, different bytes.
    assertThat(Heartbeat.parse(pretty)).isEqualTo(Heartbeat.parse(body));
    assertThat(pretty).isNotEqualTo(body);
    assertRejected(() -> verify(pretty, signature, fingerprint, NOW), RejectReason.SIGNATURE);
  }

  @Test
  void clockSkew() {
    byte[] behind = heartbeat("node-1", 5, NOW.minusSeconds(31)).toBytes();
    byte[] ahead = heartbeat("node-1", 5, NOW.plusMillis(30_001)).toBytes();

    assertRejected(
        () -> verify(behind, sign(behind), fingerprint, NOW),
        RejectReason.SKEW,
        "the heartbeat sent_at_ms is 31000 ms away from the server clock; at most 30000 ms");
    assertRejected(() -> verify(ahead, sign(ahead), fingerprint, NOW), RejectReason.SKEW);
  }

  @Test
  void replay() {
    byte[] same = heartbeat("node-1", LAST_SEQ, NOW).toBytes();
    byte[] older = heartbeat("node-1", 0, NOW).toBytes();

    assertRejected(
        () -> verify(same, sign(same), fingerprint, NOW),
        RejectReason.REPLAY,
        "the heartbeat seq 4 is not above the last accepted 4");
    assertRejected(() -> verify(older, sign(older), fingerprint, NOW), RejectReason.REPLAY);
  }

  @Test
  void checksRunInTheDocumentedOrder() {
    byte[] stale = heartbeat("node-1", 1, NOW.minusSeconds(3600)).toBytes();
    String forged = HeartbeatSignatures.sign(stale, NodeKeys.generateEd25519().getPrivate());

    // Unsigned input learns nothing about skew or replay.
    assertRejected(() -> verify(stale, forged, fingerprint, NOW), RejectReason.SIGNATURE);
    // Skew comes before replay.
    assertRejected(() -> verify(stale, sign(stale), fingerprint, NOW), RejectReason.SKEW);
    // Revocation comes before the signature.
    credentials = credentials(cert, true);
    assertRejected(() -> verify(stale, forged, fingerprint, NOW), RejectReason.REVOKED);
  }

  @Test
  void credentialsMustCarryTheCertificatesKey() {
    assertThatThrownBy(
            () ->
                new NodeCredentials(
                    "node-1", cert, NodeKeys.generateEd25519().getPublic(), false, 0))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessage("the public key is not the node certificate's key");
  }

  @Test
  void refusesANonPositiveSkew() {
    assertThatThrownBy(() -> new HeartbeatVerifier(ca.certificate(), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private Heartbeat verify(byte[] body, String signature, String fingerprintHeader, Instant now) {
    Function<String, Optional<NodeCredentials>> lookup =
        fp -> fp.equals(fingerprint) ? Optional.of(credentials) : Optional.empty();
    return verifier.verify(body, signature, fingerprintHeader, lookup, now);
  }

  private String sign(byte[] body) {
    return HeartbeatSignatures.sign(body, nodeKeys.getPrivate());
  }

  private X509Certificate issue(ClusterCa issuer, String nodeId) {
    return issuer.issue(new ValidatedCsr(nodeId, nodeKeys.getPublic()), Duration.ofDays(30), NOW);
  }

  private static NodeCredentials credentials(X509Certificate certificate, boolean revoked) {
    return new NodeCredentials(
        "node-1", certificate, certificate.getPublicKey(), revoked, LAST_SEQ);
  }

  private static Heartbeat heartbeat(String nodeId, long seq, Instant sentAt) {
    return new Heartbeat(nodeId, seq, sentAt.toEpochMilli(), Map.of("up", true, "peers", 3));
  }

  private static void assertRejected(ThrowingCallable call, RejectReason reason) {
    assertRejected(call, reason, "");
  }

  private static void assertRejected(ThrowingCallable call, RejectReason reason, String message) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            HeartbeatRejected.class,
            e -> {
              assertThat(e.reason()).isEqualTo(reason);
              assertThat(e.getMessage()).startsWith(message);
            });
  }
}
