package io.uptimemesh.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The agent's LXD workload settings (ADR 0014): whether it runs replicas, where the daemon listens,
 * the project its replicas live in, what a spec without image or profiles gets, and how a started
 * replica is waited on.
 *
 * @param enabled {@code LXD_ENABLED}
 * @param socket {@code LXD_SOCKET}
 * @param project {@code LXD_PROJECT}: the agent owns it; containers in it that are not desired
 *     replicas are deleted
 * @param defaultImage {@code LXD_DEFAULT_IMAGE}, empty: none
 * @param defaultProfile {@code LXD_DEFAULT_PROFILE}
 * @param healthTimeout {@code LXD_HEALTH_TIMEOUT_SECONDS}
 * @param healthPoll {@code LXD_HEALTH_POLL_SECONDS}
 */
public record AgentLxdSettings(
    boolean enabled,
    Path socket,
    String project,
    Optional<String> defaultImage,
    String defaultProfile,
    Duration healthTimeout,
    Duration healthPoll) {
  // LXD's project, profile and image alias names as the LXD client accepts them (no '/', so that
  // no name can change a request path).
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
  private static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");

  /** The defaults, as {@code .env.example} documents them. */
  public static AgentLxdSettings defaults() {
    return new AgentLxdSettings(
        false,
        Path.of("/var/lib/lxd/unix.socket"),
        "uptimemesh",
        Optional.empty(),
        "default",
        Duration.ofSeconds(60),
        Duration.ofSeconds(2));
  }

  static AgentLxdSettings read(SettingsReader in) {
    AgentLxdSettings d = defaults();
    boolean enabled = in.bool(RuntimeKey.LXD_ENABLED, d.enabled());
    Path socket = in.path(RuntimeKey.LXD_SOCKET, d.socket());
    String project =
        in.parse(
            RuntimeKey.LXD_PROJECT,
            d.project(),
            t -> NAME.matcher(t).matches() ? Optional.of(t) : Optional.empty(),
            "expected an LXD project name: 1..63 of A-Z a-z 0-9 _ . -, starting with a letter or"
                + " digit");
    Optional<String> image =
        in.parse(
            RuntimeKey.LXD_DEFAULT_IMAGE,
            d.defaultImage(),
            t -> ALIAS.matcher(t).matches() ? Optional.of(Optional.of(t)) : Optional.empty(),
            "expected a local LXD image alias: 1..128 of A-Z a-z 0-9 _ . : -; empty: none");
    String profile =
        in.parse(
            RuntimeKey.LXD_DEFAULT_PROFILE,
            d.defaultProfile(),
            t -> NAME.matcher(t).matches() ? Optional.of(t) : Optional.empty(),
            "expected an LXD profile name: 1..63 of A-Z a-z 0-9 _ . -");
    int timeout = in.integer(RuntimeKey.LXD_HEALTH_TIMEOUT_SECONDS, 60, 1, 3600);
    int poll = in.integer(RuntimeKey.LXD_HEALTH_POLL_SECONDS, 2, 1, 300);
    if (poll >= timeout) {
      in.problems()
          .add(
              ConfigException.notAllowed(
                  in.source(RuntimeKey.LXD_HEALTH_POLL_SECONDS),
                  RuntimeKey.LXD_HEALTH_POLL_SECONDS.name(),
                  Integer.toString(poll),
                  "expected less than LXD_HEALTH_TIMEOUT_SECONDS (" + timeout + ")"));
    }
    return new AgentLxdSettings(
        enabled,
        socket,
        project,
        image,
        profile,
        Duration.ofSeconds(timeout),
        Duration.ofSeconds(poll));
  }
}
