package io.uptimemesh.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import org.junit.jupiter.api.Test;

class ValueCodecTest {
  record Sample(String nodeName, int port) {}

  private final ValueCodec codec = new ValueCodec();

  @Test
  void writesSnakeCaseWithTheSchemaVersionFirst() {
    String json = new String(codec.encode(new Sample("n1", 80)), UTF_8);
    assertThat(json).isEqualTo("{\"schema_version\":1,\"node_name\":\"n1\",\"port\":80}");
  }

  @Test
  void roundTrips() {
    Sample s = new Sample("näme \"quoted\"", 65535);
    assertThat(codec.decode("/k", codec.encode(s), Sample.class)).isEqualTo(s);
  }

  @Test
  void refusesDocumentsFromANewerSchema() {
    byte[] newer = "{\"schema_version\":99,\"node_name\":\"n\",\"port\":1}".getBytes(UTF_8);
    assertThatThrownBy(() -> codec.decode("/uptimemesh/x", newer, Sample.class))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageContaining("/uptimemesh/x")
        .hasMessageContaining("schema 99");
  }

  @Test
  void refusesGarbageAndUnversionedDocuments() {
    assertThatThrownBy(() -> codec.decode("/k", "not json".getBytes(UTF_8), Sample.class))
        .isInstanceOfSatisfying(
            UptimeMeshException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INTERNAL));
    assertThatThrownBy(() -> codec.decode("/k", "{\"port\":1}".getBytes(UTF_8), Sample.class))
        .hasMessageContaining("schema_version");
  }

  @Test
  void refusesNonObjects() {
    assertThatThrownBy(() -> codec.encode("a string")).isInstanceOf(IllegalArgumentException.class);
  }
}
