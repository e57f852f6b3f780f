package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code uptimemesh tokens list|revoke}. */
@Command(
    name = "tokens",
    mixinStandardHelpOptions = true,
    description = "List or revoke join tokens.",
    subcommands = {TokensCommand.ListTokens.class, TokensCommand.Revoke.class})
public final class TokensCommand implements Runnable {
  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        new picocli.CommandLine(this), "name a subcommand: list or revoke");
  }

  /** {@code tokens list}: never shows secrets. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List join tokens (never their secrets).")
  public static final class ListTokens extends ClientCommand {
    @Override
    protected int run() {
      JsonNode r = authenticated().get("/api/v1/tokens");
      if (json()) {
        printJson(r);
        return 0;
      }
      Table t = new Table("ID", "ROLE", "USES_LEFT", "EXPIRES", "CREATED_BY");
      for (JsonNode tok : r.path("tokens")) {
        t.row(
            tok.path("id").asText(),
            tok.path("role").asText(),
            tok.path("uses_left").asInt(),
            Times.at(tok.path("expires_at_ms").asLong()),
            tok.path("created_by").asText());
      }
      t.print();
      return 0;
    }
  }

  /** {@code tokens revoke ID}. */
  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a join token.")
  public static final class Revoke extends ClientCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    protected int run() {
      JsonNode r = authenticated().delete("/api/v1/tokens/" + id);
      if (json()) {
        printJson(r);
      } else {
        System.out.println("token " + id + " revoked");
      }
      return 0;
    }
  }
}
