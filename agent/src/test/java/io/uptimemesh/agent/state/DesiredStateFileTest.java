package io.uptimemesh.agent.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.agent.stream.States;
import io.uptimemesh.core.mesh.DesiredState;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DesiredStateFileTest {
  @TempDir Path dir;

  private final DesiredState state =
      States.of(States.member("n1", 1), 42, States.member("n2", 2), States.member("n3", 3));

  @Test
  void aSavedStateLoadsBackEqual() throws Exception {
    DesiredStateFile file = new DesiredStateFile(dir);
    file.save(state);
    assertThat(new DesiredStateFile(dir).load("n1")).contains(state);
    assertThat(Files.list(dir)).containsExactly(dir.resolve("desired-state.json"));
  }

  @Test
  void noFileIsNoState() {
    assertThat(new DesiredStateFile(dir).load("n1")).isEmpty();
  }

  @Test
  void aTamperedDocumentFailsItsChecksumAndIsIgnored() throws Exception {
    DesiredStateFile file = new DesiredStateFile(dir);
    file.save(state);
    String text = Files.readString(file.file());
    Files.writeString(file.file(), text.replace("10.200.0.2", "10.200.0.9"));
    assertThat(file.load("n1")).isEmpty();
  }

  @Test
  void garbageAndTruncationAreIgnored() throws Exception {
    DesiredStateFile file = new DesiredStateFile(dir);
    file.save(state);
    byte[] bytes = Files.readAllBytes(file.file());
    Files.write(file.file(), java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertThat(file.load("n1")).isEmpty();
    Files.writeString(file.file(), "");
    assertThat(file.load("n1")).isEmpty();
  }

  @Test
  void anotherNodesStateIsIgnored() throws Exception {
    DesiredStateFile file = new DesiredStateFile(dir);
    file.save(state);
    assertThat(file.load("n2")).isEmpty();
  }
}
