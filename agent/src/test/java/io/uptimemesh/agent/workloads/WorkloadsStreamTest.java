package io.uptimemesh.agent.workloads;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.agent.stream.DocumentTracker;
import io.uptimemesh.agent.stream.SseEvent;
import io.uptimemesh.core.json.Json;
import io.uptimemesh.core.workload.ReplicaCommand;
import io.uptimemesh.core.workload.WorkloadSpec;
import io.uptimemesh.core.workload.WorkloadsDocument;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How stream events change the agent's workloads document, how a document becomes the reconciler's
 * assignments, and the persisted copy.
 */
class WorkloadsStreamTest {
  @TempDir Path dir;

  private static WorkloadSpec spec(String json) {
    try {
      return WorkloadSpec.parse(Json.mapper().readTree(json.replace('\'', '"')));
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static final WorkloadSpec WITH_PORT =
      spec("{'image':'busybox','ports':[{'name':'http','port':8080}]}");
  private static final WorkloadSpec NO_PORT = spec("{'image':'busybox'}");

  private static WorkloadsDocument doc(long revision, String mesh, WorkloadsDocument.Replica... r) {
    return new WorkloadsDocument(WorkloadsDocument.SCHEMA, "n1", revision, mesh, List.of(r));
  }

  private static WorkloadsDocument.Replica replica(String id, WorkloadSpec spec, ReplicaCommand c) {
    return new WorkloadsDocument.Replica(
        id, "web", 2, spec, 1, NO_PORT, Map.of("http", 18080), c, spec == null ? "gone" : "");
  }

  private static SseEvent event(String type, long id, WorkloadsDocument d) {
    return new SseEvent(
        type,
        d == null ? "{\"revision\":" + id + "}" : new String(d.toJson(), StandardCharsets.UTF_8),
        Long.toString(id));
  }

  @Test
  void wholeDocumentsReplaceUnchangedRestampsAndForeignOnesResync() {
    DocumentTracker<WorkloadsDocument> t =
        new DocumentTracker<>(WorkloadsStream.KIND, d -> d.nodeId().equals("n1"), Optional.empty());
    assertThat(t.digestQuery(true)).isEmpty();
    assertThat(t.apply(event("unchanged", 3, null))).isEqualTo(DocumentTracker.Outcome.RESYNC);

    WorkloadsDocument d = doc(5, "100.64.0.1", replica("web-00001", NO_PORT, null));
    assertThat(t.apply(event("workloads", 5, d))).isEqualTo(DocumentTracker.Outcome.CHANGED);
    assertThat(t.digestQuery(true)).isEqualTo("digest=" + d.digest());
    assertThat(t.digestQuery(false)).isEmpty();
    assertThat(t.apply(event("workloads", 6, d.withRevision(6))))
        .isEqualTo(DocumentTracker.Outcome.RESTAMPED);
    assertThat(t.apply(event("unchanged", 9, null))).isEqualTo(DocumentTracker.Outcome.RESTAMPED);
    assertThat(t.current().get().revision()).isEqualTo(9);

    WorkloadsDocument other =
        new WorkloadsDocument(WorkloadsDocument.SCHEMA, "n2", 10, null, List.of());
    assertThat(t.apply(event("workloads", 10, other))).isEqualTo(DocumentTracker.Outcome.RESYNC);
    assertThat(t.apply(new SseEvent("workloads", "{not json", "11")))
        .isEqualTo(DocumentTracker.Outcome.RESYNC);
    assertThat(t.current().get().nodeId()).isEqualTo("n1");
  }

  @Test
  void documentsMapToAssignmentsAndHeldReplicas() {
    ReplicaCommand restart = new ReplicaCommand(2, ReplicaCommand.RESTART, "", 1, "a");
    WorkloadsDocument d =
        doc(
            1,
            "100.64.0.7",
            replica("web-00001", WITH_PORT, restart),
            replica("web-00002", null, null));

    WorkloadAssignments m = WorkloadAssignments.of(d, Optional.of("100.64.9.9"));

    assertThat(m.assignments()).hasSize(1);
    ReplicaAssignment a = m.assignments().get(0);
    assertThat(a.replicaId()).isEqualTo("web-00001");
    assertThat(a.meshIp()).as("the document's address wins").isEqualTo("100.64.0.7");
    assertThat(a.generation()).isEqualTo(2);
    assertThat(a.previous().get().generation()).isEqualTo(1);
    assertThat(a.hostPorts()).containsEntry("http", 18080);
    assertThat(a.command()).isEqualTo(restart);
    assertThat(m.held()).containsOnlyKeys("web-00002");
    assertThat(m.held().get("web-00002")).isEqualTo("gone");

    // No mesh address anywhere: a replica with ports is held, one without runs.
    WorkloadAssignments none =
        WorkloadAssignments.of(
            doc(
                1,
                null,
                replica("web-00001", WITH_PORT, null),
                replica("web-00003", NO_PORT, null)),
            Optional.empty());
    assertThat(none.held()).containsOnlyKeys("web-00001");
    assertThat(none.held().get("web-00001")).contains("mesh address");
    assertThat(none.assignments())
        .extracting(ReplicaAssignment::replicaId)
        .containsExactly("web-00003");
    // The desired state's address is the fallback.
    assertThat(
            WorkloadAssignments.of(
                    doc(1, null, replica("web-00001", WITH_PORT, null)), Optional.of("100.64.9.9"))
                .assignments()
                .get(0)
                .meshIp())
        .isEqualTo("100.64.9.9");
  }

  @Test
  void thePersistedDocumentIsThisNodesAndChecksummed() throws Exception {
    var file = WorkloadsFile.in(dir);
    assertThat(file.load("n1")).isEmpty();
    WorkloadsDocument d = doc(4, "100.64.0.1", replica("web-00001", NO_PORT, null));
    file.save(d);
    assertThat(file.load("n1")).contains(d);
    assertThat(file.load("n2")).as("another node's").isEmpty();

    Files.writeString(file.file(), Files.readString(file.file()).replace("web-00001", "web-00009"));
    assertThat(file.load("n1")).as("fails its checksum").isEmpty();
  }
}
