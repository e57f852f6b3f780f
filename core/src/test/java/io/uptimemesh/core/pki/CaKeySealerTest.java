package io.uptimemesh.core.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class CaKeySealerTest {

  private static final String SIGNING_KEY = "k3Q9-very-long-random-cluster-signing-key-value";

  private final PrivateKey caKey =
      ClusterCa.generate("c1", Duration.ofDays(1), Instant.now()).privateKey();

  @Test
  void sealsAndUnseals() {
    String sealed = CaKeySealer.seal(caKey, SIGNING_KEY);

    PrivateKey unsealed = CaKeySealer.unseal(sealed, SIGNING_KEY);

    assertThat(unsealed.getAlgorithm()).isEqualTo("EC");
    assertThat(unsealed.getEncoded()).isEqualTo(caKey.getEncoded());
  }

  @Test
  void sealsEd25519KeysToo() {
    PrivateKey key = NodeKeys.generateEd25519().getPrivate();

    assertThat(CaKeySealer.unseal(CaKeySealer.seal(key, SIGNING_KEY), SIGNING_KEY).getEncoded())
        .isEqualTo(key.getEncoded());
  }

  @Test
  void formatIsV1SaltNonceCiphertextAndTag() {
    String sealed = CaKeySealer.seal(caKey, SIGNING_KEY);

    assertThat(sealed).startsWith("v1:");
    byte[] bytes = Base64.getDecoder().decode(sealed.substring(3));
    assertThat(bytes).hasSize(16 + 12 + caKey.getEncoded().length + 16);
  }

  @Test
  void matchesAnIndependentHkdfAndAesGcmDecryption() throws Exception {
    byte[] bytes = Base64.getDecoder().decode(CaKeySealer.seal(caKey, SIGNING_KEY).substring(3));
    byte[] salt = Arrays.copyOfRange(bytes, 0, 16);
    byte[] nonce = Arrays.copyOfRange(bytes, 16, 28);

    // RFC 5869 with plain JDK HMAC: PRK = HMAC(salt, IKM); OKM = HMAC(PRK, info | 0x01).
    Mac extract = Mac.getInstance("HmacSHA256");
    extract.init(new SecretKeySpec(salt, "HmacSHA256"));
    byte[] prk = extract.doFinal(SIGNING_KEY.getBytes(StandardCharsets.UTF_8));
    Mac expand = Mac.getInstance("HmacSHA256");
    expand.init(new SecretKeySpec(prk, "HmacSHA256"));
    expand.update("uptimemesh-ca-key-v1".getBytes(StandardCharsets.UTF_8));
    byte[] aesKey = expand.doFinal(new byte[] {1});
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(
        Cipher.DECRYPT_MODE, new SecretKeySpec(aesKey, "AES"), new GCMParameterSpec(128, nonce));

    assertThat(cipher.doFinal(bytes, 28, bytes.length - 28)).isEqualTo(caKey.getEncoded());
  }

  @Test
  void everySealIsDifferent() {
    assertThat(CaKeySealer.seal(caKey, SIGNING_KEY))
        .isNotEqualTo(CaKeySealer.seal(caKey, SIGNING_KEY));
  }

  @Test
  void unsealingWithAnotherSigningKeyFailsWithAClearMessage() {
    String sealed = CaKeySealer.seal(caKey, SIGNING_KEY);

    assertThatThrownBy(() -> CaKeySealer.unseal(sealed, SIGNING_KEY + "x"))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessage(
            "cannot unseal the cluster CA key: CLUSTER_SIGNING_KEY differs from the one it was"
                + " sealed with")
        .hasNoCause()
        .satisfies(
            e -> assertThat(((UptimeMeshException) e).errorCode()).isEqualTo(ErrorCode.INTERNAL));
  }

  @Test
  void aTamperedSealFailsTheTag() {
    byte[] bytes = Base64.getDecoder().decode(CaKeySealer.seal(caKey, SIGNING_KEY).substring(3));
    bytes[40] ^= 1;
    String tampered = "v1:" + Base64.getEncoder().encodeToString(bytes);

    assertThatThrownBy(() -> CaKeySealer.unseal(tampered, SIGNING_KEY))
        .hasMessageStartingWith("cannot unseal the cluster CA key");
  }

  @Test
  void refusesMalformedSeals() {
    assertThatThrownBy(() -> CaKeySealer.unseal("v2:AAAA", SIGNING_KEY))
        .hasMessage("the sealed cluster CA key is not in the v1 format");
    assertThatThrownBy(() -> CaKeySealer.unseal("v1:***", SIGNING_KEY))
        .hasMessage("the sealed cluster CA key is not valid base64");
    assertThatThrownBy(() -> CaKeySealer.unseal("v1:" + "A".repeat(56), SIGNING_KEY))
        .hasMessage("the sealed cluster CA key is truncated");
  }

  @Test
  void refusesAnEmptySigningKeyWithoutEchoingSecrets() {
    assertThatThrownBy(() -> CaKeySealer.seal(caKey, ""))
        .hasMessage("CLUSTER_SIGNING_KEY is empty");
    assertThatThrownBy(() -> CaKeySealer.unseal(CaKeySealer.seal(caKey, SIGNING_KEY), "wrong"))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong", SIGNING_KEY));
  }
}
