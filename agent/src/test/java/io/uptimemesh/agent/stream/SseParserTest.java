package io.uptimemesh.agent.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {
  private final List<SseEvent> events = new ArrayList<>();
  private final SseParser parser = new SseParser(events::add, 1024);

  private void feed(String text) {
    parser.feed(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void eventsSplitAnywhereBetweenChunksArriveWhole() {
    String stream =
        "id: 7\nevent: desired-state\ndata: {\"a\":1}\n\n: keep-alive\n\nid: 8\nevent: patch\ndata: {\"b\":\"é\"}\n\n";
    byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
    for (byte b : bytes) {
      parser.feed(new byte[] {b});
    }
    assertThat(events)
        .containsExactly(
            new SseEvent("desired-state", "{\"a\":1}", "7"),
            new SseEvent("patch", "{\"b\":\"é\"}", "8"));
  }

  @Test
  void commentsAloneDispatchNothing() {
    feed(": keep-alive\n\n: keep-alive\n\n");
    assertThat(events).isEmpty();
  }

  @Test
  void multiLineDataIsJoinedWithNewlinesAndCrLfWorks() {
    feed("event: x\r\ndata: one\r\ndata:two\r\ndata\r\n\r\n");
    assertThat(events).containsExactly(new SseEvent("x", "one\ntwo\n", ""));
  }

  @Test
  void anEventWithoutTypeIsAMessageAndTheTypeDoesNotLeakIntoTheNext() {
    feed("event: unchanged\ndata: {}\n\ndata: plain\n\n");
    assertThat(events).extracting(SseEvent::type).containsExactly("unchanged", "message");
  }

  @Test
  void anUnfinishedEventIsHeldUntilItsBlankLine() {
    feed("event: patch\ndata: {\"x\"");
    assertThat(events).isEmpty();
    feed(":1}\n");
    assertThat(events).isEmpty();
    feed("\n");
    assertThat(events).containsExactly(new SseEvent("patch", "{\"x\":1}", ""));
  }

  @Test
  void aLineLongerThanTheLimitFails() {
    assertThatThrownBy(() -> feed("data: " + "x".repeat(2000)))
        .isInstanceOf(IllegalStateException.class);
  }
}
