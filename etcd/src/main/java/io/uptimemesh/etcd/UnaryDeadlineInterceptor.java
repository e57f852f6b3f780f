package io.uptimemesh.etcd;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Gives every unary gRPC call to etcd a deadline unless it already has one. Without it a call to a
 * member that accepts the connection but never answers waits forever. Streams (watch, lease
 * keep-alive, snapshot) are long-lived by design and are left alone.
 */
final class UnaryDeadlineInterceptor implements ClientInterceptor {
  private final long deadlineMillis;

  UnaryDeadlineInterceptor(Duration deadline) {
    this.deadlineMillis = deadline.toMillis();
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    if (method.getType() == MethodDescriptor.MethodType.UNARY && options.getDeadline() == null) {
      return next.newCall(method, options.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS));
    }
    return next.newCall(method, options);
  }
}
