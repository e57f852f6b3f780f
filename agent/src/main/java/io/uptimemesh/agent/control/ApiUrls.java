package io.uptimemesh.agent.control;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The core API URLs the agent may use, and which one it uses now. A failed call moves to the next
 * URL in order (wrapping), so every core node is tried before the first is tried again. The list is
 * the configured URLs followed by those learned from {@code /api/v1/cluster/apis}; the URL in use
 * stays in use across a refresh while it is still listed. Not thread-safe: one owner context.
 */
public final class ApiUrls {
  private final List<URI> configured;
  private List<URI> urls;
  private int current;

  public ApiUrls(List<URI> configured) {
    if (configured.isEmpty()) {
      throw new IllegalArgumentException("at least one core API URL");
    }
    this.configured = configured.stream().map(ApiUrls::normalize).distinct().toList();
    this.urls = this.configured;
  }

  /** The URL calls go to now. */
  public URI current() {
    return urls.get(current);
  }

  /** Every known URL, in failover order. */
  public List<URI> all() {
    return urls;
  }

  /**
   * Moves on after a call to {@code failed} failed; does nothing if another call already moved on
   * (two calls failing against the same node must not skip the next one).
   *
   * @return the URL to use now
   */
  public URI failed(URI failed) {
    if (normalize(failed).equals(current())) {
      current = (current + 1) % urls.size();
    }
    return current();
  }

  /** Replaces the learned URLs with {@code learned} (the cluster's list of core APIs). */
  public void learned(List<URI> learned) {
    URI inUse = current();
    Set<URI> merged = new LinkedHashSet<>(configured);
    learned.stream().map(ApiUrls::normalize).forEach(merged::add);
    urls = List.copyOf(new ArrayList<>(merged));
    int index = urls.indexOf(inUse);
    current = Math.max(index, 0);
  }

  /** Without a trailing slash, so {@code base + "/api/..."} is always right. */
  static URI normalize(URI uri) {
    String text = uri.toString();
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    return URI.create(text);
  }
}
