package io.uptimemesh.agent.mesh;

import io.uptimemesh.agent.status.AgentMetrics;
import io.uptimemesh.core.mesh.DesiredState;
import io.uptimemesh.core.mesh.MeshPlanner;
import io.uptimemesh.wireguard.failover.FailoverSettings;
import io.uptimemesh.wireguard.failover.FailoverState;
import io.uptimemesh.wireguard.failover.MeshPath;
import io.uptimemesh.wireguard.failover.PathFailover;
import io.uptimemesh.wireguard.failover.PathSwitch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every path to every peer and keeps one {@link PathFailover} per peer (paths are pairwise,
 * ADR 0012). Each interval it sends one UDP echo request per peer per path to the peer's probe
 * address of that path ({@code ProbeAddresses}, the {@code /128} among the peer's allowed IPs): the
 * probe prefixes are routed over one interface each, so request and reply both take the probed
 * path. A request without a reply within the timeout is a failed probe. A peer without a secondary
 * path gets a failed secondary result each round (that path cannot carry its traffic), so it never
 * fails over to it. A switch asks the reconciler to move the routes, and the time from decision to
 * applied routes is recorded. Also answers other nodes' probes on {@code [::]:port}. Runs on the
 * agent's context.
 */
public final class PathMonitor {
  private static final Logger LOG = LoggerFactory.getLogger(PathMonitor.class);

  private record Pending(String peer, MeshPath path, long sentNanos, long round) {}

  /** One round's results for one peer, fed to its failover together. */
  private static final class Round {
    final long id;
    final Boolean[] ok = new Boolean[2];

    Round(long id) {
      this.id = id;
    }

    boolean complete() {
      return ok[0] != null && ok[1] != null;
    }
  }

  private final Vertx vertx;
  private final FailoverSettings settings;
  private final Clock clock;
  private final int port;
  private final Duration interval;
  private final Duration timeout;
  private final AgentMetrics metrics;
  private final Supplier<Optional<DesiredState>> desired;
  private final Supplier<Future<Void>> reconcile;

  private final Map<String, PathFailover> failovers = new LinkedHashMap<>();
  private final Map<Long, Pending> pending = new HashMap<>();
  private final Map<String, TreeMap<Long, Round>> rounds = new HashMap<>();
  private long round;
  private DatagramSocket echo;
  private DatagramSocket prober;
  private long ticker = -1;
  private long seq;
  private boolean controlPlaneReachable = true;
  private boolean stopped;

  public PathMonitor(
      Vertx vertx,
      FailoverSettings settings,
      Clock clock,
      int port,
      Duration interval,
      Duration timeout,
      AgentMetrics metrics,
      Supplier<Optional<DesiredState>> desired,
      Supplier<Future<Void>> reconcile) {
    this.vertx = vertx;
    this.settings = settings;
    this.clock = clock;
    this.port = port;
    this.interval = interval;
    this.timeout = timeout;
    this.metrics = metrics;
    this.desired = desired;
    this.reconcile = reconcile;
  }

  /** Binds the echo responder and the prober, then probes every interval. */
  public Future<Void> start() {
    DatagramSocketOptions options = new DatagramSocketOptions().setIpV6(true);
    echo = vertx.createDatagramSocket(options);
    echo.handler(
        packet -> {
          Buffer reply = ProbePacket.replyTo(packet.data());
          if (reply != null) {
            echo.send(reply, packet.sender().port(), packet.sender().host());
          }
        });
    prober = vertx.createDatagramSocket(options);
    prober.handler(packet -> onReply(packet.data()));
    return echo.listen(port, "::")
        .compose(s -> prober.listen(0, "::"))
        .onSuccess(s -> ticker = vertx.setPeriodic(interval.toMillis(), id -> tick()))
        .mapEmpty();
  }

  public Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(ticker);
    Future<Void> a = echo == null ? Future.succeededFuture() : echo.close();
    Future<Void> b = prober == null ? Future.succeededFuture() : prober.close();
    return Future.join(a, b).mapEmpty();
  }

  /** The control plane's reachability: recorded in every peer's state, never moves traffic. */
  public void controlPlane(boolean reachable) {
    controlPlaneReachable = reachable;
    failovers.values().forEach(f -> f.onControlPlane(reachable));
  }

  /** Each known peer's active path. */
  public Map<String, MeshPath> activePaths() {
    Map<String, MeshPath> out = new LinkedHashMap<>();
    failovers.forEach((peer, f) -> out.put(peer, f.active()));
    return out;
  }

  /** The path most peers use (the primary on a tie): the mesh CIDR's preferred route. */
  public MeshPath meshCidrPath() {
    long secondary =
        failovers.values().stream().filter(f -> f.active() == MeshPath.SECONDARY).count();
    return secondary * 2 > failovers.size() ? MeshPath.SECONDARY : MeshPath.PRIMARY;
  }

  /** Each known peer's failover state. */
  public Map<String, FailoverState> states() {
    Map<String, FailoverState> out = new LinkedHashMap<>();
    failovers.forEach((peer, f) -> out.put(peer, f.state()));
    return out;
  }

  void tick() {
    if (stopped) {
      return;
    }
    Optional<DesiredState> state = desired.get();
    if (state.isEmpty()) {
      return;
    }
    Map<String, MeshPlanner.Peer> primary = byNode(state.get().primaryPeers());
    Map<String, MeshPlanner.Peer> secondary = byNode(state.get().secondaryPeers());
    round++;
    failovers.keySet().retainAll(primary.keySet());
    rounds.keySet().retainAll(primary.keySet());
    for (String peer : primary.keySet()) {
      failovers.computeIfAbsent(
          peer,
          p -> {
            PathFailover f = new PathFailover(settings, clock);
            f.onControlPlane(controlPlaneReachable);
            return f;
          });
    }
    primary.forEach((peer, p) -> probe(peer, MeshPath.PRIMARY, p));
    for (String peer : primary.keySet()) {
      MeshPlanner.Peer s = secondary.get(peer);
      if (s == null) {
        result(peer, MeshPath.SECONDARY, false, 0, round);
      } else {
        probe(peer, MeshPath.SECONDARY, s);
      }
    }
    failovers.forEach((peer, f) -> f.evaluate().ifPresent(sw -> switched(peer, sw)));
    vertx.setTimer(timeout.toMillis(), id -> expire());
  }

  private void probe(String peer, MeshPath path, MeshPlanner.Peer p) {
    Optional<String> address =
        p.allowedIps().stream()
            .filter(ip -> ip.contains(":"))
            .map(ip -> ip.split("/")[0])
            .findFirst();
    if (address.isEmpty()) {
      result(peer, path, false, 0, round);
      return;
    }
    long s = ++seq;
    long r = round;
    pending.put(s, new Pending(peer, path, System.nanoTime(), r));
    prober
        .send(ProbePacket.request(s), port, address.get())
        .onFailure(
            e -> {
              // No route yet (interfaces not up): a failed probe, now rather than at the timeout.
              Pending gone = pending.remove(s);
              if (gone != null) {
                result(peer, path, false, 0, r);
              }
            });
  }

  private void onReply(Buffer data) {
    OptionalLong s = ProbePacket.replySeq(data);
    if (s.isEmpty()) {
      return;
    }
    Pending p = pending.remove(s.getAsLong());
    if (p != null) {
      result(p.peer(), p.path(), true, System.nanoTime() - p.sentNanos(), p.round());
    }
  }

  private void expire() {
    long deadline = System.nanoTime() - timeout.toNanos();
    for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
      Pending p = it.next();
      if (p.sentNanos() <= deadline) {
        it.remove();
        metrics.probeLost();
        result(p.peer(), p.path(), false, 0, p.round());
      }
    }
  }

  /**
   * Collects a probe result; a round whose two paths both reported is fed to the peer's failover,
   * rounds in order, the standby path's result first. Why: when both paths die at once, the active
   * path's failure must not reach the threshold while the standby's equal failures are still in
   * flight, or traffic would move to a path just as dead. Every probe ends in a reply, a send error
   * or the timeout, so every round completes within the probe timeout.
   */
  private void result(String peer, MeshPath path, boolean ok, long rttNanos, long roundId) {
    if (stopped || !failovers.containsKey(peer)) {
      return;
    }
    if (ok) {
      metrics.probe(path, Duration.ofNanos(rttNanos));
    }
    TreeMap<Long, Round> pendingRounds = rounds.computeIfAbsent(peer, p -> new TreeMap<>());
    pendingRounds.computeIfAbsent(roundId, Round::new).ok[path.ordinal()] = ok;
    while (!pendingRounds.isEmpty() && pendingRounds.firstEntry().getValue().complete()) {
      feed(peer, pendingRounds.pollFirstEntry().getValue());
    }
  }

  private void feed(String peer, Round r) {
    PathFailover f = failovers.get(peer);
    if (f == null) {
      return;
    }
    MeshPath standby = f.active().other();
    for (MeshPath path : new MeshPath[] {standby, standby.other()}) {
      Boolean ok = r.ok[path.ordinal()];
      if (ok != null) {
        f.onProbe(path, ok).ifPresent(sw -> switched(peer, sw));
      }
    }
  }

  private void switched(String peer, PathSwitch sw) {
    long decided = System.nanoTime();
    if (sw.kind() == PathSwitch.Kind.FAILOVER) {
      metrics.failover(sw.timeToDetect().orElse(Duration.ZERO));
    } else {
      metrics.failback();
    }
    metrics.activePath(peer, sw.to());
    LOG.info(
        "traffic to {} moves from the {} to the {} path ({})",
        peer,
        sw.from().name().toLowerCase(),
        sw.to().name().toLowerCase(),
        sw.kind().name().toLowerCase());
    reconcile
        .get()
        .onComplete(v -> metrics.switched(Duration.ofNanos(System.nanoTime() - decided)));
  }

  private static Map<String, MeshPlanner.Peer> byNode(java.util.List<MeshPlanner.Peer> peers) {
    Map<String, MeshPlanner.Peer> map = new LinkedHashMap<>();
    peers.forEach(p -> map.put(p.nodeId(), p));
    return map;
  }
}
