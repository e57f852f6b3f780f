package io.uptimemesh.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class VersionTest {

  @Test
  void currentIsTheRepositoryVersionJson() throws Exception {
    // The build packs the root version.json; compare against the file itself, read independently.
    var root = new ObjectMapper().readTree(Files.readString(Path.of("..", "version.json")));

    Version v = Version.current();

    assertThat(v.app()).isEqualTo(root.get("app").asText()).matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(v.channel()).isEqualTo(root.get("channel").asText());
    assertThat(v.describe()).startsWith("uptimemesh " + v.app());
  }

  @Test
  void missingFieldIsAClearError() throws Exception {
    assertThatThrownBy(() -> Version.parse("{\"app\":\"1.0.0\",\"channel\":\"dev\"}"))
        .hasMessageContaining("'api'");
    assertThat(Version.parse("{ \"app\" : \"2.3.4\", \"channel\": \"stable\",\n \"api\":\"v2\" }"))
        .isEqualTo(new Version("2.3.4", "stable", "v2"));
  }
}
