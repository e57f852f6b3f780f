package io.uptimemesh.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.UptimeMeshException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RandomSecretsTest {

  @Test
  void passwordsAreTwentyUnambiguousCharacters() {
    Set<Character> seen = new HashSet<>();
    Set<String> passwords = new HashSet<>();
    for (int i = 0; i < 500; i++) {
      String password = RandomSecrets.password();
      assertThat(password)
          .hasSize(20)
          .matches("[A-Za-z0-9]+")
          .doesNotContain("0", "O", "o", "1", "l", "I");
      password.chars().forEach(c -> seen.add((char) c));
      passwords.add(password);
    }
    assertThat(passwords).hasSize(500);
    // 10,000 draws from 56 letters: every letter shows up.
    assertThat(seen).hasSize(56);
  }

  @Test
  void tokensAreBase64UrlWithoutPadding() {
    assertThat(RandomSecrets.token(32)).hasSize(43).matches("[A-Za-z0-9_-]+");
    assertThat(RandomSecrets.token(16)).hasSize(22).matches("[A-Za-z0-9_-]+");
    assertThat(RandomSecrets.token(1)).hasSize(2);
    assertThat(RandomSecrets.token(32)).isNotEqualTo(RandomSecrets.token(32));
    assertThatThrownBy(() -> RandomSecrets.token(0)).isInstanceOf(UptimeMeshException.class);
  }

  @Test
  void sha256HexOfUtf8() {
    assertThat(RandomSecrets.sha256Hex("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(RandomSecrets.sha256Hex(""))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    // U+00E9 is two bytes in UTF-8 (c3 a9); Latin-1 would hash the single byte e9.
    assertThat(RandomSecrets.sha256Hex("\u00e9"))
        .isEqualTo("4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c");
  }

  @Test
  void constantTimeEqualsComparesValues() {
    assertThat(RandomSecrets.constantTimeEquals("abc", "abc")).isTrue();
    assertThat(RandomSecrets.constantTimeEquals("abc", "abd")).isFalse();
    assertThat(RandomSecrets.constantTimeEquals("abc", "abcd")).isFalse();
    assertThat(RandomSecrets.constantTimeEquals("", "")).isTrue();
    assertThat(RandomSecrets.constantTimeEquals(null, "a")).isFalse();
    assertThat(RandomSecrets.constantTimeEquals(null, null)).isFalse();
    assertThat(RandomSecrets.constantTimeEquals("\u00e9", "e")).isFalse();
  }
}
