package io.uptimemesh.core.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.pki.NodeKeys;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class HeartbeatSignaturesTest {

  // RFC 8032 section 7.1, test 1: key pair and the signature of the empty message.
  private static final String SECRET =
      "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
  private static final String PUBLIC =
      "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
  private static final String EMPTY_MESSAGE_SIGNATURE =
      "5VZDAMNgrHKQhuLMgG6CioSHfx645dl02HPgZSJJAVVfuIIVkKM7rMYeOXAc+bRr0lv18FlbviRlUUFDjnoQCw==";

  @Test
  void headerNames() {
    assertThat(HeartbeatSignatures.SIGNATURE_HEADER).isEqualTo("X-UptimeMesh-Signature");
    assertThat(HeartbeatSignatures.FINGERPRINT_HEADER).isEqualTo("X-UptimeMesh-Cert-Fingerprint");
  }

  @Test
  void matchesTheRfc8032Vector() throws Exception {
    PrivateKey privateKey =
        KeyFactory.getInstance("Ed25519")
            .generatePrivate(
                new PKCS8EncodedKeySpec(hex("302e020100300506032b657004220420" + SECRET)));
    PublicKey publicKey =
        KeyFactory.getInstance("Ed25519")
            .generatePublic(new X509EncodedKeySpec(hex("302a300506032b6570032100" + PUBLIC)));

    assertThat(HeartbeatSignatures.sign(new byte[0], privateKey))
        .isEqualTo(EMPTY_MESSAGE_SIGNATURE);
    assertThat(HeartbeatSignatures.verify(new byte[0], EMPTY_MESSAGE_SIGNATURE, publicKey))
        .isTrue();
  }

  @Test
  void verifiesOnlyTheExactBytes() {
    KeyPair keys = NodeKeys.generateEd25519();
    byte[] body = "{\"node_id\":\"n\",\"seq\":1}".getBytes(StandardCharsets.UTF_8);
    String signature = HeartbeatSignatures.sign(body, keys.getPrivate());

    assertThat(signature).hasSize(88).endsWith("==");
    assertThat(HeartbeatSignatures.verify(body, signature, keys.getPublic())).isTrue();
    byte[] changed = body.clone();
    changed[changed.length - 2] = '2';
    assertThat(HeartbeatSignatures.verify(changed, signature, keys.getPublic())).isFalse();
    assertThat(HeartbeatSignatures.verify(body, signature, NodeKeys.generateEd25519().getPublic()))
        .isFalse();
  }

  @Test
  void neverThrowsOnBadInput() throws Exception {
    KeyPair keys = NodeKeys.generateEd25519();
    byte[] body = {1, 2, 3};
    String signature = HeartbeatSignatures.sign(body, keys.getPrivate());
    PublicKey ec = KeyPairGenerator.getInstance("EC").generateKeyPair().getPublic();

    assertThat(HeartbeatSignatures.verify(body, "not base64!", keys.getPublic())).isFalse();
    assertThat(HeartbeatSignatures.verify(body, "AAAA", keys.getPublic())).isFalse();
    assertThat(HeartbeatSignatures.verify(body, signature.substring(0, 86), keys.getPublic()))
        .isFalse();
    assertThat(HeartbeatSignatures.verify(body, null, keys.getPublic())).isFalse();
    assertThat(HeartbeatSignatures.verify(body, signature, null)).isFalse();
    assertThat(HeartbeatSignatures.verify(null, signature, keys.getPublic())).isFalse();
    assertThat(HeartbeatSignatures.verify(body, signature, ec)).isFalse();
  }

  @Test
  void signRefusesANonEd25519Key() throws Exception {
    PrivateKey ec = KeyPairGenerator.getInstance("EC").generateKeyPair().getPrivate();

    assertThatThrownBy(() -> HeartbeatSignatures.sign(new byte[1], ec))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessage("the heartbeat signing key is not an Ed25519 private key");
  }

  private static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex);
  }
}
