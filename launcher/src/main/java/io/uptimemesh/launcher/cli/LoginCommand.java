package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code uptimemesh login}: the password from a prompt or stdin, never from the command line. */
@Command(
    name = "login",
    mixinStandardHelpOptions = true,
    description = "Log in and keep the session token in ~/.config/uptimemesh/credentials (0600).")
public final class LoginCommand extends ClientCommand {
  @Option(names = "--username", defaultValue = "admin", description = "Default: ${DEFAULT-VALUE}.")
  String username;

  @Option(names = "--password-stdin", description = "Read the password from standard input.")
  boolean passwordStdin;

  @Override
  protected int run() throws IOException {
    String password = passwordStdin ? readStdin() : prompt();
    if (password == null || password.isEmpty()) {
      throw new CliException("no password given");
    }
    JsonNode r =
        anonymous().post("/api/v1/auth/login", Map.of("username", username, "password", password));
    Credentials.forUser().store(apiUrl, r.path("token").asText());
    if (json()) {
      ((com.fasterxml.jackson.databind.node.ObjectNode) r).remove("token");
      printJson(r);
    } else {
      System.out.println("logged in to " + apiUrl + " as " + username);
      if (r.path("must_change_password").asBoolean()) {
        System.out.println("note: this is the generated bootstrap password; change it in the UI");
      }
    }
    return 0;
  }

  private static String readStdin() throws IOException {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line = in.readLine();
    return line == null ? null : line.strip();
  }

  private static String prompt() {
    if (System.console() == null) {
      throw new CliException("no terminal to ask for the password: use --password-stdin");
    }
    char[] pw = System.console().readPassword("password: ");
    return pw == null ? null : new String(pw);
  }
}
