package io.uptimemesh.lxd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** LXD's answers, recorded from the LXD 5.0.2 daemon of the lab, read into our records. */
class LxdJsonTest {
  private static final LxdAction ACTION = LxdAction.onContainer("state query", "x1", "default");

  @Test
  void aSyncAnswerCarriesItsMetadata() throws IOException {
    LxdResponse r = LxdJson.envelope(ACTION, 200, resource("state-running.json"));
    assertThat(r.type()).isEqualTo(LxdResponse.Type.SYNC);
    assertThat(r.isError()).isFalse();
    assertThat(r.metadata().path("status").asText()).isEqualTo("Running");
  }

  @Test
  void anAsyncAnswerNamesItsOperation() throws IOException {
    LxdResponse r = LxdJson.envelope(ACTION, 202, resource("create-async.json"));
    assertThat(r.type()).isEqualTo(LxdResponse.Type.ASYNC);
    assertThat(r.operation()).isEqualTo("/1.0/operations/8bb41ca8-6934-4274-88dc-5a8ba9177133");
    LxdJson.Operation op = LxdJson.operation(r.metadata());
    assertThat(op.isRunning()).isTrue();
    assertThat(op.succeeded()).isFalse();
  }

  @Test
  void anErrorAnswerKeepsLxdsCodeAndText() throws IOException {
    LxdResponse r = LxdJson.envelope(ACTION, 404, resource("error-image-alias.json"));
    assertThat(r.isError()).isTrue();
    assertThat(r.errorCode()).isEqualTo(404);
    assertThat(r.error()).isEqualTo("Image alias not found");
  }

  @Test
  void anUpdateReplacesTheUsersConfigAndKeepsLxdsOwnKeys() throws IOException {
    JsonNode instance =
        io.uptimemesh.core.json.Json.mapper()
            .readTree(
                "{\"name\":\"web-1\",\"status\":\"Running\",\"status_code\":103,"
                    + "\"profiles\":[\"default\"],"
                    + "\"config\":{\"environment.A\":\"1\",\"image.os\":\"busybox\","
                    + "\"volatile.eth0.hwaddr\":\"00:16:3e:00:00:01\"},"
                    + "\"devices\":{\"web\":{\"type\":\"proxy\",\"listen\":\"tcp:127.0.0.1:80\"}}}");
    InstanceDetails current = LxdJson.details(instance);
    assertThat(current.isRunning()).isTrue();
    assertThat(current.userConfig()).containsExactly(Map.entry("environment.A", "1"));
    assertThat(current.devices().get("web")).containsEntry("type", "proxy");

    JsonNode body =
        LxdJson.updateBody(
            current,
            List.of("default", "extra"),
            Map.of("environment.B", "2"),
            Map.of("api", Map.of("type", "proxy", "listen", "tcp:127.0.0.1:81")));

    assertThat(body.path("profiles").toString()).isEqualTo("[\"default\",\"extra\"]");
    assertThat(body.path("config").toString())
        .isEqualTo(
            "{\"environment.B\":\"2\",\"image.os\":\"busybox\","
                + "\"volatile.eth0.hwaddr\":\"00:16:3e:00:00:01\"}");
    assertThat(body.path("devices").toString())
        .isEqualTo("{\"api\":{\"listen\":\"tcp:127.0.0.1:81\",\"type\":\"proxy\"}}");
  }

  @Test
  void somethingElseThanTheEnvelopeIsAnInternalErrorNamingTheAction() {
    assertThatThrownBy(
            () -> LxdJson.envelope(ACTION, 502, "<html>bad gateway</html>".getBytes(UTF8())))
        .isInstanceOfSatisfying(
            UptimeMeshException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INTERNAL))
        .hasMessageContaining("state query of container 'x1'")
        .hasMessageContaining("not JSON");
    assertThatThrownBy(() -> LxdJson.envelope(ACTION, 200, "{\"type\":\"odd\"}".getBytes(UTF8())))
        .hasMessageContaining("unknown answer type 'odd'");
    // An unknown type with an error status is still an error, not a parse failure.
    assertThat(LxdJson.envelope(ACTION, 500, "{\"error\":\"boom\"}".getBytes(UTF8())).isError())
        .isTrue();
  }

  @Test
  void aRunningStateHasItsAddressesMemoryAndPid() throws IOException {
    InstanceState s = LxdJson.state(metadata("state-running.json"));
    assertThat(s.isRunning()).isTrue();
    assertThat(s.statusCode()).isEqualTo(103);
    assertThat(s.pid()).isEqualTo(5435);
    assertThat(s.processes()).isEqualTo(2);
    assertThat(s.memoryUsageBytes()).isEqualTo(630784);
    assertThat(s.memoryPeakBytes()).isEqualTo(1359872);
    assertThat(s.addresses())
        .extracting(
            InstanceAddress::device, InstanceAddress::address, InstanceAddress::prefixLength)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("eth0", "10.77.74.56", 24),
            org.assertj.core.groups.Tuple.tuple("eth0", "fe80::216:3eff:fe93:7806", 64),
            org.assertj.core.groups.Tuple.tuple("lo", "127.0.0.1", 8),
            org.assertj.core.groups.Tuple.tuple("lo", "::1", 128));
    assertThat(s.globalIpv4()).map(InstanceAddress::address).contains("10.77.74.56");
  }

  @Test
  void aStoppedStateHasNoNetworkAndNoPid() throws IOException {
    InstanceState s = LxdJson.state(metadata("state-stopped.json"));
    assertThat(s.isRunning()).isFalse();
    assertThat(s.status()).isEqualTo("Stopped");
    assertThat(s.pid()).isZero();
    assertThat(s.addresses()).isEmpty();
    assertThat(s.globalIpv4()).isEmpty();
  }

  @Test
  void instancesAreListedByNameWithTheirOwnConfig() throws IOException {
    List<InstanceSummary> list = LxdJson.instances(metadata("instances.json"));
    assertThat(list).extracting(InstanceSummary::name).containsExactly("web-1", "web-2");
    InstanceSummary web2 = list.get(1);
    assertThat(web2.isRunning()).isFalse();
    assertThat(web2.profiles()).containsExactly("default", "web");
    assertThat(web2.config()).containsEntry("limits.memory", "64MB");
    assertThat(list.get(0).isRunning()).isTrue();
    assertThat(list.get(0).ephemeral()).isTrue();
  }

  @Test
  void aFinishedExecNamesItsExitCodeAndOutputLogs() throws IOException {
    LxdJson.Operation op = LxdJson.operation(metadata("exec-wait-success.json"));
    assertThat(op.succeeded()).isTrue();
    LxdJson.ExecOutcome outcome = LxdJson.execOutcome(ACTION, op.result());
    assertThat(outcome.exitCode()).isEqualTo(7);
    assertThat(outcome.stdoutPath())
        .isEqualTo("/1.0/instances/x1/logs/exec_7773779f-f96d-4fdd-8c86-21b323e81af4.stdout");
    assertThat(outcome.stderrPath()).endsWith(".stderr");
    assertThatThrownBy(() -> LxdJson.execOutcome(ACTION, LxdJson.object()))
        .hasMessageContaining("no return code");
  }

  @Test
  void aFailedOperationKeepsItsErrorText() throws IOException {
    LxdJson.Operation op = LxdJson.operation(metadata("create-duplicate-failure.json"));
    assertThat(op.isRunning()).isFalse();
    assertThat(op.succeeded()).isFalse();
    assertThat(op.status()).isEqualTo("Failure");
    assertThat(op.err()).contains("already exists");
  }

  @Test
  void snapshotPathsBecomeSortedNames() throws IOException {
    JsonNode paths =
        io.uptimemesh.core.json.Json.mapper()
            .readTree(
                "[\"/1.0/instances/c1/snapshots/s2\",\"/1.0/instances/c1/snapshots/s1?project=p\"]");
    assertThat(LxdJson.lastSegments(paths)).containsExactly("s1", "s2");
  }

  @Test
  void theCreateBodyNamesTheImageAliasProfilesConfigAndDevices() {
    InstanceSpec spec =
        InstanceSpec.of("web-1", "busybox")
            .withProfiles(List.of("default", "web"))
            .withConfig(Map.of("limits.memory", "64MB"))
            .withDevices(Map.of("data", Map.of("type", "disk", "path", "/data", "source", "/srv")));
    assertThat(LxdJson.createBody(spec).toString())
        .isEqualTo(
            "{\"name\":\"web-1\",\"type\":\"container\","
                + "\"source\":{\"type\":\"image\",\"alias\":\"busybox\"},"
                + "\"profiles\":[\"default\",\"web\"],"
                + "\"config\":{\"limits.memory\":\"64MB\"},"
                + "\"devices\":{\"data\":{\"path\":\"/data\",\"source\":\"/srv\",\"type\":\"disk\"}}}");
    // Without profiles LXD applies its default profile: the field is left out, not sent empty
    // (an empty list would mean no profile at all).
    assertThat(LxdJson.createBody(InstanceSpec.of("a", "busybox")).has("profiles")).isFalse();
  }

  @Test
  void execAsksForRecordedOutputWithoutWebsockets() {
    assertThat(LxdJson.execBody(List.of("sh", "-c", "exit 3"), Map.of("A", "1")).toString())
        .isEqualTo(
            "{\"command\":[\"sh\",\"-c\",\"exit 3\"],\"environment\":{\"A\":\"1\"},"
                + "\"wait-for-websocket\":false,\"record-output\":true,\"interactive\":false}");
  }

  @Test
  void namesThatCouldChangeTheRequestPathAreRefused() {
    for (String bad :
        List.of("", "a/b", "../x", "a b", "-a", "a-", "1abc", "a?b", "x".repeat(64))) {
      assertThatThrownBy(() -> InstanceSpec.of(bad, "busybox"))
          .as(bad)
          .isInstanceOfSatisfying(
              UptimeMeshException.class,
              e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST));
    }
    assertThat(InstanceSpec.of("web-1", "busybox").name()).isEqualTo("web-1");
    assertThatThrownBy(() -> LxdNames.requireSnapshot("s/1")).hasMessageContaining("'s/1'");
    assertThatThrownBy(() -> LxdNames.requireProject("p?x")).hasMessageContaining("'p?x'");
    assertThatThrownBy(() -> InstanceSpec.of("a", "x/y")).hasMessageContaining("image alias");
  }

  private static JsonNode metadata(String name) throws IOException {
    return LxdJson.envelope(ACTION, 200, resource(name)).metadata();
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = LxdJsonTest.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing test resource " + name);
      }
      return in.readAllBytes();
    }
  }

  private static java.nio.charset.Charset UTF8() {
    return StandardCharsets.UTF_8;
  }
}
