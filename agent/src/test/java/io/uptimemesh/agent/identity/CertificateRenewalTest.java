package io.uptimemesh.agent.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class CertificateRenewalTest {
  @Test
  void renewalIsDueAtTwoThirdsOfTheLifetime() {
    Instant from = Instant.parse("2026-01-01T00:00:00Z");
    assertThat(CertificateRenewal.dueAt(from, from.plusSeconds(30L * 86400)))
        .isEqualTo(Instant.parse("2026-01-21T00:00:00Z"));
    assertThat(CertificateRenewal.dueAt(from, from.plusSeconds(3))).isEqualTo(from.plusSeconds(2));
  }
}
