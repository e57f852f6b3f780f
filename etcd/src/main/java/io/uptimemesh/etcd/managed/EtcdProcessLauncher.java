package io.uptimemesh.etcd.managed;

import io.uptimemesh.core.etcd.EtcdMemberSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one etcd process: stops an orphan a previous server left behind, prepares the data
 * directory, forks etcd, records its pid and pumps its output into our log. Blocking: call it from
 * a plain or worker thread. The server calls it before anything else, because etcd is the slowest
 * part of a start and can come up while the rest of the server does.
 */
public final class EtcdProcessLauncher {
  private static final Logger log = LoggerFactory.getLogger(ManagedEtcd.class);

  /** A started process and the pump that copies its output. */
  public record Launched(Process process, EtcdLogPump pump) {}

  private final String binary;
  private final EtcdMemberSpec spec;
  private final PidFile pidFile;
  private final Duration stopGrace;

  public EtcdProcessLauncher(String binary, EtcdMemberSpec spec, Path pidFile, Duration stopGrace) {
    this.binary = binary;
    this.spec = spec;
    this.pidFile = new PidFile(pidFile);
    this.stopGrace = stopGrace;
  }

  EtcdMemberSpec spec() {
    return spec;
  }

  PidFile pidFile() {
    return pidFile;
  }

  /**
   * @return the running process
   * @throws IOException if the binary cannot be run or the data directory not prepared
   */
  public Launched launch() throws IOException {
    // etcd wants its data directory readable by its owner only (it warns otherwise).
    Files.createDirectories(spec.dataDir());
    Files.setPosixFilePermissions(spec.dataDir(), PosixFilePermissions.fromString("rwx------"));
    pidFile.terminateOrphan("--data-dir=" + spec.dataDir(), stopGrace);
    ProcessBuilder builder = new ProcessBuilder(spec.command(binary)).redirectErrorStream(true);
    Process p;
    try {
      p = builder.start();
    } catch (IOException e) {
      throw new IOException("cannot run etcd binary '" + binary + "': " + e.getMessage(), e);
    }
    pidFile.write(p.pid());
    EtcdLogPump pump = new EtcdLogPump(p.getInputStream(), p.pid());
    pump.startThread();
    log.info("started managed etcd pid {}: {}", p.pid(), String.join(" ", spec.command(binary)));
    return new Launched(p, pump);
  }
}
