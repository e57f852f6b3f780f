package io.uptimemesh.launcher.mesh;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ping -D -i 0.1} from a namespace, read while it runs: every reply with its sequence number
 * and the wall-clock time ping received it (its {@code -D} stamp), so the gap a cut causes can be
 * measured against the moment the test made the cut.
 */
final class ContinuousPing implements AutoCloseable {
  /** One echo reply: its sequence number and when it arrived (epoch milliseconds). */
  record Reply(int seq, long atMillis) {}

  private static final Pattern REPLY =
      Pattern.compile("^\\[(\\d+)\\.(\\d+)\\] \\d+ bytes from .*icmp_seq=(\\d+)");

  private final Process process;
  private final List<Reply> replies = new ArrayList<>();
  private final Thread reader;
  final String label;

  ContinuousPing(String namespace, String address, String label) throws IOException {
    this.label = label;
    process =
        new ProcessBuilder(
                "ip", "netns", "exec", namespace, "ping", "-n", "-D", "-i", "0.1", "-W", "1",
                address)
            .redirectErrorStream(true)
            .start();
    reader = new Thread(this::read, "ping " + label);
    reader.setDaemon(true);
    reader.start();
  }

  private void read() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        Matcher m = REPLY.matcher(line);
        if (m.find()) {
          String frac = (m.group(2) + "000").substring(0, 3);
          long at = Long.parseLong(m.group(1)) * 1000 + Long.parseLong(frac);
          synchronized (replies) {
            replies.add(new Reply(Integer.parseInt(m.group(3)), at));
          }
        }
      }
    } catch (IOException e) {
      // the process ended
    }
  }

  List<Reply> replies() {
    synchronized (replies) {
      return List.copyOf(replies);
    }
  }

  /** True when a reply arrived within the last {@code millis}. */
  boolean flowing(long millis) {
    List<Reply> r = replies();
    return !r.isEmpty() && r.get(r.size() - 1).atMillis() >= System.currentTimeMillis() - millis;
  }

  /**
   * When traffic flowed again after an interruption that began after {@code sinceMillis}: the first
   * reply after that moment that follows a lost sequence number. Empty while no reply after a loss
   * has arrived (or nothing was lost yet).
   */
  OptionalLong recoveredAfter(long sinceMillis) {
    List<Reply> r = replies();
    Reply previous = null;
    for (Reply reply : r) {
      if (reply.atMillis() > sinceMillis && previous != null && reply.seq() > previous.seq() + 1) {
        return OptionalLong.of(reply.atMillis());
      }
      previous = reply;
    }
    return OptionalLong.empty();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      reader.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
