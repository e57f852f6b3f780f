package io.uptimemesh.launcher.cli;

import picocli.CommandLine.Command;

/** {@code uptimemesh logout}: ends the session and forgets its token. */
@Command(
    name = "logout",
    mixinStandardHelpOptions = true,
    description = "End the session and forget its token.")
public final class LogoutCommand extends ClientCommand {
  @Override
  protected int run() {
    Credentials credentials = Credentials.forUser();
    if (credentials.token(apiUrl).isPresent()) {
      try {
        authenticated().post("/api/v1/auth/logout", java.util.Map.of());
      } catch (CliException e) {
        // The server may be gone or the session expired: forgetting the token is what matters.
      }
    }
    boolean had = credentials.remove(apiUrl);
    System.out.println(had ? "logged out of " + apiUrl : "was not logged in to " + apiUrl);
    return 0;
  }
}
