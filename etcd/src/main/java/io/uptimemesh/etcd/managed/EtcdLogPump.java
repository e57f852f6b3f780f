package io.uptimemesh.etcd.managed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/**
 * Copies a managed etcd's output into our log, one event per line, tagged {@code component=etcd}
 * and at the level etcd gave it. Keeps the last lines so a failure message can quote them.
 *
 * <p>Runs on a dedicated daemon thread: reading a pipe blocks.
 */
final class EtcdLogPump implements Runnable {
  private static final Logger log = LoggerFactory.getLogger("etcd");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int TAIL_LINES = 15;
  private static final Pattern CAPNSLOG =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2} [\\d:.]+ ([TDINWEC]) \\| (.*)");
  private static final List<String> SKIPPED_FIELDS = List.of("level", "ts", "msg", "caller");

  private final InputStream output;
  private final long pid;
  private final Deque<String> tail = new ArrayDeque<>();

  EtcdLogPump(InputStream output, long pid) {
    this.output = output;
    this.pid = pid;
  }

  /** Starts pumping on a daemon thread of its own. */
  void startThread() {
    Thread t = new Thread(this, "etcd-log-" + pid);
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void run() {
    MDC.put("component", "etcd");
    MDC.put("etcd_pid", Long.toString(pid));
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (!line.isBlank()) {
          emit(line);
        }
      }
    } catch (IOException e) {
      log.debug("etcd output closed: {}", e.getMessage());
    } finally {
      MDC.clear();
    }
  }

  /** The last lines etcd wrote, oldest first, each already reduced to level and message. */
  synchronized String tail() {
    return String.join(" | ", tail);
  }

  private void emit(String line) {
    Level level = Level.INFO;
    String message = line;
    Matcher capnslog = CAPNSLOG.matcher(line);
    if (capnslog.matches()) {
      // A few etcd 3.4 packages still print capnslog lines: "date time.micros W | pkg: text".
      level = capnslogLevel(capnslog.group(1).charAt(0));
      message = capnslog.group(2);
    } else if (line.startsWith("{")) {
      try {
        JsonNode json = JSON.readTree(line);
        level = levelOf(json.path("level").asText("info"));
        message = render(json);
      } catch (IOException e) {
        // Not JSON after all: keep the raw line.
      }
    }
    remember(level + " " + message);
    log.atLevel(level).log(message);
  }

  private synchronized void remember(String line) {
    if (tail.size() == TAIL_LINES) {
      tail.removeFirst();
    }
    tail.addLast(line.length() > 300 ? line.substring(0, 300) + "…" : line);
  }

  private static String render(JsonNode json) {
    StringBuilder sb = new StringBuilder(json.path("msg").asText(""));
    Iterator<Map.Entry<String, JsonNode>> fields = json.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      if (!SKIPPED_FIELDS.contains(f.getKey())) {
        JsonNode v = f.getValue();
        sb.append(' ').append(f.getKey()).append('=').append(v.isTextual() ? v.asText() : v);
      }
    }
    return sb.toString();
  }

  static Level capnslogLevel(char c) {
    return switch (c) {
      case 'D', 'T' -> Level.DEBUG;
      case 'W' -> Level.WARN;
      case 'E', 'C' -> Level.ERROR;
      default -> Level.INFO;
    };
  }

  static Level levelOf(String zapLevel) {
    return switch (zapLevel) {
      case "debug" -> Level.DEBUG;
      case "warn" -> Level.WARN;
      case "error", "dpanic", "panic", "fatal" -> Level.ERROR;
      default -> Level.INFO;
    };
  }
}
