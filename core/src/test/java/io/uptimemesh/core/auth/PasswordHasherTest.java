package io.uptimemesh.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.UptimeMeshException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {

  // Expected values below come from OpenSSL's Argon2id (Python cryptography 48,
  // Argon2id(...).derive_phc_encoded), an implementation independent of Bouncy Castle.
  private static final String DEFAULTS_VECTOR =
      "$argon2id$v=19$m=19456,t=2,p=1$dXB0aW1lbWVzaC1zYWx0IQ"
          + "$w++N3nm8wLjaMftGnro+H0C2Mkh7up70eB9O/QPr25o";
  private static final String NON_ASCII_VECTOR =
      "$argon2id$v=19$m=64,t=3,p=2$c2FsdHNhbHQ$QuBF9dsqsTB4YBUkFcPCRfaFIDe4zXB8xaeilCu/9DQ";
  private static final String SHORT_TAG_VECTOR =
      "$argon2id$v=19$m=8,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$+55bGFBCI8ee8BNN4vbb/g";

  private final PasswordHasher hasher = new PasswordHasher();

  @Test
  void matchesAReferenceVectorWithTheDefaults() {
    byte[] salt = "uptimemesh-salt!".getBytes(StandardCharsets.US_ASCII);

    assertThat(hasher.hash("correct horse battery staple".toCharArray(), salt))
        .isEqualTo(DEFAULTS_VECTOR);
  }

  @Test
  void verifiesReferenceVectorsWithOtherParameters() {
    assertThat(hasher.verify("pässwörd".toCharArray(), NON_ASCII_VECTOR)).isTrue();
    assertThat(hasher.verify("passwörd".toCharArray(), NON_ASCII_VECTOR)).isFalse();
    assertThat(hasher.verify("hunter2".toCharArray(), SHORT_TAG_VECTOR)).isTrue();
    assertThat(hasher.verify("hunter3".toCharArray(), SHORT_TAG_VECTOR)).isFalse();
  }

  @Test
  void chosenParametersAreWrittenIntoTheHash() {
    PasswordHasher light = new PasswordHasher(64, 3, 2);

    assertThat(light.hash("pässwörd".toCharArray(), "saltsalt".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo(NON_ASCII_VECTOR);
  }

  @Test
  void hashesWithTheDefaultsAndARandomSalt() {
    String first = hasher.hash("s3cret!".toCharArray());
    String second = hasher.hash("s3cret!".toCharArray());

    assertThat(first)
        .matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
    assertThat(second).isNotEqualTo(first);
    assertThat(first.split("\\$")[4]).isNotEqualTo(second.split("\\$")[4]);
  }

  @Test
  void verifiesTheRightPasswordOnly() {
    String encoded = hasher.hash("s3cret!".toCharArray());

    assertThat(hasher.verify("s3cret!".toCharArray(), encoded)).isTrue();
    assertThat(hasher.verify("s3cret?".toCharArray(), encoded)).isFalse();
    assertThat(hasher.verify(new char[0], encoded)).isFalse();
  }

  @Test
  void verifyUsesTheParametersOfTheStoredHash() {
    String light = new PasswordHasher(32, 1, 1).hash("pw".toCharArray());

    assertThat(light).startsWith("$argon2id$v=19$m=32,t=1,p=1$");
    assertThat(hasher.verify("pw".toCharArray(), light)).isTrue();
  }

  @Test
  void rejectsMalformedEncodingsWithoutThrowing() {
    String good = SHORT_TAG_VECTOR;
    char[] pw = "hunter2".toCharArray();

    assertThat(hasher.verify(pw, good)).isTrue();
    assertThat(hasher.verify(pw, null)).isFalse();
    assertThat(hasher.verify(null, good)).isFalse();
    assertThat(hasher.verify(pw, "")).isFalse();
    assertThat(hasher.verify(pw, "hunter2")).isFalse();
    assertThat(hasher.verify(pw, good.replace("argon2id", "argon2i"))).isFalse();
    assertThat(hasher.verify(pw, good.replace("v=19", "v=16"))).isFalse();
    assertThat(hasher.verify(pw, good.replace("m=8,t=1,p=1", "m=8,t=1"))).isFalse();
    assertThat(hasher.verify(pw, good.replace("m=8,", "m=08,"))).isFalse();
    assertThat(hasher.verify(pw, good.replace("p=1", "p=2"))).isFalse(); // m < 8p
    assertThat(hasher.verify(pw, good.replace("m=8,", "m=99999999,"))).isFalse();
    assertThat(hasher.verify(pw, good.replace("t=1", "t=1000"))).isFalse();
    assertThat(hasher.verify(pw, good + "=")).isFalse();
    assertThat(hasher.verify(pw, good + "$")).isFalse();
    assertThat(hasher.verify(pw, good.replace("$+55", "$-55"))).isFalse();
    assertThat(hasher.verify(pw, good.substring(0, good.length() - 1))).isFalse();
    assertThat(hasher.verify(pw, "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$+55bGFBCI8ee8BNN4vbb/g"))
        .isFalse(); // 4-byte salt
  }

  @Test
  void refusesUnusableParameters() {
    assertThatThrownBy(() -> new PasswordHasher(8, 1, 2))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageStartingWith("Argon2id parameters must satisfy");
    assertThatThrownBy(() -> new PasswordHasher(19456, 0, 1))
        .isInstanceOf(UptimeMeshException.class);
  }
}
