package io.uptimemesh.agent.contract;

import io.uptimemesh.wireguard.mesh.MeshApplyResult;
import io.uptimemesh.wireguard.mesh.MeshNetwork;
import io.uptimemesh.wireguard.mesh.MeshObservation;
import io.uptimemesh.wireguard.mesh.MeshTarget;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** A MeshNetwork that records what the agent asked of it and changes nothing. */
public final class RecordingMesh implements MeshNetwork {
  public final List<MeshTarget> applied = new CopyOnWriteArrayList<>();
  public final List<String> tearDowns = new CopyOnWriteArrayList<>();

  @Override
  public MeshApplyResult apply(MeshTarget target) {
    MeshTarget last = applied.isEmpty() ? null : applied.get(applied.size() - 1);
    applied.add(target);
    return new MeshApplyResult(
        target.equals(last) ? List.of() : List.of("revision " + target.desired().revision()));
  }

  @Override
  public MeshObservation observe() {
    return new MeshObservation(Optional.empty(), Optional.empty(), List.of());
  }

  @Override
  public void tearDown(String primaryIface, String secondaryIface) {
    tearDowns.add(primaryIface + "," + secondaryIface);
  }

  /** The peers of the last applied target, empty before the first. */
  public List<String> peers() {
    return applied.isEmpty()
        ? List.of()
        : applied.get(applied.size() - 1).desired().primaryPeers().stream()
            .map(p -> p.nodeId())
            .toList();
  }

  public Optional<MeshTarget> last() {
    return applied.isEmpty() ? Optional.empty() : Optional.of(applied.get(applied.size() - 1));
  }
}
