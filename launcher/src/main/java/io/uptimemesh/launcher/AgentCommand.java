package io.uptimemesh.launcher;

import io.uptimemesh.agent.Agent;
import io.uptimemesh.agent.UnderlayAddress;
import io.uptimemesh.core.Version;
import io.uptimemesh.core.config.AgentSettings;
import io.uptimemesh.core.config.ConfigException;
import io.uptimemesh.core.config.RuntimeSettings;
import io.uptimemesh.wireguard.CommandRunner;
import io.uptimemesh.wireguard.mesh.LinuxMeshNetwork;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

/**
 * {@code uptimemesh agent}: the node agent, configured only by {@code .env} and the environment
 * (RUNTIME_* keys), until SIGTERM or SIGINT; then every loop stops and the status socket is
 * removed. The node must have joined first ({@code uptimemesh join}). One event loop and a small
 * worker pool: the agent is idle nearly all the time and must stay small (64 MB RSS budget).
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = {
      "Run the node agent: WireGuard mesh, path failover, desired-state stream, heartbeats.",
      "Settings come from .env and the environment (RUNTIME_* keys, see .env.example)."
    })
public final class AgentCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    Map<String, String> env = System.getenv();
    AgentSettings settings;
    try {
      settings = AgentSettings.load(env, RuntimeSettings.dotEnvPath(env));
    } catch (ConfigException e) {
      System.err.println("error: " + e.getMessage());
      return ExitCodes.CONFIG;
    }
    try {
      LoggingSetup.configure(
          env.getOrDefault("LOG_LEVEL", "INFO"),
          settings.dataDir().resolve("logs").resolve("agent.log"));
    } catch (IOException | RuntimeException e) {
      System.err.println("error: cannot open the agent log file: " + e.getMessage());
      return ExitCodes.CONFIG;
    }
    Logger log = LoggerFactory.getLogger(AgentCommand.class);
    log.info("{} agent starting: {}", Version.current().describe(), settings);
    Vertx vertx =
        Vertx.vertx(
            new VertxOptions()
                .setEventLoopPoolSize(1)
                .setWorkerPoolSize(2)
                .setInternalBlockingPoolSize(2)
                .setPreferNativeTransport(false));
    CommandRunner commands = CommandRunner.direct();
    Agent agent =
        new Agent(
            settings,
            new LinuxMeshNetwork(commands),
            Clock.systemUTC(),
            () -> UnderlayAddress.ofDefaultRoute(commands));
    String deployment;
    try {
      deployment = vertx.deployVerticle(agent).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.error("agent could not start: {}", e.getMessage());
      closeQuietly(vertx);
      return ExitCodes.STARTUP;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              log.info("agent stopping");
              try {
                vertx.undeploy(deployment).await(10, TimeUnit.SECONDS);
              } catch (Exception e) {
                log.warn("agent did not stop cleanly: {}", e.getMessage());
              }
              closeQuietly(vertx);
              stopped.countDown();
              LoggingSetup.flush();
            },
            "agent-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return ExitCodes.OK;
  }

  private static void closeQuietly(Vertx vertx) {
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Exiting anyway.
    }
  }
}
