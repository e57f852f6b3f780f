package io.uptimemesh.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.core.config.ClusterConfig;
import io.uptimemesh.core.config.RuntimeSettings;
import io.uptimemesh.core.etcd.EtcdMemberSpec;
import io.uptimemesh.launcher.cli.CliException;
import io.uptimemesh.launcher.cli.NodeJoiner;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code uptimemesh server --join URL --token T}: the first start of a new core node. It joins the
 * cluster as a core node through any existing core node (identity made locally, CA pin checked),
 * which adds its etcd member as a learner; the server then starts its managed etcd with the
 * existing cluster and has the member promoted once it has caught up (see {@link CoreServer}).
 *
 * <p>Once this node's etcd holds data it is a member: a later start with {@code --join} only says
 * so and carries on.
 */
final class CoreJoin {
  private static final Logger log = LoggerFactory.getLogger(CoreJoin.class);

  /** What the operator asked for. */
  record Options(List<URI> apiUrls, String token, String nodeId) {}

  /**
   * How the new member starts.
   *
   * @param initialCluster the {@code --initial-cluster} of the existing cluster plus this member
   * @param clientUrls the running members' client URLs (this member is a learner until promoted and
   *     cannot serve this node's own client yet)
   */
  record Plan(String memberIdHex, Map<String, String> initialCluster, List<URI> clientUrls) {
    long memberId() {
      return Long.parseUnsignedLong(memberIdHex, 16);
    }
  }

  private CoreJoin() {}

  /**
   * Joins when this node is not a member yet.
   *
   * @return how to start the new member, or empty when there is nothing to do (already a member, or
   *     an external etcd)
   */
  static Optional<Plan> prepare(RuntimeSettings settings, ClusterConfig config, Options options)
      throws CoreServer.StartupException {
    Path data = settings.dataDir().toAbsolutePath().normalize();
    boolean managed = settings.etcdEndpoints().isEmpty();
    if (managed && Files.isDirectory(data.resolve("etcd").resolve("member"))) {
      log.info(
          "this core node is an etcd member already (data in {}): --join is not needed",
          data.resolve("etcd"));
      return Optional.empty();
    }
    var m = config.managedEtcd();
    String memberName = m.memberName();
    String peerUrl =
        managed ? spec(settings, config, Map.of(memberName, "x"), true).peerUrl() : null;
    String nodeId = options.nodeId() == null ? memberName.toLowerCase() : options.nodeId();
    log.info("joining the cluster through {} as core node {}", options.apiUrls(), nodeId);
    JsonNode answer;
    try {
      answer =
          NodeJoiner.join(
              options.apiUrls(),
              data.resolve("identities"),
              new NodeJoiner.Request(
                  options.token(),
                  nodeId,
                  memberName,
                  "core",
                  settings.advertisedApiUrl().toString(),
                  peerUrl,
                  memberName,
                  Map.of(),
                  false));
    } catch (CliException | io.uptimemesh.core.error.UptimeMeshException e) {
      throw new CoreServer.StartupException("cannot join the cluster: " + e.getMessage(), e);
    }
    log.info(
        "joined as {} (mesh address {}); identity in {}",
        nodeId,
        answer.path("mesh_ip").asText(),
        answer.path("identity_dir").asText());
    if (!managed) {
      return Optional.empty();
    }
    JsonNode etcd = answer.path("etcd");
    if (etcd.isMissingNode()) {
      throw new CoreServer.StartupException(
          "the core node answered the join without an etcd member for this node: is it a core"
              + " token?",
          null);
    }
    List<URI> clients = new ArrayList<>();
    etcd.path("client_urls").forEach(u -> clients.add(URI.create(u.asText())));
    Plan plan =
        new Plan(
            etcd.path("member_id").asText(),
            EtcdMemberSpec.parseInitialCluster(etcd.path("initial_cluster").asText()),
            clients);
    log.info(
        "etcd member {} added as a learner; starting it with the cluster {}",
        plan.memberIdHex(),
        etcd.path("initial_cluster").asText());
    return Optional.of(plan);
  }

  /**
   * The managed member's spec: a new single-member cluster, or this member joining {@code
   * initialCluster}.
   */
  static EtcdMemberSpec spec(
      RuntimeSettings settings,
      ClusterConfig config,
      Map<String, String> initialCluster,
      boolean newCluster) {
    var m = config.managedEtcd();
    Path data = settings.dataDir().toAbsolutePath().normalize();
    String host = settings.advertiseHost();
    Map<String, String> cluster =
        newCluster
            ? Map.of(
                m.memberName(),
                "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + m.peerPort())
            : initialCluster;
    return new EtcdMemberSpec(
        m.memberName(),
        data.resolve("etcd"),
        host,
        m.clientPort(),
        m.peerPort(),
        cluster,
        newCluster,
        m.autoCompactionMode(),
        m.autoCompactionRetention(),
        m.quotaBackendBytes());
  }
}
