package io.uptimemesh.core.heartbeat;

import java.util.Locale;

/** Why a heartbeat was refused. */
public enum RejectReason {
  /** The signature does not verify, or the certificate was not issued by the cluster CA. */
  SIGNATURE,
  /** sent_at is too far from the server clock. */
  SKEW,
  /** The sequence number is not above the last accepted one. */
  REPLAY,
  /** The node certificate is outside its validity window. */
  EXPIRED,
  /** The node has been revoked. */
  REVOKED,
  /** No node has the named certificate, or the body names another node. */
  UNKNOWN_NODE,
  /** Headers or body are not what a heartbeat looks like. */
  MALFORMED;

  /**
   * The value of {@code reason} in the API's 401 JSON.
   *
   * @return the lower-case name, e.g. {@code unknown_node}
   */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
