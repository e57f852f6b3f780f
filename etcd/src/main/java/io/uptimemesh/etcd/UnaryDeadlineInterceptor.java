package io.uptimemesh.etcd;

import io.etcd.jetcd.api.ElectionGrpc;
import io.etcd.jetcd.api.lock.LockGrpc;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Gives every unary gRPC call to etcd a deadline unless it already has one. Without it a call to a
 * member that accepts the connection but never answers waits forever. Streams (watch, lease
 * keep-alive, snapshot) are long-lived by design and are left alone.
 *
 * <p>Two unary calls are exempt: Election/Campaign and Lock/Lock. They answer only once this node
 * leads or holds the lock, which may be minutes away, so a deadline of a few seconds would make
 * them fail forever. Their wait is bounded otherwise: each runs on a lease this node keeps alive,
 * and the caller revokes that lease (which removes its key and ends its claim) when it stops or
 * gives up; the client's close cancels the call itself (docs/adr/0008).
 */
final class UnaryDeadlineInterceptor implements ClientInterceptor {
  /** Full gRPC method names of the calls that wait by design. */
  static final Set<String> WAITING_CALLS =
      Set.of(
          ElectionGrpc.getCampaignMethod().getFullMethodName(),
          LockGrpc.getLockMethod().getFullMethodName());

  private final long deadlineMillis;

  UnaryDeadlineInterceptor(Duration deadline) {
    this.deadlineMillis = deadline.toMillis();
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    if (method.getType() == MethodDescriptor.MethodType.UNARY
        && options.getDeadline() == null
        && !WAITING_CALLS.contains(method.getFullMethodName())) {
      return next.newCall(method, options.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS));
    }
    return next.newCall(method, options);
  }
}
