package io.uptimemesh.launcher;

import io.uptimemesh.core.config.ClusterConfig;
import io.uptimemesh.core.config.RuntimeSettings;
import io.uptimemesh.web.ops.OpsConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;

/** The etcd-operations settings of a core node, from its runtime settings and config.yaml. */
final class OpsWiring {
  private OpsWiring() {}

  /**
   * @param managed true when this server runs its own etcd member, whose name then names the node
   */
  static OpsConfig config(RuntimeSettings settings, ClusterConfig config, boolean managed) {
    return new OpsConfig(
        settings.etcdSnapshotDir().toAbsolutePath().normalize(),
        settings.etcdSnapshotRetention(),
        settings.etcdCommand(),
        managed ? config.managedEtcd().memberName() : hostName(),
        config.snapshots().timeout(),
        config.snapshots().scheduleInterval(),
        Clock.systemUTC());
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }
}
