package io.uptimemesh.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.api.ElectionGrpc;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.lock.LockGrpc;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.MethodDescriptor;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class UnaryDeadlineInterceptorTest {
  private final UnaryDeadlineInterceptor interceptor =
      new UnaryDeadlineInterceptor(Duration.ofSeconds(2));

  @Test
  void unaryCallsGetADeadlineButCampaignAndLockWait() {
    assertThat(deadlineGiven(KVGrpc.getRangeMethod())).isTrue();
    assertThat(deadlineGiven(KVGrpc.getTxnMethod())).isTrue();
    assertThat(deadlineGiven(ElectionGrpc.getResignMethod())).isTrue();
    assertThat(deadlineGiven(ElectionGrpc.getLeaderMethod())).isTrue();
    assertThat(deadlineGiven(LockGrpc.getUnlockMethod())).isTrue();

    assertThat(deadlineGiven(ElectionGrpc.getCampaignMethod())).isFalse();
    assertThat(deadlineGiven(LockGrpc.getLockMethod())).isFalse();
    assertThat(deadlineGiven(WatchGrpc.getWatchMethod())).isFalse();
  }

  private boolean deadlineGiven(MethodDescriptor<?, ?> method) {
    AtomicReference<CallOptions> seen = new AtomicReference<>();
    Channel channel =
        new Channel() {
          @Override
          public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> m, CallOptions options) {
            seen.set(options);
            return null;
          }

          @Override
          public String authority() {
            return "test";
          }
        };
    interceptor.interceptCall(method, CallOptions.DEFAULT, channel);
    return seen.get().getDeadline() != null;
  }
}
