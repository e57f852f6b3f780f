package io.uptimemesh.core.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.uptimemesh.core.discovery.HealthCheck;
import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the API accepts as a service's workload, what it fills in, and how it names mistakes. */
class WorkloadSpecTest {
  private static JsonNode json(String text) {
    try {
      return Json.mapper().readTree(text.replace('\'', '"'));
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  private static WorkloadSpec parse(String text) {
    return WorkloadSpec.parse(json(text));
  }

  @Test
  void onlyTheImageIsRequiredAndEverythingElseHasADefault() {
    WorkloadSpec spec = parse("{'image':'busybox'}");

    assertThat(spec.image()).isEqualTo("busybox");
    assertThat(spec.profiles()).isEmpty();
    assertThat(spec.config()).isEmpty();
    assertThat(spec.limits()).isEqualTo(new WorkloadSpec.Limits(0, null));
    assertThat(spec.replicas()).isEqualTo(1);
    assertThat(spec.nodeSelector().labels()).isEmpty();
    assertThat(spec.nodeSelector().roles()).containsExactly("worker");
    assertThat(spec.antiAffinity()).isEqualTo(WorkloadSpec.HARD);
    assertThat(spec.mayShareNodes()).isFalse();
    assertThat(spec.ports()).isEmpty();
    // No port, nothing to check: the replica has no endpoints.
    assertThat(spec.health()).isNull();
    assertThat(spec.rollingUpdate()).isEqualTo(new WorkloadSpec.RollingUpdate(1, 0));
  }

  @Test
  void aSelectorLabelValueIsFreePrintableText() {
    WorkloadSpec spec =
        parse("{'image':'i','node_selector':{'labels':{'note':'<b>owner: ops, team=2</b>'}}}");

    assertThat(spec.nodeSelector().labels()).containsEntry("note", "<b>owner: ops, team=2</b>");
    assertThat(
            spec.nodeSelector()
                .matches(java.util.Map.of("note", "<b>owner: ops, team=2</b>"), "worker"))
        .isTrue();
  }

  @Test
  void aFullSpecIsReadAsGivenAndNormalised() {
    WorkloadSpec spec =
        parse(
            "{'image':'web-1.2','profiles':['default','net'],"
                + "'config':{'environment.MODE':'prod','boot.autostart':true},"
                + "'limits':{'cpu':2,'memory':'256MiB'},'replicas':3,"
                + "'node_selector':{'labels':{'zone':'eu-1'},'roles':['Worker','gateway']},"
                + "'anti_affinity':'SOFT',"
                + "'ports':[{'name':'http','port':8080},{'name':'dns','port':53,'protocol':'UDP'}],"
                + "'health':{'port_name':'http','type':'http','path':'/ready','interval_ms':500},"
                + "'rolling_update':{'max_unavailable':0,'max_surge':2}}");

    assertThat(spec.profiles()).containsExactly("default", "net");
    assertThat(spec.config())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("environment.MODE", "prod", "boot.autostart", "true"));
    assertThat(spec.limits()).isEqualTo(new WorkloadSpec.Limits(2, "256MiB"));
    assertThat(spec.replicas()).isEqualTo(3);
    assertThat(spec.nodeSelector().roles()).containsExactly("worker", "gateway");
    assertThat(spec.nodeSelector().matches(Map.of("zone", "eu-1", "x", "y"), "gateway")).isTrue();
    assertThat(spec.nodeSelector().matches(Map.of("zone", "eu-2"), "worker")).isFalse();
    assertThat(spec.nodeSelector().matches(Map.of("zone", "eu-1"), "core")).isFalse();
    assertThat(spec.mayShareNodes()).isTrue();
    assertThat(spec.ports())
        .containsExactly(
            new WorkloadSpec.PortSpec("http", 8080, "tcp"),
            new WorkloadSpec.PortSpec("dns", 53, "udp"));
    assertThat(spec.port("dns")).contains(new WorkloadSpec.PortSpec("dns", 53, "udp"));
    assertThat(spec.health())
        .isEqualTo(
            new WorkloadSpec.Health(
                "http", HealthCheck.validated("http", "/ready", 500L, null, null, null)));
    assertThat(spec.rollingUpdate()).isEqualTo(new WorkloadSpec.RollingUpdate(0, 2));
  }

  @Test
  void withoutAHealthCheckTheFirstPortIsCheckedByTcpConnect() {
    WorkloadSpec spec =
        parse("{'image':'web','ports':[{'name':'http','port':80},{'name':'admin','port':81}]}");
    assertThat(spec.health()).isEqualTo(new WorkloadSpec.Health("http", HealthCheck.defaultTcp()));
  }

  @Test
  void aHealthCheckWithoutPortNameChecksTheFirstPort() {
    WorkloadSpec spec =
        parse(
            "{'image':'web','ports':[{'name':'http','port':80},{'name':'admin','port':81}],"
                + "'health':{'type':'http'}}");
    assertThat(spec.health().portName()).isEqualTo("http");
    assertThat(spec.health().check().path()).isEqualTo("/");
  }

  @Test
  void aUdpPortNeedsNoCheckAndGetsNone() {
    WorkloadSpec defaulted =
        parse("{'image':'dns','ports':[{'name':'dns','port':53,'protocol':'udp'}]}");
    assertThat(defaulted.health().portName()).isEqualTo("dns");
    assertThat(defaulted.health().check().type()).isEqualTo(HealthCheck.NONE);

    // A health object naming a udp port without a type: none is the only possible check.
    WorkloadSpec named =
        parse(
            "{'image':'dns','ports':[{'name':'dns','port':53,'protocol':'udp'}],"
                + "'health':{'port_name':'dns','interval_ms':1000}}");
    assertThat(named.health().check().type()).isEqualTo(HealthCheck.NONE);
    assertThat(named.health().check().intervalMs()).isEqualTo(1000);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "[]                                                  |workload must be an object",
        "{}                                                  |workload.image must be a local",
        "{'image':''}                                        |workload.image must be a local",
        "{'image':'a b'}                                     |workload.image must be a local",
        "{'image':'images/web'}                              |workload.image must be a local",
        "{'image':7}                                         |workload.image must be text",
        "{'image':'i','profiles':'default'}                  |workload.profiles must be a list",
        "{'image':'i','profiles':['x y']}                    |workload.profiles holds a name",
        "{'image':'i','config':[]}                           |workload.config must be an object",
        "{'image':'i','config':{'limits.cpu':'2'}}           |workload.config key 'limits.cpu' is not allowed",
        "{'image':'i','config':{'Bad Key':'2'}}              |workload.config key 'Bad Key' is not an LXD",
        "{'image':'i','config':{'user.x':{'a':1}}}           |workload.config.user.x must be text",
        "{'image':'i','config':{'user.x':null}}              |workload.config.user.x must be text",
        "{'image':'i','limits':4}                            |workload.limits must be an object",
        "{'image':'i','limits':{'cpu':65}}                   |workload.limits.cpu must be 0",
        "{'image':'i','limits':{'cpu':-1}}                   |workload.limits.cpu must be 0",
        "{'image':'i','limits':{'cpu':1.5}}                  |workload.limits.cpu must be 0",
        "{'image':'i','limits':{'cpu':'2'}}                  |workload.limits.cpu must be 0",
        "{'image':'i','limits':{'memory':'256M'}}            |workload.limits.memory must look",
        "{'image':'i','limits':{'memory':'0MiB'}}            |workload.limits.memory must look",
        "{'image':'i','replicas':101}                        |workload.replicas must be a whole",
        "{'image':'i','replicas':-1}                         |workload.replicas must be a whole",
        "{'image':'i','replicas':2.5}                        |workload.replicas must be a whole",
        "{'image':'i','replicas':'3'}                        |workload.replicas must be a whole",
        "{'image':'i','node_selector':[]}                    |workload.node_selector must be",
        "{'image':'i','node_selector':{'labels':[]}}         |workload.node_selector.labels must",
        "{'image':'i','node_selector':{'labels':{'A B':'x'}}}|workload.node_selector.labels holds",
        "{'image':'i','node_selector':{'labels':{'a':1}}}    |workload.node_selector.labels holds",
        "{'image':'i','node_selector':{'labels':{'a':'x\\ny'}}}|workload.node_selector.labels holds",
        "{'image':'i','node_selector':{'roles':'worker'}}    |workload.node_selector.roles must be",
        "{'image':'i','node_selector':{'roles':['boss']}}    |workload.node_selector.roles must hold",
        "{'image':'i','anti_affinity':'maybe'}               |workload.anti_affinity must be hard",
        "{'image':'i','anti_affinity':1}                     |workload.anti_affinity must be text",
        "{'image':'i','ports':{}}                            |workload.ports must be a list",
        "{'image':'i','ports':[8080]}                        |workload.ports[0] must be an object",
        "{'image':'i','ports':[{'port':80}]}                 |workload.ports[0].name must be a DNS",
        "{'image':'i','ports':[{'name':'Web','port':80}]}    |workload.ports[0].name must be a DNS",
        "{'image':'i','ports':[{'name':1,'port':80}]}        |workload.ports[0].name must be text",
        "{'image':'i','ports':[{'name':'a','port':80},{'name':'a','port':81}]}"
            + "|workload.ports[1].name 'a' is used twice",
        "{'image':'i','ports':[{'name':'a'}]}                |workload.ports[0].port must be betw",
        "{'image':'i','ports':[{'name':'a','port':0}]}       |workload.ports[0].port must be betw",
        "{'image':'i','ports':[{'name':'a','port':65536}]}   |workload.ports[0].port must be betw",
        "{'image':'i','ports':[{'name':'a','port':4294967376}]}|workload.ports[0].port must be betw",
        "{'image':'i','ports':[{'name':'a','port':'80'}]}    |workload.ports[0].port must be betw",
        "{'image':'i','ports':[{'name':'a','port':80,'protocol':'sctp'}]}"
            + "|workload.ports[0].protocol must be tcp or udp",
        "{'image':'i','ports':[{'name':'a','port':80,'protocol':6}]}"
            + "|workload.ports[0].protocol must be text",
        "{'image':'i','health':{'type':'tcp'}}               |workload.health needs a port",
        "{'image':'i','ports':[{'name':'a','port':80}],'health':'tcp'}"
            + "|workload.health must be an object",
        "{'image':'i','ports':[{'name':'a','port':80}],'health':{'port_name':'b'}}"
            + "|workload.health.port_name names no port",
        "{'image':'i','ports':[{'name':'a','port':80}],'health':{'port_name':3}}"
            + "|workload.health.port_name must be text",
        "{'image':'i','ports':[{'name':'a','port':80}],'health':{'type':'ping'}}"
            + "|workload.health.type must be tcp, http or none",
        "{'image':'i','ports':[{'name':'a','port':80}],'health':{'type':'http','path':'x'}}"
            + "|workload.health.path must start with /",
        "{'image':'i','ports':[{'name':'a','port':80}],'health':{'interval_ms':10}}"
            + "|workload.health.interval_ms must be between",
        "{'image':'i','ports':[{'name':'a','port':80}],'health':{'interval_ms':'fast'}}"
            + "|workload.health.interval_ms must be a whole number",
        "{'image':'i','ports':[{'name':'a','port':80}],'health':{'timeout_ms':5000}}"
            + "|workload.health.timeout_ms must be between",
        "{'image':'i','ports':[{'name':'a','port':80}],'health':{'failure_threshold':0}}"
            + "|workload.health.failure_threshold must be between",
        "{'image':'i','ports':[{'name':'a','port':80}],'health':{'failure_threshold':4294967297}}"
            + "|workload.health.failure_threshold must be between",
        "{'image':'i','ports':[{'name':'a','port':80}],'health':{'success_threshold':101}}"
            + "|workload.health.success_threshold must be between",
        "{'image':'i','ports':[{'name':'d','port':53,'protocol':'udp'}],'health':{'type':'tcp'}}"
            + "|workload.health.type must be none for the udp port d",
        "{'image':'i','rolling_update':2}                    |workload.rolling_update must be an",
        "{'image':'i','rolling_update':{'max_unavailable':-1}}"
            + "|workload.rolling_update.max_unavailable must be 0 to 100",
        "{'image':'i','rolling_update':{'max_unavailable':1.5}}"
            + "|workload.rolling_update.max_unavailable must be 0 to 100",
        "{'image':'i','rolling_update':{'max_surge':101}}    |workload.rolling_update.max_surge must",
        "{'image':'i','rolling_update':{'max_unavailable':0}}"
            + "|workload.rolling_update max_unavailable and max_surge cannot both be 0",
      })
  void everyBadFieldIsA400NamingIt(String body, String message) {
    assertThatThrownBy(() -> parse(body))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessageStartingWith(message)
        .extracting(e -> ((UptimeMeshException) e).errorCode())
        .isEqualTo(ErrorCode.INVALID_REQUEST);
  }

  @Test
  void missingIsNotNull() {
    assertThatThrownBy(() -> WorkloadSpec.parse(null))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessage("workload must be an object");
  }

  @Test
  void theBoundsThemselvesAreAccepted() {
    WorkloadSpec spec =
        parse(
            "{'image':'i','replicas':100,'limits':{'cpu':64,'memory':'2GiB'},"
                + "'ports':[{'name':'a','port':65535},{'name':'b','port':1}],"
                + "'rolling_update':{'max_unavailable':100,'max_surge':100}}");
    assertThat(spec.replicas()).isEqualTo(WorkloadSpec.MAX_REPLICAS);
    assertThat(spec.limits().cpu()).isEqualTo(64);
    assertThat(parse("{'image':'i','replicas':0}").replicas()).isZero();
  }

  @Test
  void aStoredCopyReadsBackEqual() throws Exception {
    // service-generations/{name}/{generation} holds the record as the shared mapper writes it.
    WorkloadSpec spec =
        parse(
            "{'image':'web','replicas':2,'config':{'user.a':'b'},'anti_affinity':'soft',"
                + "'node_selector':{'labels':{'zone':'a'}},"
                + "'ports':[{'name':'http','port':80}],'health':{'type':'http','path':'/h'}}");
    String stored = Json.mapper().writeValueAsString(spec);

    assertThat(Json.mapper().readValue(stored, WorkloadSpec.class)).isEqualTo(spec);
    // Nothing but the record's own fields is written (no derived mayShareNodes or port).
    ObjectNode tree = (ObjectNode) Json.mapper().readTree(stored);
    assertThat(List.copyOf(iterable(tree.fieldNames())))
        .containsExactlyInAnyOrder(
            "image",
            "profiles",
            "config",
            "limits",
            "replicas",
            "node_selector",
            "anti_affinity",
            "ports",
            "health",
            "rolling_update");
  }

  @Test
  void aStoredCopyWithoutTheEmptyListsStillReads() throws Exception {
    WorkloadSpec read =
        Json.mapper()
            .readValue(
                "{\"image\":\"web\",\"replicas\":1,\"anti_affinity\":\"hard\"}",
                WorkloadSpec.class);
    assertThat(read.profiles()).isEmpty();
    assertThat(read.config()).isEmpty();
    assertThat(read.ports()).isEmpty();
  }

  private static <T> List<T> iterable(java.util.Iterator<T> it) {
    List<T> out = new java.util.ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
