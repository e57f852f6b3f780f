package io.uptimemesh.agent.status;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Reads the local agent's endpoint over its unix socket ({@code uptimemesh status}): one HTTP/1.0
 * GET, the answer read to its end. Plain JDK (16+) domain sockets, so the CLI starts no Vert.x.
 * Blocking.
 */
public final class StatusClient {
  /** An answer: status code and body. */
  public record Answer(int status, String body) {}

  private StatusClient() {}

  public static Answer get(Path socket, String path) throws IOException {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      ByteBuffer request =
          ByteBuffer.wrap(
              ("GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      while (request.hasRemaining()) {
        channel.write(request);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteBuffer buffer = ByteBuffer.allocate(8192);
      while (channel.read(buffer) >= 0) {
        out.write(buffer.array(), 0, buffer.position());
        buffer.clear();
      }
      String text = out.toString(StandardCharsets.UTF_8);
      int headerEnd = text.indexOf("\r\n\r\n");
      if (!text.startsWith("HTTP/") || headerEnd < 0) {
        throw new IOException("not an HTTP answer from " + socket);
      }
      int status = Integer.parseInt(text.substring(9, 12));
      return new Answer(status, text.substring(headerEnd + 4));
    }
  }
}
