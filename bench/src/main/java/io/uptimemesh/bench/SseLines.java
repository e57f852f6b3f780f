package io.uptimemesh.bench;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

/**
 * A minimal server-sent-events reader for the benchmark's simulated agents: chunks in, (event,
 * data) out at each blank line; comments and ids ignored.
 */
final class SseLines {
  private final BiConsumer<String, String> onEvent;
  private final StringBuilder pending = new StringBuilder();
  private String event = "message";
  private final StringBuilder data = new StringBuilder();

  SseLines(BiConsumer<String, String> onEvent) {
    this.onEvent = onEvent;
  }

  void feed(Buffer chunk) {
    pending.append(chunk.toString(StandardCharsets.UTF_8));
    int nl;
    while ((nl = pending.indexOf("\n")) >= 0) {
      String line = pending.substring(0, nl);
      pending.delete(0, nl + 1);
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      if (line.isEmpty()) {
        if (data.length() > 0) {
          onEvent.accept(event, data.toString());
        }
        event = "message";
        data.setLength(0);
      } else if (line.startsWith("event:")) {
        event = line.substring(6).trim();
      } else if (line.startsWith("data:")) {
        if (data.length() > 0) {
          data.append('\n');
        }
        data.append(line.substring(5).stripLeading());
      }
    }
  }
}
