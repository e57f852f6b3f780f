package io.uptimemesh.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Free loopback ports for tests: never a fixed port. */
public final class FreePorts {
  private FreePorts() {}

  /** Returns {@code count} distinct ports that were free on 127.0.0.1 a moment ago. */
  public static int[] allocate(int count) {
    List<ServerSocket> held = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        // Held open until all are chosen so the kernel cannot hand out the same port twice.
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find free ports", e);
    } finally {
      for (ServerSocket s : held) {
        try {
          s.close();
        } catch (IOException ignored) {
          // Closing a listening socket we own does not fail in practice.
        }
      }
    }
  }

  public static int one() {
    return allocate(1)[0];
  }
}
