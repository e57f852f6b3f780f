package io.uptimemesh.core.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.UptimeMeshException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SecretBoxTest {
  private static final String KEY = "a-long-random-cluster-signing-key-0123456789";

  @Test
  void opensWhatItSealedAndNeverTheSameTextTwice() throws Exception {
    SecretBox box = new SecretBox("test-purpose");
    byte[] plain = "{\"token\":\"umj1.secret\"}".getBytes(StandardCharsets.UTF_8);
    String a = box.seal(plain, KEY);
    String b = box.seal(plain, KEY);
    assertThat(a).startsWith("v1:").isNotEqualTo(b).doesNotContain("secret");
    assertThat(box.open(a, KEY, "x")).isEqualTo(plain);
    assertThat(box.open(b, KEY, "x")).isEqualTo(plain);
  }

  @Test
  void anotherKeyOrPurposeCannotOpen() {
    String sealed = new SecretBox("p1").seal(new byte[] {1, 2, 3}, KEY);
    assertThatThrownBy(() -> new SecretBox("p1").open(sealed, KEY + "x", "x"))
        .isInstanceOf(SecretBox.WrongKeyException.class);
    assertThatThrownBy(() -> new SecretBox("p2").open(sealed, KEY, "x"))
        .isInstanceOf(SecretBox.WrongKeyException.class);
  }

  @Test
  void emptyPlaintextRoundTripsAndGarbageIsNamed() throws Exception {
    SecretBox box = new SecretBox("p");
    assertThat(box.open(box.seal(new byte[0], KEY), KEY, "x")).isEmpty();
    assertThatThrownBy(() -> box.open("v0:abc", KEY, "the stored answer"))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageContaining("the stored answer");
    assertThatThrownBy(() -> box.open("v1:AAAA", KEY, "the stored answer"))
        .hasMessageContaining("truncated");
  }
}
