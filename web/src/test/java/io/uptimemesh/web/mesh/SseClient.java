package io.uptimemesh.web.mesh;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.parsetools.RecordParser;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A minimal server-sent-events client for tests: connects, parses {@code event:}/{@code id:}/{@code
 * data:} blocks into {@link Event}s (comments are counted, not queued), and notices the end of the
 * stream. Shared by the mesh and discovery stream tests.
 */
public final class SseClient implements AutoCloseable {
  /** One event; {@code name} is "message" when the block has no event line. */
  public record Event(String name, String id, String data) {}

  private final HttpClient client;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final CompletableFuture<Void> ended = new CompletableFuture<>();
  private volatile int comments;
  private String name;
  private String id;
  private StringBuilder data;

  /** The status of the response (the stream is open if 200). */
  public final int status;

  /** The body if the status is not 200. */
  public final String errorBody;

  private SseClient(HttpClient client, int status, String errorBody) {
    this.client = client;
    this.status = status;
    this.errorBody = errorBody;
  }

  public static SseClient connect(Vertx vertx, int port, String pathAndQuery, MultiMap headers) {
    HttpClient client = vertx.createHttpClient();
    CompletableFuture<SseClient> opened = new CompletableFuture<>();
    client
        .request(
            new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost("127.0.0.1")
                .setPort(port)
                .setURI(pathAndQuery)
                .setHeaders(headers))
        .compose(req -> req.send())
        .onSuccess(
            (HttpClientResponse resp) -> {
              if (resp.statusCode() != 200) {
                resp.body()
                    .onComplete(
                        b ->
                            opened.complete(
                                new SseClient(
                                    client,
                                    resp.statusCode(),
                                    b.succeeded() ? b.result().toString() : "")));
                return;
              }
              SseClient sse = new SseClient(client, 200, null);
              RecordParser lines = RecordParser.newDelimited("\n", l -> sse.line(l.toString()));
              resp.handler(lines);
              resp.endHandler(v -> sse.ended.complete(null));
              resp.exceptionHandler(t -> sse.ended.complete(null));
              opened.complete(sse);
            })
        .onFailure(opened::completeExceptionally);
    return opened.orTimeout(10, TimeUnit.SECONDS).join();
  }

  private void line(String line) {
    if (line.isEmpty()) {
      if (data != null) {
        events.add(new Event(name == null ? "message" : name, id, data.toString()));
      }
      name = null;
      id = null;
      data = null;
    } else if (line.startsWith(":")) {
      comments++;
    } else if (line.startsWith("event: ")) {
      name = line.substring(7);
    } else if (line.startsWith("id: ")) {
      id = line.substring(4);
    } else if (line.startsWith("data: ")) {
      data = data == null ? new StringBuilder() : data.append('\n');
      data.append(line.substring(6));
    }
  }

  /** The next event, waiting at most {@code timeout}; null if none came. */
  public Event next(Duration timeout) {
    try {
      return events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** True if no event comes within {@code quiet}. */
  public boolean silentFor(Duration quiet) {
    return next(quiet) == null;
  }

  public int comments() {
    return comments;
  }

  public boolean ended(Duration within) {
    try {
      ended.get(within.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
