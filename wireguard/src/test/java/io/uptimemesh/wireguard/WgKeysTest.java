package io.uptimemesh.wireguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.UptimeMeshException;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WgKeysTest {

  private static String base64OfHex(String hex) {
    return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex));
  }

  @Test
  void derivesThePublicKeyOfTheRfc7748TestVector() {
    // RFC 7748 section 6.1, Alice's key pair.
    WgPrivateKey alice =
        WgPrivateKey.parse(
            base64OfHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));

    assertThat(alice.publicKey().base64())
        .isEqualTo(base64OfHex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"));
  }

  @Test
  void generatedKeysAreClampedFortyFourCharactersAndDistinct() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      WgKeyPair pair = WgKeys.generate();
      String privateText = pair.privateKey().reveal();
      byte[] scalar = Base64.getDecoder().decode(privateText);

      assertThat(privateText).hasSize(44).endsWith("=");
      assertThat(pair.publicKey().base64()).hasSize(44);
      assertThat(scalar[0] & 7).isZero();
      assertThat(scalar[31] & 0x80).isZero();
      assertThat(scalar[31] & 0x40).isEqualTo(0x40);
      assertThat(pair.privateKey().publicKey()).isEqualTo(pair.publicKey());
      assertThat(WgPrivateKey.parse(privateText)).isEqualTo(pair.privateKey());
      assertThat(seen.add(privateText)).isTrue();
    }
  }

  @Test
  void parsingClampsSoAnUnclampedKeyEqualsItsClampedForm() {
    String unclamped = base64OfHex("ff".repeat(32));
    String clamped = base64OfHex("f8" + "ff".repeat(30) + "7f");

    assertThat(WgPrivateKey.parse(unclamped)).isEqualTo(WgPrivateKey.parse(clamped));
    assertThat(WgPrivateKey.parse(unclamped).reveal()).isEqualTo(clamped);
  }

  @Test
  void aPrivateKeyNeverPrintsItself() {
    WgKeyPair pair = WgKeys.generate();

    assertThat(pair.privateKey().toString()).isEqualTo("[redacted]");
    assertThat(pair.toString())
        .doesNotContain(pair.privateKey().reveal())
        .contains(pair.publicKey().base64());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "abc",
        // 43 characters, no padding
        "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk",
        // 44 characters but the last character leaves bits over (not a canonical 32-byte key)
        "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBml=",
        // URL-safe alphabet
        "yAnz5TF-lXXJte14tji3zlMNq-hd2rYUIgJBgB3fBmk=",
        // 33 bytes
        "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmkA",
        " yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk="
      })
  void refusesTextThatIsNotAKey(String text) {
    assertThat(WgKeys.isKeyText(text)).isFalse();
    assertThatThrownBy(() -> WgPublicKey.parse(text))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageContaining("public key")
        .hasMessageNotContaining(text.isEmpty() ? "\u0000" : text);
    assertThatThrownBy(() -> WgPrivateKey.parse(text))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageContaining("private key");
  }

  @Test
  void acceptsAKeyAsWgPrintsIt() {
    assertThat(WgKeys.isKeyText("yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=")).isTrue();
    assertThat(WgPublicKey.parse("xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=").toString())
        .isEqualTo("xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=");
  }

  @Test
  void aKeyPairMustMatch() {
    WgKeyPair one = WgKeys.generate();
    WgKeyPair two = WgKeys.generate();

    assertThatThrownBy(() -> new WgKeyPair(one.privateKey(), two.publicKey()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
