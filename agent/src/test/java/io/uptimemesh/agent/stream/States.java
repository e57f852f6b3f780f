package io.uptimemesh.agent.stream;

import io.uptimemesh.core.mesh.DesiredState;
import io.uptimemesh.core.mesh.MeshPlanner;
import io.uptimemesh.core.mesh.NodeWireGuard;
import io.uptimemesh.wireguard.WgKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Desired states for tests, computed by the real planner. */
public final class States {
  private States() {}

  public static MeshPlanner.Member member(String id, int host) {
    return new MeshPlanner.Member(
        id,
        "10.200.0." + host,
        new NodeWireGuard(
            WgKeys.generate().publicKey().base64(),
            "192.0.2." + host + ":51820",
            Optional.of(WgKeys.generate().publicKey().base64()),
            Optional.of("198.51.100." + host + ":51821")));
  }

  /** The state of {@code self} with {@code others} as peers, at {@code revision}. */
  public static DesiredState of(
      MeshPlanner.Member self, long revision, MeshPlanner.Member... others) {
    List<MeshPlanner.Member> all = new ArrayList<>(List.of(others));
    all.add(self);
    return DesiredState.of(MeshPlanner.plan(self, all), revision, "10.200.0.0/16", 0);
  }
}
