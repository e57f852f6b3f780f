package io.uptimemesh.lxd;

/**
 * The outcome of a command run in a container (for health checks).
 *
 * @param exitCode the command's exit status
 * @param stdout what it wrote to standard output (cut at {@link LxdClient#EXEC_OUTPUT_LIMIT})
 * @param stderr what it wrote to standard error (cut likewise)
 */
public record ExecResult(int exitCode, String stdout, String stderr) {
  public boolean succeeded() {
    return exitCode == 0;
  }
}
