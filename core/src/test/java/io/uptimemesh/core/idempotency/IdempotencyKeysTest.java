package io.uptimemesh.core.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.UptimeMeshException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class IdempotencyKeysTest {
  @Test
  void acceptsUuidsAndSimpleTokens() {
    assertThat(IdempotencyKeys.validate("3f1c2a9e-5b7d-4c1e-9f00-0123456789ab"))
        .isEqualTo("3f1c2a9e-5b7d-4c1e-9f00-0123456789ab");
    assertThat(IdempotencyKeys.validate("cli:create-token.1")).isEqualTo("cli:create-token.1");
  }

  @Test
  void refusesEmptyLongAndOddKeysNamingTheHeader() {
    for (String bad : new String[] {"", " ", "a b", "x/y", "é", "a".repeat(201), null}) {
      assertThatThrownBy(() -> IdempotencyKeys.validate(bad))
          .isInstanceOf(UptimeMeshException.class)
          .hasMessageContaining("Idempotency-Key");
    }
  }

  @Test
  void theSameKeyOfTwoCallersIsStoredApart() {
    String a = IdempotencyKeys.storageId("bearer:one", "k1");
    assertThat(a).hasSize(64).isEqualTo(IdempotencyKeys.storageId("bearer:one", "k1"));
    assertThat(a).isNotEqualTo(IdempotencyKeys.storageId("bearer:two", "k1"));
    assertThat(a).isNotEqualTo(IdempotencyKeys.storageId("bearer:one", "k2"));
    // The separator keeps caller and key apart: "ab"+"c" is not "a"+"bc".
    assertThat(IdempotencyKeys.storageId("ab", "c"))
        .isNotEqualTo(IdempotencyKeys.storageId("a", "bc"));
  }

  @Test
  void requestHashCoversMethodPathAndBody() {
    byte[] body = "{\"role\":\"edge\"}".getBytes(StandardCharsets.UTF_8);
    String h = IdempotencyKeys.requestHash("POST", "/api/v1/tokens", body);
    assertThat(h)
        // echo -n ... | sha256sum, computed independently
        .isEqualTo(sha256Hex("POST /api/v1/tokens\n{\"role\":\"edge\"}"));
    assertThat(h).isNotEqualTo(IdempotencyKeys.requestHash("PUT", "/api/v1/tokens", body));
    assertThat(h).isNotEqualTo(IdempotencyKeys.requestHash("POST", "/api/v1/tokenz", body));
    assertThat(h)
        .isNotEqualTo(
            IdempotencyKeys.requestHash(
                "POST", "/api/v1/tokens", "{\"role\":\"core\"}".getBytes(StandardCharsets.UTF_8)));
  }

  private static String sha256Hex(String s) {
    try {
      Process p = new ProcessBuilder("sha256sum").redirectErrorStream(true).start();
      p.getOutputStream().write(s.getBytes(StandardCharsets.UTF_8));
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      return out.substring(0, 64);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
