package io.uptimemesh.etcd.ops;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Carries a snapshot stream from jetcd's thread to a worker thread that writes the file. jetcd's
 * {@code Maintenance.snapshot(OutputStream)} writes on jetcd's own event loop; writing a file there
 * would stall every other etcd call of this node for as long as the disk takes, so {@link #write}
 * only queues the chunk. The queue is bounded (about {@value #CHUNKS} chunks): when the disk is
 * slower than the network, jetcd's thread waits here, which is the backpressure a stream needs.
 */
final class SnapshotPipe extends OutputStream {
  private static final int CHUNKS = 64;
  private static final byte[] END = new byte[0];

  private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(CHUNKS);
  private final Duration stall;
  private volatile Throwable failure;
  private volatile boolean readerGone;

  /**
   * @param stall how long either side may wait for the other before the snapshot fails
   */
  SnapshotPipe(Duration stall) {
    this.stall = stall;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return;
    }
    put(Arrays.copyOfRange(b, off, off + len));
  }

  /** The stream ended well: the reader finishes once it has written everything queued. */
  void finish() throws IOException {
    put(END);
  }

  /** The stream failed: the reader stops and {@link #drainTo} throws. Never blocks. */
  void fail(Throwable why) {
    failure = why;
    chunks.offer(END); // wakes the reader if it waits; if the queue is full it polls anyway
  }

  /**
   * Writes every chunk to {@code file} until the end, then forces it to disk. Blocks: run it on a
   * worker thread.
   *
   * @return the bytes written
   * @throws IOException if the stream failed, stalled longer than the limit, or the disk failed
   */
  long drainTo(Path file) throws IOException {
    long written = 0;
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
      while (true) {
        byte[] chunk = chunks.poll(stall.toMillis(), TimeUnit.MILLISECONDS);
        if (failure != null) {
          throw new IOException("snapshot stream failed: " + failure.getMessage(), failure);
        }
        if (chunk == null) {
          throw new IOException(
              "snapshot stream stalled: no data from etcd for " + stall.toSeconds() + " s");
        }
        if (chunk == END) {
          break;
        }
        ByteBuffer buffer = ByteBuffer.wrap(chunk);
        while (buffer.hasRemaining()) {
          written += out.write(buffer);
        }
      }
      out.force(true);
      return written;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while writing the snapshot", e);
    } finally {
      readerGone = true;
      chunks.clear(); // unblocks a writer waiting for space; it then sees readerGone
    }
  }

  private void put(byte[] chunk) throws IOException {
    try {
      long deadline = System.nanoTime() + stall.toNanos();
      while (!chunks.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
        if (readerGone) {
          throw new IOException("snapshot writer stopped");
        }
        if (System.nanoTime() > deadline) {
          throw new IOException("snapshot writer stalled for " + stall.toSeconds() + " s");
        }
      }
      if (readerGone) {
        throw new IOException("snapshot writer stopped");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
