package io.uptimemesh.launcher;

import io.uptimemesh.core.Version;
import io.uptimemesh.launcher.cli.BootstrapCommand;
import io.uptimemesh.launcher.cli.CreateTokenCommand;
import io.uptimemesh.launcher.cli.DiscoveryCommand;
import io.uptimemesh.launcher.cli.EndpointsCommand;
import io.uptimemesh.launcher.cli.EtcdMembersCommand;
import io.uptimemesh.launcher.cli.EtcdStatusCommand;
import io.uptimemesh.launcher.cli.EventsCommand;
import io.uptimemesh.launcher.cli.HeartbeatCommand;
import io.uptimemesh.launcher.cli.JoinCommand;
import io.uptimemesh.launcher.cli.LoginCommand;
import io.uptimemesh.launcher.cli.LogoutCommand;
import io.uptimemesh.launcher.cli.NodesCommand;
import io.uptimemesh.launcher.cli.NodesStatusCommand;
import io.uptimemesh.launcher.cli.RenewCertCommand;
import io.uptimemesh.launcher.cli.ReplicasCommand;
import io.uptimemesh.launcher.cli.SchedulerCommand;
import io.uptimemesh.launcher.cli.ServicesCommand;
import io.uptimemesh.launcher.cli.SnapshotDownloadCommand;
import io.uptimemesh.launcher.cli.SnapshotListCommand;
import io.uptimemesh.launcher.cli.SnapshotRestoreCommand;
import io.uptimemesh.launcher.cli.SnapshotRunCommand;
import io.uptimemesh.launcher.cli.StatusCommand;
import io.uptimemesh.launcher.cli.TokensCommand;
import io.uptimemesh.launcher.cli.UtilCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code uptimemesh} command: one launcher for the server, the agent and client commands. */
@Command(
    name = "uptimemesh",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = "UptimeMesh: a self-healing private mesh control plane over WireGuard and etcd.",
    subcommands = {
      ServerCommand.class,
      BootstrapCommand.class,
      LoginCommand.class,
      LogoutCommand.class,
      CreateTokenCommand.class,
      TokensCommand.class,
      JoinCommand.class,
      HeartbeatCommand.class,
      NodesStatusCommand.class,
      NodesCommand.class,
      RenewCertCommand.class,
      EtcdMembersCommand.class,
      UtilCommand.class,
      EventsCommand.class,
      EtcdStatusCommand.class,
      SnapshotRunCommand.class,
      SnapshotListCommand.class,
      SnapshotDownloadCommand.class,
      SnapshotRestoreCommand.class,
      AgentCommand.class,
      StatusCommand.class,
      ServicesCommand.class,
      EndpointsCommand.class,
      DiscoveryCommand.class,
      ReplicasCommand.class,
      SchedulerCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    int code;
    try {
      code = run(args);
    } catch (Throwable t) {
      // picocli hands Errors through; exit anyway, or Vert.x threads would keep the JVM alive.
      t.printStackTrace();
      code = ExitCodes.FAILURE;
    }
    LoggingSetup.flush();
    System.exit(code);
  }

  /** Runs the command line and returns the exit code (separate from {@link #main} for tests). */
  public static int run(String... args) {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
  }

  @Override
  public void run() {
    // No subcommand: show what there is.
    spec.commandLine().usage(System.out);
  }

  /** Prints the version from version.json. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {Version.current().describe()};
    }
  }
}
