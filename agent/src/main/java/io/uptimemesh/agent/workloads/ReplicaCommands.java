package io.uptimemesh.agent.workloads;

import io.uptimemesh.core.workload.ReplicaCommand;
import io.uptimemesh.lxd.InstanceDetails;
import io.uptimemesh.lxd.LxdClient;
import io.vertx.core.Future;
import java.util.Map;
import java.util.TreeMap;

/**
 * Carries out an operator's command on a replica's container (ADR 0014, "Operator commands on one
 * replica"): restart, a snapshot with the given name, or the restore of a named snapshot, then
 * records its sequence number in {@link ContainerPlan#COMMAND_SEQ_KEY} so that it is done once even
 * across agent restarts. A command that fails is recorded as done too, with its error: the operator
 * sees the error and sends a new command rather than the agent retrying it forever.
 */
final class ReplicaCommands {
  /**
   * What a command did.
   *
   * @param seq the command's sequence number
   * @param error why it failed, empty if it succeeded
   * @param changedContainer true if it changed the container (restore): reconcile again
   */
  record Done(long seq, String error, boolean changedContainer) {}

  private final LxdClient lxd;

  ReplicaCommands(LxdClient lxd) {
    this.lxd = lxd;
  }

  /** True when {@code command} is newer than what was done: the container's key and the memory. */
  static boolean due(ReplicaCommand command, long doneSeq) {
    return command != null && command.seq() > doneSeq;
  }

  /** Carries out {@code command} on container {@code id}, then records it; never fails. */
  Future<Done> carryOut(String id, ReplicaCommand command) {
    Future<Void> act =
        switch (command.kind()) {
          case ReplicaCommand.RESTART ->
              lxd.restart(id, ReplicaReconcile.STOP_TIMEOUT, false)
                  .recover(e -> lxd.restart(id, java.time.Duration.ZERO, true));
          // LXD copies a running container's files with rsync, which fails when one changes or
          // vanishes meanwhile: one more try before the command is reported failed.
          case ReplicaCommand.SNAPSHOT ->
              lxd.snapshot(id, command.snapshot())
                  .recover(
                      e ->
                          lxd.snapshots(id)
                              .compose(
                                  have ->
                                      have.contains(command.snapshot())
                                          ? Future.<Void>failedFuture(e)
                                          : lxd.snapshot(id, command.snapshot())));
          case ReplicaCommand.RESTORE -> lxd.restore(id, command.snapshot());
          default ->
              Future.failedFuture(
                  new IllegalArgumentException("unknown command " + command.kind()));
        };
    boolean changes = ReplicaCommand.RESTORE.equals(command.kind());
    return act.transform(
        ar -> {
          String error = ar.succeeded() ? "" : message(ar.cause());
          return record(id, command.seq())
              .transform(
                  recorded ->
                      Future.succeededFuture(
                          new Done(command.seq(), error, changes || recorded.failed())));
        });
  }

  /**
   * Writes {@code seq} into the container's config (keeping everything else). A restore of an older
   * snapshot brings back the sequence number it held; the reconciler writes it again.
   */
  Future<Void> record(String id, long seq) {
    return lxd.instance(id)
        .compose(
            (InstanceDetails c) -> {
              if (ContainerPlan.commandSeqOf(c) == seq) {
                return Future.succeededFuture();
              }
              Map<String, String> config = new TreeMap<>(c.userConfig());
              config.put(ContainerPlan.COMMAND_SEQ_KEY, Long.toString(seq));
              return lxd.reconfigure(id, c.profiles(), config, c.devices());
            });
  }

  private static String message(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
