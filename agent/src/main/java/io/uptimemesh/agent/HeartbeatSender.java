package io.uptimemesh.agent;

import io.uptimemesh.agent.identity.IdentityFiles;
import io.uptimemesh.agent.identity.SequenceFile;
import io.uptimemesh.core.heartbeat.Heartbeat;
import io.uptimemesh.core.heartbeat.HeartbeatSignatures;
import io.uptimemesh.core.pki.Fingerprints;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Sends signed heartbeats: the JSON body is serialised once, signed over exactly those bytes with
 * the node's Ed25519 key, and sent with the signature and the certificate fingerprint in headers.
 * The one implementation the agent and {@code uptimemesh heartbeat} share.
 */
public final class HeartbeatSender {
  /** The server's answer: HTTP status and JSON body text. */
  public record Response(int status, String body) {}

  private final HttpClient http;
  private final String nodeId;
  private final PrivateKey key;
  private final String fingerprint;
  private final SequenceFile sequence;

  public HeartbeatSender(HttpClient http, String nodeId, IdentityFiles identity)
      throws IOException {
    this.http = http;
    this.nodeId = nodeId;
    this.key = identity.key();
    this.fingerprint = Fingerprints.sha256(identity.certificate());
    this.sequence = new SequenceFile(identity);
  }

  /**
   * Sends one heartbeat with {@code status} to {@code apiUrl}.
   *
   * @return the server's answer (any status); fails only when the server could not be reached
   * @throws IOException if the sequence file cannot be advanced
   */
  public CompletableFuture<Response> send(URI apiUrl, Map<String, Object> status)
      throws IOException {
    Heartbeat hb = new Heartbeat(nodeId, sequence.next(), System.currentTimeMillis(), status);
    byte[] body = hb.toBytes();
    HttpRequest request =
        HttpRequest.newBuilder(apiUrl.resolve("/api/v1/heartbeat"))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .header(HeartbeatSignatures.SIGNATURE_HEADER, HeartbeatSignatures.sign(body, key))
            .header(HeartbeatSignatures.FINGERPRINT_HEADER, fingerprint)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> new Response(r.statusCode(), r.body()));
  }
}
