package io.uptimemesh.agent.stream;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Parses a {@code text/event-stream} as chunks arrive, in any split: a line (or a UTF-8 character)
 * cut between two chunks is held until its end arrives. Follows the HTML spec's rules that matter
 * here: lines end with LF, CRLF or CR; a line starting with {@code :} is a comment; {@code data}
 * lines accumulate joined by LF; an empty line dispatches the event; an event without data is
 * dropped; one space after the colon is not part of the value. A line longer than {@code maxLine}
 * bytes ends the stream with an error (a broken or hostile server must not grow our heap).
 */
public final class SseParser {
  private final Consumer<SseEvent> sink;
  private final int maxLine;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
  private boolean lastWasCr;
  private String type = "";
  private StringBuilder data;
  private String id = "";

  public SseParser(Consumer<SseEvent> sink, int maxLine) {
    this.sink = sink;
    this.maxLine = maxLine;
  }

  /** Feeds the next chunk. */
  public void feed(byte[] chunk) {
    for (byte b : chunk) {
      if (b == '\n') {
        if (lastWasCr) {
          lastWasCr = false;
          continue;
        }
        endLine();
      } else if (b == '\r') {
        endLine();
        lastWasCr = true;
        continue;
      } else {
        if (line.size() >= maxLine) {
          throw new IllegalStateException("server-sent event line longer than " + maxLine);
        }
        line.write(b);
      }
      lastWasCr = false;
    }
  }

  private void endLine() {
    String text = line.toString(StandardCharsets.UTF_8);
    line.reset();
    if (text.isEmpty()) {
      dispatch();
      return;
    }
    if (text.startsWith(":")) {
      return;
    }
    int colon = text.indexOf(':');
    String field = colon < 0 ? text : text.substring(0, colon);
    String value = colon < 0 ? "" : text.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    switch (field) {
      case "event" -> type = value;
      case "data" -> {
        if (data == null) {
          data = new StringBuilder(value);
        } else {
          data.append('\n').append(value);
        }
      }
      case "id" -> id = value;
      default -> {
        // retry and unknown fields: nothing the agent uses.
      }
    }
  }

  private void dispatch() {
    if (data != null) {
      sink.accept(new SseEvent(type.isEmpty() ? "message" : type, data.toString(), id));
    }
    type = "";
    data = null;
  }
}
