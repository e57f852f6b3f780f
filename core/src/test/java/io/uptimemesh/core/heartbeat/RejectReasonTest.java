package io.uptimemesh.core.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import io.uptimemesh.core.error.ErrorCode;
import org.junit.jupiter.api.Test;

class RejectReasonTest {

  @Test
  void wireNames() {
    assertThat(RejectReason.values())
        .extracting(RejectReason::wireName)
        .containsExactly(
            "signature", "skew", "replay", "expired", "revoked", "unknown_node", "malformed");
  }

  @Test
  void rejectionIsA401CarryingItsReason() {
    HeartbeatRejected rejected = new HeartbeatRejected(RejectReason.REPLAY, "old seq");

    assertThat(rejected.errorCode()).isEqualTo(ErrorCode.UNAUTHORIZED);
    assertThat(rejected.reason()).isEqualTo(RejectReason.REPLAY);
    assertThat(rejected).hasMessage("old seq");
  }
}
