package io.uptimemesh.core.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The workloads document's JSON round trip, its digest, and the replica-status body's checks. */
class WorkloadsDocumentTest {
  private static JsonNode json(String text) {
    try {
      return Json.mapper().readTree(text.replace('\'', '"'));
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  private static final WorkloadSpec SPEC =
      WorkloadSpec.parse(
          json(
              "{'image':'busybox','ports':[{'name':'http','port':8080}],"
                  + "'health':{'type':'tcp','port_name':'http'},'config':{'environment.A':'1'}}"));
  private static final WorkloadSpec SPEC2 =
      WorkloadSpec.parse(json("{'image':'busybox','config':{'environment.A':'2'}}"));

  private static WorkloadsDocument doc(long revision, List<WorkloadsDocument.Replica> replicas) {
    return new WorkloadsDocument(
        WorkloadsDocument.SCHEMA, "node-a", revision, "100.64.0.2", replicas);
  }

  private static WorkloadsDocument.Replica web(long generation, ReplicaCommand command) {
    return new WorkloadsDocument.Replica(
        "web-0a1b2",
        "web",
        generation,
        generation == 2 ? SPEC2 : SPEC,
        generation == 2 ? 1 : 0,
        generation == 2 ? SPEC : null,
        Map.of("http", 8080),
        command,
        "");
  }

  @Test
  void roundTripsThroughJsonWithSpecsAndCommand() {
    ReplicaCommand restart = new ReplicaCommand(3, ReplicaCommand.RESTART, "", 1000, "admin");
    WorkloadsDocument d = doc(42, List.of(web(2, restart)));

    WorkloadsDocument back = WorkloadsDocument.parse(d.toJson());

    assertThat(back).isEqualTo(d);
    assertThat(back.replicas().get(0).spec().config()).containsEntry("environment.A", "2");
    assertThat(back.replicas().get(0).previousSpec()).isEqualTo(SPEC);
    assertThat(back.replicas().get(0).command().seq()).isEqualTo(3);
    assertThat(new String(d.toJson(), StandardCharsets.UTF_8))
        .contains("\"node_id\":\"node-a\"", "\"mesh_address\":\"100.64.0.2\"", "\"host_ports\"");
  }

  @Test
  void digestCoversContentButNotRevision() {
    WorkloadsDocument a = doc(1, List.of(web(1, null)));

    assertThat(doc(99, List.of(web(1, null))).digest()).isEqualTo(a.digest()).hasSize(64);
    assertThat(doc(1, List.of(web(2, null))).digest()).isNotEqualTo(a.digest());
    assertThat(
            doc(1, List.of(web(1, new ReplicaCommand(1, ReplicaCommand.RESTART, "", 1, "u"))))
                .digest())
        .isNotEqualTo(a.digest());
    assertThat(doc(1, List.of()).digest()).isNotEqualTo(a.digest());
  }

  @Test
  void replicasAreSortedSoTheDigestDoesNotDependOnOrder() {
    WorkloadsDocument.Replica b =
        new WorkloadsDocument.Replica("web-fffff", "web", 1, SPEC, 0, null, Map.of(), null, "");
    WorkloadsDocument one = doc(1, List.of(b, web(1, null)));
    WorkloadsDocument two = doc(1, List.of(web(1, null), b));

    assertThat(one.replicas().get(0).id()).isEqualTo("web-0a1b2");
    assertThat(one.digest()).isEqualTo(two.digest());
  }

  @Test
  void aReplicaWhoseSpecIsGoneCarriesAnErrorInstead() {
    WorkloadsDocument.Replica gone =
        new WorkloadsDocument.Replica(
            "web-0a1b2", "web", 7, null, 0, null, Map.of(), null, "generation 7 is not kept");
    WorkloadsDocument back = WorkloadsDocument.parse(doc(1, List.of(gone)).toJson());

    assertThat(back.replicas().get(0).runnable()).isFalse();
    assertThat(back.replicas().get(0).error()).contains("not kept");
    assertThatThrownBy(
            () ->
                new WorkloadsDocument.Replica(
                    "web-0a1b2", "web", 7, null, 0, null, Map.of(), null, ""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parseRefusesOtherSchemasAndNonDocuments() {
    assertThatThrownBy(() -> WorkloadsDocument.parse("{\"schema\":2,\"node_id\":\"n\"}".getBytes()))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageContaining("schema 2");
    assertThatThrownBy(() -> WorkloadsDocument.parse("[1]".getBytes()))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageContaining("not a workloads document");
  }

  @Test
  void statusReportParsesAndNamesTheBadField() {
    ReplicaStatusReport r =
        ReplicaStatusReport.parse(
            json(
                "{'statuses':[{'replica_id':'web-0a1b2','state':'running','generation':2,"
                    + "'snapshots':['gen-1'],'updated_at_ms':5,'command_seq':3}]}"),
            "node-a");

    assertThat(r.statuses()).hasSize(1);
    ReplicaStatus s = r.statuses().get(0);
    assertThat(s.nodeId()).isEqualTo("node-a");
    assertThat(s.running()).isTrue();
    assertThat(s.generation()).isEqualTo(2);
    assertThat(s.snapshots()).containsExactly("gen-1");
    assertThat(s.commandSeq()).isEqualTo(3);
    assertThat(s.commandError()).isEmpty();

    assertThat(ReplicaStatusReport.shorten("x".repeat(2000)))
        .hasSize(ReplicaStatusReport.MAX_ERROR)
        .endsWith("...");
    assertThat(ReplicaStatusReport.shorten(null)).isEmpty();
    assertThatThrownBy(
            () ->
                ReplicaStatusReport.parse(
                    json(
                        "{'statuses':[{'replica_id':'web-1','state':'failed','error':'"
                            + "x".repeat(513)
                            + "'}]}"),
                    "n"))
        .hasMessageContaining("statuses[0].error");
    assertThatThrownBy(() -> ReplicaStatusReport.parse(json("{'statuses':{}}"), "n"))
        .hasMessageContaining("statuses must be an array");
    assertThatThrownBy(
            () ->
                ReplicaStatusReport.parse(
                    json("{'statuses':[{'replica_id':'web-1','state':'sleeping'}]}"), "n"))
        .hasMessageContaining("statuses[0].state");
    assertThatThrownBy(
            () ->
                ReplicaStatusReport.parse(
                    json("{'statuses':[{'replica_id':'Web!','state':'running'}]}"), "n"))
        .hasMessageContaining("statuses[0].replica_id");
    assertThatThrownBy(
            () ->
                ReplicaStatusReport.parse(
                    json("{'statuses':[{'replica_id':'web-1','state':'running','generation':-1}]}"),
                    "n"))
        .hasMessageContaining("statuses[0].generation");
    assertThatThrownBy(
            () ->
                ReplicaStatusReport.parse(
                    json("{'statuses':[{'replica_id':'web-1','state':'running','node_id':'b'}]}"),
                    "n"))
        .hasMessageContaining("statuses[0].node_id");
  }
}
