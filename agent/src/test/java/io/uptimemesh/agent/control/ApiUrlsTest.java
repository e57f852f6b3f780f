package io.uptimemesh.agent.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiUrlsTest {
  private static final URI A = URI.create("http://10.0.0.1:8010");
  private static final URI B = URI.create("http://10.0.0.2:8010");
  private static final URI C = URI.create("http://10.0.0.3:8010");

  @Test
  void failureMovesToTheNextUrlInOrderAndWraps() {
    ApiUrls urls = new ApiUrls(List.of(A, B, C));
    assertThat(urls.current()).isEqualTo(A);
    assertThat(urls.failed(A)).isEqualTo(B);
    assertThat(urls.failed(B)).isEqualTo(C);
    assertThat(urls.failed(C)).isEqualTo(A);
  }

  @Test
  void aSecondFailureAgainstTheSameUrlDoesNotSkipOne() {
    ApiUrls urls = new ApiUrls(List.of(A, B, C));
    urls.failed(A);
    assertThat(urls.failed(A)).isEqualTo(B);
  }

  @Test
  void learnedUrlsFollowTheConfiguredOnesAndTheUrlInUseStays() {
    ApiUrls urls = new ApiUrls(List.of(URI.create("http://10.0.0.1:8010/")));
    urls.learned(List.of(B, A, C));
    assertThat(urls.all()).containsExactly(A, B, C);
    assertThat(urls.current()).isEqualTo(A);
    urls.failed(A);
    urls.learned(List.of(C, B));
    assertThat(urls.current()).isEqualTo(B);
    assertThat(urls.all()).containsExactly(A, C, B);
  }
}
