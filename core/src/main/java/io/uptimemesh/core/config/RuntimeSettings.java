package io.uptimemesh.core.config;

import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Per-process settings from the environment and an optional {@code .env} file: where data and logs
 * go, secrets, how to reach etcd, where the HTTP API listens. Cluster-wide values live in {@code
 * config.yaml} instead (see {@link ClusterConfigFile}).
 *
 * <p>The environment overrides {@code .env}. A variable that is empty or only whitespace counts as
 * unset, so {@code FOO=} falls back to {@code .env} and then to the default, the way {@code
 * ${FOO:-default}} does in a shell. Values are trimmed.
 */
public final class RuntimeSettings {

  /** The variable naming another .env file; read from the environment only. */
  public static final String ENV_FILE_VARIABLE = "UPTIMEMESH_ENV_FILE";

  private static final Set<String> LOG_LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
  private static final Pattern ETCD_PREFIX = Pattern.compile("[A-Za-z0-9/_.-]+");

  private final AppEnv appEnv;
  private final String logLevel;
  private final Path dataDir;
  private final Path logFile;
  private final boolean metricsEnabled;
  private final Secret authSecretKey;
  private final Secret clusterSigningKey;
  private final boolean etcdEnabled;
  private final List<URI> etcdEndpoints;
  private final String etcdPrefix;
  private final Path etcdSnapshotDir;
  private final int etcdSnapshotRetention;
  private final int nodeCertValidityDays;
  private final int heartbeatMaxSkewSeconds;
  private final int heartbeatIntervalSeconds;
  private final int heartbeatTtlSeconds;
  private final String etcdCommand;
  private final String httpHost;
  private final String advertiseHost;
  private final int httpPort;
  private final Path configFile;
  private final DiscoverySettings discovery;
  private final int workloadGenerationsKept;
  private final SchedulerSettings scheduler;
  private final RolloutSettings rollout;
  private final List<String> warnings;

  private RuntimeSettings(SettingsReader in) {
    appEnv = in.parse(RuntimeKey.APP_ENV, AppEnv.DEV, AppEnv::parse, "expected dev, test or prod");
    logLevel =
        in.parse(
            RuntimeKey.LOG_LEVEL,
            "INFO",
            RuntimeSettings::parseLogLevel,
            "expected TRACE, DEBUG, INFO, WARN or ERROR");
    dataDir = in.path(RuntimeKey.UPTIMEMESH_DATA_DIR, Path.of("./data"));
    logFile = in.path(RuntimeKey.LOG_FILE, dataDir.resolve("logs").resolve("app.log"));
    metricsEnabled = in.bool(RuntimeKey.METRICS_ENABLED, true);
    authSecretKey = in.secret(RuntimeKey.AUTH_SECRET_KEY);
    clusterSigningKey = in.secret(RuntimeKey.CLUSTER_SIGNING_KEY);
    etcdEnabled = in.bool(RuntimeKey.ETCD_ENABLED, true);
    etcdEndpoints = in.endpoints(RuntimeKey.ETCD_ENDPOINTS);
    etcdPrefix =
        in.parse(
            RuntimeKey.ETCD_PREFIX,
            "/uptimemesh",
            RuntimeSettings::parseEtcdPrefix,
            "expected a key prefix of A-Z a-z 0-9 / _ . - such as /uptimemesh (not just /)");
    etcdSnapshotDir = in.path(RuntimeKey.ETCD_SNAPSHOT_DIR, dataDir.resolve("snapshots"));
    etcdSnapshotRetention = in.integer(RuntimeKey.ETCD_SNAPSHOT_RETENTION, 7, 1, 1000);
    etcdCommand =
        in.parse(
            RuntimeKey.ETCD_COMMAND,
            "etcd",
            RuntimeSettings::parseCommand,
            "expected the etcd binary: a name on PATH or a path, on one line");
    httpHost =
        in.parse(
            RuntimeKey.UPTIMEMESH_HTTP_HOST,
            "0.0.0.0",
            text -> NetSyntax.isHost(text) ? Optional.of(text) : Optional.empty(),
            "expected an IPv4 address, an IPv6 address without brackets, or a host name");
    httpPort = in.integer(RuntimeKey.UPTIMEMESH_HTTP_PORT, 8010, 0, 65535);
    advertiseHost =
        in.parse(
            RuntimeKey.UPTIMEMESH_ADVERTISE_HOST,
            "127.0.0.1",
            text -> NetSyntax.isHost(text) ? Optional.of(text) : Optional.empty(),
            "expected an IPv4 address, an IPv6 address without brackets, or a host name");
    configFile = in.path(RuntimeKey.UPTIMEMESH_CONFIG, Path.of("config.yaml"));
    nodeCertValidityDays = in.integer(RuntimeKey.NODE_CERT_VALIDITY_DAYS, 30, 1, 3650);
    heartbeatMaxSkewSeconds =
        in.integer(RuntimeKey.HEARTBEAT_SIGNATURE_MAX_SKEW_SECONDS, 30, 1, 3600);
    heartbeatIntervalSeconds =
        in.integer(RuntimeKey.RUNTIME_HEARTBEAT_INTERVAL_SECONDS, 10, 1, 3600);
    heartbeatTtlSeconds = in.integer(RuntimeKey.RUNTIME_HEARTBEAT_TTL_SECONDS, 30, 5, 3600);
    if (heartbeatIntervalSeconds >= heartbeatTtlSeconds) {
      throw ConfigException.notAllowed(
          "environment",
          RuntimeKey.RUNTIME_HEARTBEAT_INTERVAL_SECONDS.name(),
          Integer.toString(heartbeatIntervalSeconds),
          "expected less than RUNTIME_HEARTBEAT_TTL_SECONDS (" + heartbeatTtlSeconds + ")");
    }
    discovery = DiscoverySettings.read(in);
    workloadGenerationsKept =
        in.integer(
            RuntimeKey.WORKLOAD_GENERATIONS_KEPT, DEFAULT_WORKLOAD_GENERATIONS_KEPT, 2, 1000);
    scheduler = SchedulerSettings.read(in);
    rollout = RolloutSettings.read(in);
    in.checkSecrets(appEnv, authSecretKey, clusterSigningKey);
    if (!etcdEnabled && in.text(RuntimeKey.ETCD_ENDPOINTS) != null) {
      in.warn("ETCD_ENDPOINTS is ignored because ETCD_ENABLED is false");
    }
    warnings = List.copyOf(in.warnings());
  }

  /**
   * Loads the settings from the environment and a .env file.
   *
   * @param environment the process environment, usually {@code System.getenv()}; it overrides the
   *     file
   * @param dotEnvFile the .env file, read if it exists; may be null to read no file
   * @return the validated settings
   * @throws ConfigException if the file is unreadable or malformed, or a value is not allowed
   *     (including a weak secret when {@code APP_ENV=prod}); the message names every bad key, the
   *     first in full
   */
  public static RuntimeSettings load(Map<String, String> environment, Path dotEnvFile) {
    SettingsReader in = SettingsReader.open(environment, dotEnvFile);
    RuntimeSettings settings = new RuntimeSettings(in);
    in.throwIfProblems();
    return settings;
  }

  /**
   * Says which .env file to read.
   *
   * @param environment the process environment
   * @return the path in {@value #ENV_FILE_VARIABLE} if set, else {@code .env} in the current
   *     directory
   * @throws ConfigException if {@value #ENV_FILE_VARIABLE} is not a valid path
   */
  public static Path dotEnvPath(Map<String, String> environment) {
    String value = environment.get(ENV_FILE_VARIABLE);
    if (value == null || value.isBlank()) {
      return Path.of(".env");
    }
    try {
      return Path.of(value.strip());
    } catch (InvalidPathException e) {
      throw ConfigException.notAllowed(
          SettingsReader.ENVIRONMENT, ENV_FILE_VARIABLE, value, "expected a file system path");
    }
  }

  /**
   * Lists every setting this class reads, in the order {@code .env.example} documents them.
   *
   * @return one entry per variable with its default and a one-line description
   */
  public static List<SettingDoc> documentation() {
    return Arrays.stream(RuntimeKey.values()).map(RuntimeKey::doc).toList();
  }

  /**
   * Returns the deployment environment ({@code APP_ENV}).
   *
   * @return the environment; {@link AppEnv#DEV} by default
   */
  public AppEnv appEnv() {
    return appEnv;
  }

  /**
   * Returns the log level ({@code LOG_LEVEL}).
   *
   * @return one of TRACE, DEBUG, INFO, WARN, ERROR; INFO by default
   */
  public String logLevel() {
    return logLevel;
  }

  /**
   * Returns the data directory ({@code UPTIMEMESH_DATA_DIR}), as given: it is not resolved or
   * created.
   *
   * @return the directory; {@code ./data} by default
   */
  public Path dataDir() {
    return dataDir;
  }

  /**
   * Returns the log file ({@code LOG_FILE}).
   *
   * @return the file; {@code logs/app.log} under {@link #dataDir()} by default
   */
  public Path logFile() {
    return logFile;
  }

  /**
   * Tells whether metrics are exposed ({@code METRICS_ENABLED}).
   *
   * @return true by default
   */
  public boolean metricsEnabled() {
    return metricsEnabled;
  }

  /**
   * Returns the key that signs API authentication tokens ({@code AUTH_SECRET_KEY}).
   *
   * @return the secret; the development default when unset (refused when {@code APP_ENV=prod})
   */
  public Secret authSecretKey() {
    return authSecretKey;
  }

  /**
   * Returns the key that signs cluster data ({@code CLUSTER_SIGNING_KEY}).
   *
   * @return the secret; the development default when unset (refused when {@code APP_ENV=prod})
   */
  public Secret clusterSigningKey() {
    return clusterSigningKey;
  }

  /**
   * Tells whether cluster state is kept in etcd ({@code ETCD_ENABLED}).
   *
   * @return true by default
   */
  public boolean etcdEnabled() {
    return etcdEnabled;
  }

  /**
   * Returns the etcd client URLs ({@code ETCD_ENDPOINTS}).
   *
   * @return absolute http/https URIs with host and port; empty by default, meaning this server runs
   *     a managed etcd member itself
   */
  public List<URI> etcdEndpoints() {
    return etcdEndpoints;
  }

  /**
   * Returns the etcd key prefix ({@code ETCD_PREFIX}).
   *
   * @return a prefix starting with {@code /} and not ending with one; {@code /uptimemesh} by
   *     default
   */
  public String etcdPrefix() {
    return etcdPrefix;
  }

  /** Validity of node certificates ({@code NODE_CERT_VALIDITY_DAYS}, default 30). */
  public java.time.Duration nodeCertValidity() {
    return java.time.Duration.ofDays(nodeCertValidityDays);
  }

  /** Largest accepted heartbeat clock skew ({@code HEARTBEAT_SIGNATURE_MAX_SKEW_SECONDS}). */
  public java.time.Duration heartbeatMaxSkew() {
    return java.time.Duration.ofSeconds(heartbeatMaxSkewSeconds);
  }

  /** How often agents heartbeat ({@code RUNTIME_HEARTBEAT_INTERVAL_SECONDS}, default 10). */
  public java.time.Duration heartbeatInterval() {
    return java.time.Duration.ofSeconds(heartbeatIntervalSeconds);
  }

  /** Liveness lease TTL ({@code RUNTIME_HEARTBEAT_TTL_SECONDS}, default 30). */
  public java.time.Duration heartbeatTtl() {
    return java.time.Duration.ofSeconds(heartbeatTtlSeconds);
  }

  /**
   * Returns the etcd snapshot directory ({@code ETCD_SNAPSHOT_DIR}).
   *
   * @return the directory; {@code snapshots} under {@link #dataDir()} by default
   */
  public Path etcdSnapshotDir() {
    return etcdSnapshotDir;
  }

  /**
   * Returns how many etcd snapshots to keep ({@code ETCD_SNAPSHOT_RETENTION}).
   *
   * @return 1..1000; 7 by default
   */
  public int etcdSnapshotRetention() {
    return etcdSnapshotRetention;
  }

  /**
   * Returns the etcd binary launched for the managed member ({@code ETCD_COMMAND}).
   *
   * @return a command name or path; {@code etcd} by default
   */
  public String etcdCommand() {
    return etcdCommand;
  }

  /**
   * Returns the address the HTTP API listens on ({@code UPTIMEMESH_HTTP_HOST}).
   *
   * @return an IP literal or host name; {@code 0.0.0.0} by default
   */
  public String httpHost() {
    return httpHost;
  }

  /**
   * Returns the address other core nodes and agents reach this core node at ({@code
   * UPTIMEMESH_ADVERTISE_HOST}): the managed etcd member listens and advertises there.
   *
   * @return an IP literal or host name; {@code 127.0.0.1} by default
   */
  public String advertiseHost() {
    return advertiseHost;
  }

  /** The API URL announced to other nodes: {@code http://<advertise host>:<HTTP port>}. */
  public java.net.URI advertisedApiUrl() {
    String h = advertiseHost.contains(":") ? "[" + advertiseHost + "]" : advertiseHost;
    return java.net.URI.create("http://" + h + ":" + httpPort);
  }

  /**
   * Returns the port the HTTP API listens on ({@code UPTIMEMESH_HTTP_PORT}).
   *
   * @return 0..65535, where 0 means any free port; 8010 by default
   */
  public int httpPort() {
    return httpPort;
  }

  /**
   * Returns the cluster config file ({@code UPTIMEMESH_CONFIG}).
   *
   * @return the path; {@code config.yaml} in the current directory by default
   */
  public Path configFile() {
    return configFile;
  }

  /** The discovery zone's settings ({@code RUNTIME_DISCOVERY_*}), for the zone preview. */
  public DiscoverySettings discovery() {
    return discovery;
  }

  /** The default of {@code WORKLOAD_GENERATIONS_KEPT}. */
  public static final int DEFAULT_WORKLOAD_GENERATIONS_KEPT = 10;

  /**
   * How many generations of each service's workload spec are kept, the current one included ({@code
   * WORKLOAD_GENERATIONS_KEPT}, 2..1000): rollback can go to any of them.
   */
  public int workloadGenerationsKept() {
    return workloadGenerationsKept;
  }

  /** The scheduler job's interval and reschedule grace ({@code SCHEDULER_*}). */
  public SchedulerSettings scheduler() {
    return scheduler;
  }

  /**
   * The rollout job's interval and step health timeout ({@code ROLLOUT_*}, {@code LXD_HEALTH_*}).
   */
  public RolloutSettings rollout() {
    return rollout;
  }

  /**
   * Lists what is allowed but unwise, such as development-default secrets outside production.
   *
   * @return human-readable warnings, one sentence each, never containing a secret value; empty if
   *     there is nothing to warn about
   */
  public List<String> warnings() {
    return warnings;
  }

  /**
   * Describes the settings for logs; secrets appear as {@value ConfigException#REDACTED}.
   *
   * @return every setting and its value, except secret values
   */
  @Override
  public String toString() {
    return "RuntimeSettings{appEnv="
        + appEnv.id()
        + ", logLevel="
        + logLevel
        + ", dataDir="
        + dataDir
        + ", logFile="
        + logFile
        + ", metricsEnabled="
        + metricsEnabled
        + ", authSecretKey="
        + authSecretKey
        + ", clusterSigningKey="
        + clusterSigningKey
        + ", etcdEnabled="
        + etcdEnabled
        + ", etcdEndpoints="
        + etcdEndpoints
        + ", etcdPrefix="
        + etcdPrefix
        + ", etcdSnapshotDir="
        + etcdSnapshotDir
        + ", etcdSnapshotRetention="
        + etcdSnapshotRetention
        + ", etcdCommand="
        + etcdCommand
        + ", httpHost="
        + httpHost
        + ", httpPort="
        + httpPort
        + ", configFile="
        + configFile
        + ", nodeCertValidityDays="
        + nodeCertValidityDays
        + ", heartbeatMaxSkewSeconds="
        + heartbeatMaxSkewSeconds
        + ", heartbeatIntervalSeconds="
        + heartbeatIntervalSeconds
        + ", heartbeatTtlSeconds="
        + heartbeatTtlSeconds
        + ", discovery="
        + discovery
        + ", workloadGenerationsKept="
        + workloadGenerationsKept
        + ", scheduler="
        + scheduler
        + "}";
  }

  private static Optional<String> parseLogLevel(String text) {
    String level = text.toUpperCase(Locale.ROOT);
    if (level.equals("WARNING")) {
      return Optional.of("WARN");
    }
    return LOG_LEVELS.contains(level) ? Optional.of(level) : Optional.empty();
  }

  private static Optional<String> parseEtcdPrefix(String text) {
    if (!ETCD_PREFIX.matcher(text).matches()) {
      return Optional.empty();
    }
    String prefix = text.startsWith("/") ? text : "/" + text;
    while (prefix.endsWith("/")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    return prefix.isEmpty() ? Optional.empty() : Optional.of(prefix);
  }

  private static Optional<String> parseCommand(String text) {
    return text.chars().anyMatch(Character::isISOControl) ? Optional.empty() : Optional.of(text);
  }
}
