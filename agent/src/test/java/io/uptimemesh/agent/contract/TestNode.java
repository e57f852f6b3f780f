package io.uptimemesh.agent.contract;

import io.uptimemesh.agent.control.ApiUrls;
import io.uptimemesh.agent.control.ControlPlaneClient;
import io.uptimemesh.agent.control.ControlPlaneHealth;
import io.uptimemesh.agent.control.NodeSigner;
import io.uptimemesh.agent.identity.IdentityFiles;
import io.uptimemesh.core.config.AgentSettings;
import io.uptimemesh.core.pki.ClusterCa;
import io.uptimemesh.core.pki.CsrValidator;
import io.uptimemesh.core.pki.NodeKeys;
import io.uptimemesh.core.pki.Pem;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A joined node for tests: identity files signed by a test CA, and its agent settings. */
public final class TestNode {
  public final String id;
  public final Path dataDir;
  public final X509Certificate certificate;
  public final Map<String, String> env = new HashMap<>();

  public TestNode(ClusterCa ca, Path root, String id, int host, List<String> apis)
      throws Exception {
    this(ca, root, id, host, apis, Duration.ofDays(30));
  }

  public TestNode(
      ClusterCa ca, Path root, String id, int host, List<String> apis, Duration validity)
      throws Exception {
    this.id = id;
    this.dataDir = root.resolve(id);
    KeyPair keys = NodeKeys.generateEd25519();
    certificate =
        ca.issue(CsrValidator.validate(NodeKeys.csrPem(keys, id), id), validity, Instant.now());
    new IdentityFiles(dataDir.resolve("identities"), id)
        .write(keys.getPrivate(), Pem.certificate(certificate), Pem.certificate(ca.certificate()));
    env.put("RUNTIME_NODE_ID", id);
    env.put("UPTIMEMESH_DATA_DIR", dataDir.toString());
    env.put("RUNTIME_API_BASE_URL", String.join(",", apis));
    env.put("RUNTIME_WG_PRIMARY_ENDPOINT", "192.0.2." + host + ":51820");
    env.put("RUNTIME_WG_SECONDARY_ENDPOINT", "198.51.100." + host + ":51821");
    env.put("RUNTIME_WG_PRIMARY_IFACE", "umt" + host + "a");
    env.put("RUNTIME_WG_SECONDARY_IFACE", "umt" + host + "b");
    env.put("RUNTIME_PROBE_PORT", Integer.toString(freePort()));
    env.put("RUNTIME_HEARTBEAT_INTERVAL_SECONDS", "1");
    env.put("RUNTIME_HEARTBEAT_TTL_SECONDS", "5");
    env.put("RUNTIME_CONTROL_PLANE_CHECK_SECONDS", "5");
  }

  /** A control-plane client signing as this node, talking to {@code url} only. */
  public ControlPlaneClient client(Vertx vertx, String url) throws IOException {
    Clock clock = Clock.systemUTC();
    return new ControlPlaneClient(
        vertx.createHttpClient(),
        new ApiUrls(List.of(URI.create(url))),
        new ControlPlaneHealth(clock),
        new NodeSigner(id, new IdentityFiles(dataDir.resolve("identities"), id)),
        clock,
        Duration.ofSeconds(5));
  }

  public AgentSettings settings() {
    return AgentSettings.load(env, null);
  }

  public Path socket() {
    return dataDir.resolve("agent.sock");
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
