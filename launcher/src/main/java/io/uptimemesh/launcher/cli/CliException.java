package io.uptimemesh.launcher.cli;

/** A client command failed; the message is the one line printed after "error: ". */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CliException(String message) {
    super(message);
  }
}
