package io.uptimemesh.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SecretTest {

  @Test
  void neverPrintsItsValue() {
    Secret secret = Secret.of("s3cr3t-value");

    assertThat(secret.toString()).isEqualTo("<redacted>");
    assertThat(String.valueOf(secret)).doesNotContain("s3cr3t");
    assertThat("key=" + secret).isEqualTo("key=<redacted>");
  }

  @Test
  void revealsItsValueOnRequest() {
    assertThat(Secret.of("s3cr3t-value").reveal()).isEqualTo("s3cr3t-value");
  }

  @Test
  void knowsTheDevelopmentDefault() {
    assertThat(Secret.developmentDefault().reveal()).isEqualTo("dev-insecure-change-me");
    assertThat(Secret.developmentDefault().isDefault()).isTrue();
    assertThat(Secret.of("dev-insecure-change-me").isDefault()).isTrue();
    assertThat(Secret.of("something-else").isDefault()).isFalse();
  }

  @Test
  void equalsByValue() {
    assertThat(Secret.of("a")).isEqualTo(Secret.of("a")).hasSameHashCodeAs(Secret.of("a"));
    assertThat(Secret.of("a")).isNotEqualTo(Secret.of("b")).isNotEqualTo("a");
    assertThat(Secret.of("\u00e9")).isNotEqualTo(Secret.of("e"));
  }

  @Test
  void refusesNull() {
    assertThatThrownBy(() -> Secret.of(null)).isInstanceOf(NullPointerException.class);
  }
}
