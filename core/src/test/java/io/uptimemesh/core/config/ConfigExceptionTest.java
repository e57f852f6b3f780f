package io.uptimemesh.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigExceptionTest {

  @Test
  void notAllowedNamesSourceKeyValueAndWhatIsAllowed() {
    ConfigException e =
        ConfigException.notAllowed(
            "config.yaml", "managed_etcd.client_port", "70000", "expected an integer 1..65535");

    assertThat(e)
        .hasMessage(
            "config.yaml: managed_etcd.client_port = 70000 is not allowed: expected an integer"
                + " 1..65535");
    assertThat(e.source()).isEqualTo("config.yaml");
    assertThat(e.key()).isEqualTo("managed_etcd.client_port");
  }

  @Test
  void secretValueIsRedacted() {
    ConfigException e =
        ConfigException.secretNotAllowed("environment", "AUTH_SECRET_KEY", "expected more");

    assertThat(e)
        .hasMessage("environment: AUTH_SECRET_KEY = <redacted> is not allowed: expected more");
  }

  @Test
  void messageIsOneLineEvenForMultiLineValues() {
    ConfigException e = ConfigException.notAllowed("x", "k", "a\nb\r\tc\u0007", "expected\nmore");

    assertThat(e).hasMessage("x: k = a\\nb\\r\\tc\\u0007 is not allowed: expected\\nmore");
  }

  @Test
  void longValuesAreShortened() {
    ConfigException e = ConfigException.notAllowed("x", "k", "v".repeat(500), "expected less");

    assertThat(e).hasMessage("x: k = " + "v".repeat(80) + "... is not allowed: expected less");
  }

  @Test
  void emptyAndUnsetValuesAreVisible() {
    assertThat(ConfigException.notAllowed("x", "k", "", "expected y"))
        .hasMessage("x: k = \"\" is not allowed: expected y");
    assertThat(ConfigException.notAllowed("x", "k", null, "expected y"))
        .hasMessage("x: k = <unset> is not allowed: expected y");
  }

  @Test
  void problemWithoutKey() {
    ConfigException e =
        ConfigException.problem(
            "config.yaml", null, "line 3, column 1: bad (not valid YAML)", null);

    assertThat(e).hasMessage("config.yaml: line 3, column 1: bad (not valid YAML)");
    assertThat(e.key()).isNull();
  }

  @Test
  void combineKeepsTheFirstInFullAndNamesTheOthers() {
    ConfigException first = ConfigException.notAllowed("f", "a", "1", "expected 2");
    ConfigException second = ConfigException.notAllowed("f", "b", "1", "expected 2");
    ConfigException third = ConfigException.notAllowed("f", "c", "1", "expected 2");

    ConfigException combined = ConfigException.combine(List.of(first, second, third));

    assertThat(combined)
        .hasMessage("f: a = 1 is not allowed: expected 2 (also not allowed: b, c)")
        .hasSuppressedException(second)
        .hasSuppressedException(third);
    assertThat(combined.key()).isEqualTo("a");
    assertThat(ConfigException.combine(List.of(first))).isSameAs(first);
  }
}
