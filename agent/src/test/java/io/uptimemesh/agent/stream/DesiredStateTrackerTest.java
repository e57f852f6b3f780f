package io.uptimemesh.agent.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.agent.stream.DesiredStateTracker.Outcome;
import io.uptimemesh.core.mesh.DesiredState;
import io.uptimemesh.core.mesh.DesiredStatePatch;
import io.uptimemesh.core.mesh.MeshPlanner;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DesiredStateTrackerTest {
  private final MeshPlanner.Member self = States.member("n1", 1);
  private final MeshPlanner.Member b = States.member("n2", 2);
  private final MeshPlanner.Member c = States.member("n3", 3);

  private static SseEvent full(DesiredState s) {
    return new SseEvent("desired-state", s.toJsonText(), Long.toString(s.revision()));
  }

  private static SseEvent patch(DesiredState from, DesiredState to) {
    return new SseEvent(
        "patch",
        new String(DesiredStatePatch.between(from, to).toJson(), StandardCharsets.UTF_8),
        Long.toString(to.revision()));
  }

  @Test
  void patchesChainByRevision() {
    DesiredState r10 = States.of(self, 10, b);
    DesiredState r12 = States.of(self, 12, b, c);
    DesiredState r15 = States.of(self, 15, c);
    DesiredStateTracker t = new DesiredStateTracker("n1", Optional.empty());

    assertThat(t.resumeQuery()).isEmpty();
    assertThat(t.apply(full(r10))).isEqualTo(Outcome.CHANGED);
    assertThat(t.apply(patch(r10, r12))).isEqualTo(Outcome.CHANGED);
    assertThat(t.apply(patch(r12, r15))).isEqualTo(Outcome.CHANGED);

    assertThat(t.current()).contains(r15);
    assertThat(t.resumeQuery()).isEqualTo("digest=" + r15.digest() + "&revision=15");
  }

  @Test
  void aPatchAgainstAnotherRevisionAsksForAResyncAndKeepsTheState() {
    DesiredState r10 = States.of(self, 10, b);
    DesiredState r12 = States.of(self, 12, b, c);
    DesiredState r15 = States.of(self, 15, c);
    DesiredStateTracker t = new DesiredStateTracker("n1", Optional.of(r10));

    assertThat(t.apply(patch(r12, r15))).isEqualTo(Outcome.RESYNC);
    assertThat(t.current()).contains(r10);
  }

  @Test
  void unchangedRestampsTheRevisionSoTheNextPatchChains() {
    DesiredState persisted = States.of(self, 10, b);
    DesiredState atServer = persisted.withRevision(40);
    DesiredState next = States.of(self, 41, b, c);
    DesiredStateTracker t = new DesiredStateTracker("n1", Optional.of(persisted));

    assertThat(t.apply(new SseEvent("unchanged", "{\"revision\":40}", "40")))
        .isEqualTo(Outcome.RESTAMPED);
    assertThat(t.current().orElseThrow().revision()).isEqualTo(40);
    assertThat(t.apply(patch(atServer, next))).isEqualTo(Outcome.CHANGED);
    assertThat(t.current()).contains(next);
  }

  @Test
  void withoutAStatePatchesAndUnchangedAskForTheWholeDocument() {
    DesiredStateTracker t = new DesiredStateTracker("n1", Optional.empty());
    DesiredState r10 = States.of(self, 10, b);
    assertThat(t.apply(new SseEvent("unchanged", "{\"revision\":40}", "")))
        .isEqualTo(Outcome.RESYNC);
    assertThat(t.apply(patch(r10, r10.withRevision(11)))).isEqualTo(Outcome.RESYNC);
    assertThat(t.apply(new SseEvent("desired-state", "{not json", ""))).isEqualTo(Outcome.RESYNC);
  }

  @Test
  void theSameContentAtAnotherRevisionIsOnlyARestamp() {
    DesiredState r10 = States.of(self, 10, b);
    DesiredStateTracker t = new DesiredStateTracker("n1", Optional.of(r10));
    assertThat(t.apply(full(r10.withRevision(20)))).isEqualTo(Outcome.RESTAMPED);
    assertThat(t.replace(States.of(States.member("other", 9), 3))).isEqualTo(Outcome.RESYNC);
  }
}
