package io.uptimemesh.launcher;

import io.uptimemesh.core.Version;
import io.uptimemesh.core.config.ClusterConfigFile;
import io.uptimemesh.core.config.ConfigException;
import io.uptimemesh.core.config.RuntimeSettings;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code uptimemesh server}: runs a core node in the foreground until SIGTERM or SIGINT. */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = {
      "Run a core node: the HTTP API over etcd, in the foreground until SIGTERM or SIGINT.",
      "",
      "Runtime settings come from .env and the environment (the environment wins); cluster values"
          + " come from config.yaml, which is created or completed with defaults when needed.",
      "",
      "With ETCD_ENDPOINTS empty the server runs and supervises its own etcd member in"
          + " <UPTIMEMESH_DATA_DIR>/etcd; otherwise it uses that external cluster and starts none.",
      "",
      "Exit codes: 0 or 143 stopped by a signal, 2 bad configuration, 3 managed etcd crashed past"
          + " its crash budget, 4 could not start."
    })
final class ServerCommand implements Callable<Integer> {
  @Option(
      names = "--join",
      paramLabel = "URL",
      description =
          "On the first start of a new core node: join the cluster through this core node's API"
              + " URL (or a comma-separated list). Its etcd member is added as a learner, started"
              + " with the existing cluster and promoted once caught up. Ignored once this node's"
              + " etcd holds data.")
  String join;

  @Option(
      names = "--token",
      defaultValue = "${env:UPTIMEMESH_JOIN_TOKEN}",
      description =
          "The core join token for --join. Prefer UPTIMEMESH_JOIN_TOKEN: a command line is"
              + " visible to every user of the machine.")
  String token;

  @Option(
      names = "--node-id",
      description =
          "This core node's id for --join (default: managed_etcd.member_name, lowercase).")
  String nodeId;

  @Override
  public Integer call() {
    Map<String, String> env = System.getenv();
    RuntimeSettings settings;
    try {
      settings = RuntimeSettings.load(env, RuntimeSettings.dotEnvPath(env));
    } catch (ConfigException e) {
      System.err.println("error: " + e.getMessage());
      return ExitCodes.CONFIG;
    }
    // Logging first, so what config.yaml loading reports lands in LOG_FILE too.
    try {
      LoggingSetup.configure(settings.logLevel(), settings.logFile());
    } catch (IOException | RuntimeException e) {
      System.err.println(
          "error: cannot open LOG_FILE " + settings.logFile() + ": " + e.getMessage());
      return ExitCodes.CONFIG;
    }
    Logger log = LoggerFactory.getLogger(ServerCommand.class);
    ClusterConfigFile.Result config;
    try {
      config = ClusterConfigFile.loadOrCreate(settings.configFile());
    } catch (ConfigException e) {
      log.error("{}", e.getMessage());
      System.err.println("error: " + e.getMessage());
      return ExitCodes.CONFIG;
    }
    if (!settings.etcdEnabled()) {
      System.err.println(
          "error: ETCD_ENABLED=false: the server keeps all cluster state in etcd and cannot"
              + " run without it; set ETCD_ENABLED=true (the default)");
      return ExitCodes.CONFIG;
    }
    Version version = Version.current();
    log.info(
        "{} starting (APP_ENV={}, data dir {}, config {})",
        version.describe(),
        settings.appEnv().id(),
        settings.dataDir().toAbsolutePath().normalize(),
        settings.configFile().toAbsolutePath().normalize());
    settings.warnings().forEach(log::warn);

    Optional<CoreJoin.Options> joinOptions = Optional.empty();
    if (join != null) {
      if (token == null || token.isBlank()) {
        System.err.println(
            "error: --join needs a core join token: --token or UPTIMEMESH_JOIN_TOKEN");
        return ExitCodes.CONFIG;
      }
      try {
        joinOptions =
            Optional.of(
                new CoreJoin.Options(
                    io.uptimemesh.launcher.cli.ApiClient.parseUrls(join), token.strip(), nodeId));
      } catch (io.uptimemesh.launcher.cli.CliException e) {
        System.err.println("error: " + e.getMessage().replace("--api-url", "--join"));
        return ExitCodes.CONFIG;
      }
    }
    CoreServer server;
    try {
      server = CoreServer.start(settings, config.config(), version, joinOptions);
    } catch (CoreServer.StartupException e) {
      log.error("server could not start: {}", e.getMessage());
      return ExitCodes.STARTUP;
    } catch (RuntimeException | LinkageError e) {
      log.error("server could not start", e);
      return ExitCodes.STARTUP;
    }
    return server.awaitExit();
  }
}
