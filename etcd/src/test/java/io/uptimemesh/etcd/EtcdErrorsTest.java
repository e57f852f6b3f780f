package io.uptimemesh.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.uptimemesh.core.error.ErrorCode;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class EtcdErrorsTest {

  @Test
  void transientGrpcFailuresAreRetryableAndUnavailable() {
    for (Status.Code code :
        new Status.Code[] {
          Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED, Status.Code.UNKNOWN
        }) {
      Throwable t = new CompletionException(code.toStatus().asRuntimeException());
      assertThat(EtcdErrors.isRetryable(t)).as(code.name()).isTrue();
      assertThat(EtcdErrors.toApiError("get /k", t).errorCode())
          .isEqualTo(ErrorCode.ETCD_UNAVAILABLE);
    }
  }

  @Test
  void ourOwnTimeoutCountsAsDeadlineExceeded() {
    assertThat(EtcdErrors.code(new CompletionException(new TimeoutException())))
        .isEqualTo(Status.Code.DEADLINE_EXCEEDED);
  }

  @Test
  void refusalsAreNotRetried() {
    Throwable t = Status.INVALID_ARGUMENT.asRuntimeException();
    assertThat(EtcdErrors.isRetryable(t)).isFalse();
    assertThat(EtcdErrors.toApiError("put /k", t).errorCode()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(EtcdErrors.toApiError("put /k", t).getMessage()).contains("put /k");
  }
}
