package io.uptimemesh.launcher.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.json.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;

/**
 * What every client command shares: {@code --api-url}, {@code --output}, the session token, and
 * turning any failure into one line on stderr with exit code 1.
 */
public abstract class ClientCommand implements Callable<Integer> {
  /** How results are printed. */
  public enum Output {
    TABLE,
    JSON
  }

  @Option(
      names = "--api-url",
      defaultValue = "${env:UPTIMEMESH_API_URL:-http://127.0.0.1:8010}",
      description =
          "Core node API URL, or a comma-separated list of them: a call that cannot reach one"
              + " (or that one refuses with 503) goes to the next (default: ${DEFAULT-VALUE}).")
  String apiUrl;

  @Option(
      names = "--output",
      defaultValue = "table",
      description = "table or json (default: ${DEFAULT-VALUE}).")
  Output output;

  @Override
  public final Integer call() {
    try {
      return run();
    } catch (CliException | UptimeMeshException e) {
      System.err.println("error: " + e.getMessage());
      return 1;
    } catch (IllegalArgumentException e) {
      System.err.println("error: --api-url " + apiUrl + " is not a URL");
      return 1;
    } catch (java.io.IOException e) {
      System.err.println("error: " + e.getMessage());
      return 1;
    } catch (Exception e) {
      System.err.println("error: unexpected " + e);
      return 1;
    }
  }

  protected abstract int run() throws Exception;

  protected ApiClient anonymous() {
    return new ApiClient(ApiClient.parseUrls(apiUrl), null);
  }

  protected ApiClient authenticated() {
    String token =
        Credentials.forUser()
            .token(apiUrl)
            .orElseThrow(
                () -> new CliException("not logged in to " + apiUrl + ": run uptimemesh login"));
    return new ApiClient(ApiClient.parseUrls(apiUrl), token);
  }

  protected boolean json() {
    return output == Output.JSON;
  }

  protected static void printJson(JsonNode node) {
    try {
      System.out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(node));
    } catch (JsonProcessingException e) {
      throw new CliException("cannot print JSON: " + e.getMessage());
    }
  }
}
