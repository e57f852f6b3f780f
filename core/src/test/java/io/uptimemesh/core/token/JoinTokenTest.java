package io.uptimemesh.core.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import org.junit.jupiter.api.Test;

class JoinTokenTest {

  private static final String PIN =
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  private static final String ID = "abcdefgh2345";
  private static final String SECRET = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
  private static final String TEXT = "umj1." + ID + "." + SECRET + "." + PIN;

  @Test
  void generatesTheDocumentedShape() {
    JoinToken token = JoinToken.generate(PIN);

    assertThat(token.id()).matches("[a-z2-7]{12}");
    assertThat(token.secret()).matches("[A-Za-z0-9_-]{43}");
    assertThat(token.caPin()).isEqualTo(PIN);
    assertThat(token.encoded())
        .hasSize(126)
        .isEqualTo("umj1." + token.id() + "." + token.secret() + "." + PIN);
    assertThat(JoinToken.generate(PIN).id()).isNotEqualTo(token.id());
    assertThat(JoinToken.generate(PIN).secret()).isNotEqualTo(token.secret());
  }

  @Test
  void parsesAKnownToken() {
    JoinToken token = JoinToken.parse(TEXT);

    assertThat(token).isEqualTo(new JoinToken(ID, SECRET, PIN));
    assertThat(token.encoded()).isEqualTo(TEXT);
    assertThat(JoinToken.parse("  " + TEXT + "\n")).isEqualTo(token);
  }

  @Test
  void roundTrips() {
    JoinToken token = JoinToken.generate(PIN);

    assertThat(JoinToken.parse(token.encoded())).isEqualTo(token);
  }

  @Test
  void secretHashIsSha256HexOfTheSecret() {
    // sha256("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"), computed with sha256sum.
    assertThat(JoinToken.parse(TEXT).secretHash())
        .isEqualTo("ea866a757e4c38babfa8127cbe9a409d3e1f93a00ff1488ff735fcf917afffd0");
  }

  @Test
  void toStringHasNoSecret() {
    JoinToken token = JoinToken.parse(TEXT);

    assertThat(token.toString())
        .isEqualTo("JoinToken[id=" + ID + ", caPin=" + PIN + "]")
        .doesNotContain(SECRET);
  }

  @Test
  void refusesMalformedTokensWithoutEchoingThem() {
    assertMalformed(null, "malformed join token: it is empty");
    assertMalformed(
        TEXT.replace("umj1.", "umj2."), "malformed join token: it does not start with umj1.");
    assertMalformed(TEXT + "a", "malformed join token: it is not 126 characters long");
    assertMalformed(TEXT.substring(0, 125), "malformed join token: it is not 126 characters long");
    assertMalformed(
        "umj1." + ID + "x" + SECRET + "." + PIN,
        "malformed join token: it does not have the four dot-separated parts");
    assertMalformed(
        "umj1." + "ABCDEFGH2345." + SECRET + "." + PIN,
        "malformed join token: the id is not 12 characters of a-z and 2-7");
    assertMalformed(
        "umj1." + "abcdefgh2341." + SECRET + "." + PIN,
        "malformed join token: the id is not 12 characters of a-z and 2-7");
    assertMalformed(
        "umj1." + ID + "." + SECRET.replace('Q', '+') + "." + PIN,
        "malformed join token: the secret is not 43 characters of base64url");
    // Same length, but the last character has low bits set: a second spelling of one secret.
    assertMalformed(
        "umj1." + ID + "." + SECRET.substring(0, 42) + "9" + "." + PIN,
        "malformed join token: the secret is not 43 characters of base64url");
    assertMalformed(
        "umj1." + ID + "." + SECRET + "." + PIN.toUpperCase(),
        "malformed join token: the CA pin is not 64 lower-case hex characters");
  }

  @Test
  void generateRefusesABadPin() {
    assertThatThrownBy(() -> JoinToken.generate("abc"))
        .hasMessage("malformed join token: the CA pin is not 64 lower-case hex characters");
  }

  private static void assertMalformed(String text, String messageStart) {
    assertThatThrownBy(() -> JoinToken.parse(text))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageStartingWith(messageStart)
        .satisfies(
            e -> {
              assertThat(((UptimeMeshException) e).errorCode())
                  .isEqualTo(ErrorCode.INVALID_REQUEST);
              assertThat(e.getMessage()).doesNotContain(SECRET.substring(0, 20), ID, PIN);
            });
  }
}
