package io.uptimemesh.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three core servers joined with {@code server --join}: every one serves every call, etcd has three
 * voting members, and the live APIs are listed.
 */
@Timeout(180)
class CoreJoinIT {
  @TempDir static Path dir;
  private static CoreCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    long t0 = System.nanoTime();
    cluster = CoreCluster.start(dir, 3, "");
    System.out.printf(
        "three core servers up and joined in %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void etcdHasThreeVotingMembersNamedAfterTheCoreServers() {
    JsonNode members =
        cluster.json("etcd-members", "--api-url", cluster.apiUrls(), "--output", "json");
    List<String> names = new ArrayList<>();
    // (another test adds and removes a learner of its own meanwhile)
    members.path("members").forEach(m -> names.add(m.path("name").asText()));
    assertThat(names)
        .filteredOn(n -> !n.isEmpty() && !n.equals("ghost"))
        .containsExactlyInAnyOrder("core-1", "core-2", "core-3");
    members
        .path("members")
        .forEach(
            m -> {
              if (!m.path("name").asText().startsWith("core-")) {
                return;
              }
              assertThat(m.path("learner").asBoolean()).isFalse();
              assertThat(m.path("healthy").asBoolean()).isTrue();
            });
    Cli.Result table = Cli.run("etcd-members", "--api-url", cluster.apiUrls());
    assertThat(table.stdout()).contains("core-2").contains("healthy");
  }

  @Test
  void everyCoreServerServesEveryCall() throws Exception {
    for (ServerProcess s : cluster.servers) {
      JsonNode created =
          cluster.json(
              "create-token",
              "--api-url",
              s.url(),
              "--role",
              "worker",
              "--label",
              "made-on=" + s.workDir.getFileName(),
              "--output",
              "json");
      for (ServerProcess other : cluster.servers) {
        JsonNode tokens =
            cluster.json("tokens", "list", "--api-url", other.url(), "--output", "json");
        List<String> ids = new ArrayList<>();
        tokens.path("tokens").forEach(t -> ids.add(t.path("id").asText()));
        assertThat(ids).contains(created.path("id").asText());
      }
    }
  }

  @Test
  void theLiveApisAndCoreMembersAreListed() throws Exception {
    ServerProcess.Response apis = cluster.servers.get(2).get("/api/v1/cluster/apis");
    assertThat(apis.status()).isEqualTo(200);
    for (ServerProcess s : cluster.servers) {
      assertThat(apis.body()).contains(s.url());
    }
    JsonNode nodes =
        cluster.json("nodes-status", "--api-url", cluster.apiUrls(), "--output", "json");
    List<String> coreNodes = new ArrayList<>();
    nodes
        .path("nodes")
        .forEach(n -> coreNodes.add(n.path("node_id").asText() + "/" + n.path("role").asText()));
    assertThat(coreNodes).contains("core-2/core", "core-3/core");
  }

  @Test
  void aLearnerAddedByHandCanBePromotedOnlyOnceStartedAndRemoved() {
    int peer = io.uptimemesh.testkit.FreePorts.one();
    JsonNode added =
        cluster.json(
            "etcd-members",
            "add",
            "--name",
            "ghost",
            "--peer-url",
            "http://127.0.0.1:" + peer,
            "--api-url",
            cluster.apiUrls(),
            "--output",
            "json");
    String id = added.path("member_id").asText();
    assertThat(added.path("learner").asBoolean()).isTrue();
    assertThat(added.path("initial_cluster").asText()).contains("ghost=http://127.0.0.1:" + peer);

    // Never started, so never caught up: etcd refuses the promotion, and the CLI says so.
    Cli.Result promote = Cli.run("etcd-members", "promote", id, "--api-url", cluster.apiUrls());
    assertThat(promote.code()).isEqualTo(1);
    assertThat(promote.stderr()).contains("cannot be promoted yet");

    Cli.Result removed = Cli.run("etcd-members", "remove", id, "--api-url", cluster.apiUrls());
    assertThat(removed.code()).as(removed.stderr()).isZero();
    JsonNode members =
        cluster.json("etcd-members", "--api-url", cluster.apiUrls(), "--output", "json");
    assertThat(members.path("members").size()).isEqualTo(3);
  }

  @Test
  void removingAHealthyMemberIsRefusedWhenItWouldCostQuorum() {
    // With all three healthy, removing one leaves two healthy of two: allowed. So check the
    // refusal message path with a wrong id instead, and the quorum rule in EtcdMembersIT.
    Cli.Result bad = Cli.run("etcd-members", "remove", "zz", "--api-url", cluster.apiUrls());
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.stderr()).contains("hex digits");
  }
}
