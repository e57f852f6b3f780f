package io.uptimemesh.core.heartbeat;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;

/**
 * How a node signs a request that has no body (the desired-state reads and stream): the signature
 * covers {@code METHOD \n PATH \n SENT_AT_MILLIS}, so it cannot be moved to another route, and its
 * age is bounded by the heartbeat skew window. Requests with a body sign the body itself, which
 * names the node and carries its own send time ({@link HeartbeatSignatures}).
 */
public final class NodeRequests {
  /** The request header carrying the send time in epoch milliseconds. */
  public static final String SENT_AT_HEADER = "X-UptimeMesh-Sent-At";

  private NodeRequests() {}

  /** The exact bytes signed for a bodiless request; {@code path} without the query string. */
  public static byte[] signedBytes(String method, String path, long sentAtMillis) {
    return (method + "\n" + path + "\n" + sentAtMillis).getBytes(StandardCharsets.UTF_8);
  }

  /** The signature header value for a bodiless request. */
  public static String sign(String method, String path, long sentAtMillis, PrivateKey key) {
    return HeartbeatSignatures.sign(signedBytes(method, path, sentAtMillis), key);
  }
}
