package io.uptimemesh.agent.identity;

import io.uptimemesh.agent.control.Backoff;
import io.uptimemesh.agent.control.ControlPlaneClient;
import io.uptimemesh.agent.control.NodeSigner;
import io.uptimemesh.core.idempotency.IdempotencyKeys;
import io.uptimemesh.core.json.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the node certificate at two thirds of its lifetime, so a node that misses a few attempts
 * (control plane down) still has a third of the lifetime to succeed; retries back off. After a
 * renewal the signer uses the new key at once. Runs on the agent's context; blocking parts on a
 * worker.
 */
public final class CertificateRenewal {
  private static final Logger LOG = LoggerFactory.getLogger(CertificateRenewal.class);

  private final Vertx vertx;
  private final ControlPlaneClient client;
  private final NodeSigner signer;
  private final Clock clock;
  private final Backoff backoff = Backoff.standard();
  private long timer = -1;
  private boolean stopped;
  private Optional<Instant> lastRenewal = Optional.empty();

  public CertificateRenewal(
      Vertx vertx, ControlPlaneClient client, NodeSigner signer, Clock clock) {
    this.vertx = vertx;
    this.client = client;
    this.signer = signer;
    this.clock = clock;
  }

  /** When a certificate valid from {@code notBefore} to {@code notAfter} is due for renewal. */
  public static Instant dueAt(Instant notBefore, Instant notAfter) {
    Duration lifetime = Duration.between(notBefore, notAfter);
    return notBefore.plus(lifetime.multipliedBy(2).dividedBy(3));
  }

  public void start() {
    schedule();
  }

  public void stop() {
    stopped = true;
    vertx.cancelTimer(timer);
  }

  public Optional<Instant> lastRenewal() {
    return lastRenewal;
  }

  /** When the current certificate is due. */
  public Instant due() {
    X509Certificate cert = signer.certificate();
    return dueAt(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant());
  }

  private void schedule() {
    if (stopped) {
      return;
    }
    long delay = Math.max(1, Duration.between(clock.instant(), due()).toMillis());
    // Vert.x timers take any long, but a day-long wait re-checks daily against the clock.
    timer =
        vertx.setTimer(
            Math.min(delay, Duration.ofDays(1).toMillis()),
            id -> {
              if (!clock.instant().isBefore(due())) {
                renew();
              } else {
                schedule();
              }
            });
  }

  private void renew() {
    if (stopped) {
      return;
    }
    vertx
        .executeBlocking(
            () -> RenewalRequest.prepare(signer.files(), signer.nodeId(), clock.millis()), false)
        .compose(
            request ->
                client
                    .signed(
                        HttpMethod.POST,
                        "/api/v1/nodes/" + signer.nodeId() + "/renew",
                        request.body(),
                        h -> h.set(IdempotencyKeys.HEADER, request.idempotencyKey()))
                    .compose(
                        r -> {
                          if (r.status() != 200) {
                            return io.vertx.core.Future.failedFuture(
                                "renewal refused (HTTP " + r.status() + "): " + r.text());
                          }
                          return vertx.executeBlocking(
                              () -> {
                                X509Certificate cert =
                                    request.accept(Json.mapper().readTree(r.text()));
                                signer.reload();
                                return cert;
                              },
                              false);
                        }))
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                backoff.reset();
                lastRenewal = Optional.of(clock.instant());
                LOG.info(
                    "node certificate renewed, valid until {}",
                    ar.result().getNotAfter().toInstant());
                schedule();
              } else {
                long delay = backoff.next().toMillis();
                LOG.warn(
                    "certificate renewal failed (next try in {} s): {}",
                    delay / 1000,
                    ar.cause().getMessage());
                timer = vertx.setTimer(Math.max(1, delay), id -> renew());
              }
            });
  }
}
