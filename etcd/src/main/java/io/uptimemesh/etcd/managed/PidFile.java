package io.uptimemesh.etcd.managed;

import io.uptimemesh.core.process.ChildProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers the managed etcd's pid on disk, so a server that was killed outright (SIGKILL, power
 * loss of the JVM only) can clean up the etcd it left running before starting a new one. Blocking
 * file work: call from a worker thread.
 */
final class PidFile {
  private static final Logger log = LoggerFactory.getLogger(PidFile.class);

  private final Path file;

  PidFile(Path file) {
    this.file = file;
  }

  void write(long pid) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, pid + "\n", StandardCharsets.US_ASCII);
  }

  void delete() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("cannot remove {}: {}", file, e.getMessage());
    }
  }

  /**
   * Terminates the process named in the pid file if it is still alive and is an etcd started with
   * {@code dataDirFlag}; a reused pid of some other process is left alone.
   */
  void terminateOrphan(String dataDirFlag, Duration grace) {
    Optional<Long> pid = read();
    if (pid.isEmpty()) {
      return;
    }
    Optional<ProcessHandle> handle = ProcessHandle.of(pid.get());
    if (handle.isPresent() && handle.get().isAlive() && isOurEtcd(handle.get(), dataDirFlag)) {
      log.warn("terminating etcd pid {} left running by a previous server", pid.get());
      ChildProcesses.terminate(handle.get(), grace);
    }
    delete();
  }

  private Optional<Long> read() {
    try {
      if (!Files.exists(file)) {
        return Optional.empty();
      }
      return Optional.of(Long.parseLong(Files.readString(file).strip()));
    } catch (IOException | NumberFormatException e) {
      log.warn("ignoring unreadable pid file {}: {}", file, e.getMessage());
      return Optional.empty();
    }
  }

  private static boolean isOurEtcd(ProcessHandle process, String dataDirFlag) {
    return process
        .info()
        .commandLine()
        .map(cmd -> cmd.contains("etcd") && cmd.contains(dataDirFlag))
        .orElse(false);
  }
}
