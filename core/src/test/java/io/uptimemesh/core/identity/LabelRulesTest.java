package io.uptimemesh.core.identity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LabelRulesTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "eu-1",
        "owner: Jane O'Brien <jane@example.org>",
        "<script>window.__xss=1</script><b>x</b>",
        "a=b, c=d; \"quoted\" & more",
        "日本語のメモ 🚀",
        "trailing space "
      })
  void aValueIsAnyPrintableText(String value) {
    assertThat(LabelRules.valueProblem(value)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "line\nbreak",
        "carriage\rreturn",
        "tab\there",
        "bell\u0007",
        "delete\u007f",
        "c1\u0085control",
        "bidi\u202Eoverride",
        "zero\u200Bwidth",
        "line\u2028separator",
        "broken \uD800 surrogate"
      })
  void aValueRefusesControlAndInvisibleCharacters(String value) {
    assertThat(LabelRules.valueProblem(value))
        .hasValueSatisfying(p -> assertThat(p).contains("printable text only"));
  }

  @org.junit.jupiter.api.Test
  void aValueHasAtMost256Characters() {
    assertThat(LabelRules.isValue("x".repeat(256))).isTrue();
    assertThat(LabelRules.valueProblem("x".repeat(257)))
        .hasValue("at most 256 characters, not 257");
    assertThat(LabelRules.valueProblem(null)).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {"zone", "a", "topology.example/zone", "rack_3", "x-1"})
  void aKeyIsShortAndPlain(String key) {
    assertThat(LabelRules.isKey(key)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "Zone",
        "-a",
        "a-",
        "a b",
        "<script>",
        "note=",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      })
  void aKeyRefusesAnythingElse(String key) {
    assertThat(LabelRules.isKey(key)).isFalse();
  }
}
