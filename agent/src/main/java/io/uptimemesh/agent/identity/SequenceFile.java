package io.uptimemesh.agent.identity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The heartbeat sequence number, persisted beside the identity so it keeps rising across restarts
 * (the control plane refuses a sequence it has seen). Each call to {@link #next()} writes the new
 * value before it is used. Blocking file work.
 */
public final class SequenceFile {
  private final Path file;

  public SequenceFile(IdentityFiles identity) {
    this.file = identity.dir().resolve("heartbeat.seq");
  }

  /** Returns the next sequence number, already persisted. */
  public synchronized long next() throws IOException {
    long current = 0;
    if (Files.exists(file)) {
      String text = Files.readString(file).strip();
      try {
        current = Long.parseLong(text);
      } catch (NumberFormatException e) {
        throw new IOException(file + " is corrupt: '" + text + "' is not a number", e);
      }
    }
    // Start from the clock when there is no file: a re-created file still goes up.
    long next = Math.max(current + 1, System.currentTimeMillis());
    IdentityFiles.atomicWrite(
        file, Long.toString(next), PosixFilePermissions.fromString("rw-------"));
    return next;
  }
}
