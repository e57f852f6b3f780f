package io.uptimemesh.launcher;

/** Exit codes of {@code uptimemesh}, so scripts and systemd can tell failures apart. */
public final class ExitCodes {
  private ExitCodes() {}

  public static final int OK = 0;

  /** Something failed that is not one of the cases below. */
  public static final int FAILURE = 1;

  /** Bad configuration (config.yaml, .env, environment) or bad command-line usage. */
  public static final int CONFIG = 2;

  /** The managed etcd exhausted its crash budget. */
  public static final int ETCD_GAVE_UP = 3;

  /** The server could not start (etcd not healthy in time, port in use…). */
  public static final int STARTUP = 4;
}
