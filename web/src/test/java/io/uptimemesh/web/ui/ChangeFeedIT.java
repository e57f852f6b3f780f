package io.uptimemesh.web.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.testkit.Await;
import io.uptimemesh.testkit.EtcdClusterExtension;
import io.uptimemesh.web.ApiFixture;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The console's change feed on a real etcd (through the real watch cache): a write under a key
 * family fires exactly the topics whose pages show that family, and nothing else.
 */
@Timeout(60)
class ChangeFeedIT {
  @RegisterExtension static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

  private ApiFixture fixture;
  private EtcdStore store;
  private ChangeFeed feed;
  private final Set<String> fired = ConcurrentHashMap.newKeySet();

  @BeforeEach
  void setUp() {
    fixture = ApiFixture.start(etcd.endpoints(), 1 << 20, Optional.empty());
    store = fixture.runtime.store();
    await().atMost(Duration.ofSeconds(10)).until(() -> fixture.runtime.cache().synced());
    feed = new ChangeFeed(fixture.runtime.cache(), store.layout());
    feed.listen((topic, revision) -> fired.add(topic));
  }

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  /** A key of each family the new topics cover, and the topics a write to it must fire. */
  static List<Object[]> families() {
    return List.of(
        row("service", k -> k.service("web"), "workloads", "discovery"),
        row("service generation", k -> k.serviceGeneration("web", 2), "workloads"),
        row("replica", k -> k.replica("web-00001"), "workloads"),
        row("replica status", k -> k.replicaStatus("web-00001"), "workloads"),
        row("rollout", k -> k.rollout("web"), "workloads"),
        row("node scheduling", k -> k.nodeScheduling("n1"), "nodes", "workloads"),
        row("endpoint", k -> k.endpoint("web-00001-http"), "discovery"),
        row("endpoint health", k -> k.endpointHealth("web-00001-http"), "workloads", "discovery"),
        row("token", k -> k.token("t1"), "tokens"));
  }

  private static Object[] row(String name, Function<KeyLayout, String> key, String... topics) {
    return new Object[] {name, key, Set.of(topics)};
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void aWriteFiresTheTopicsThatShowIt(
      String name, Function<KeyLayout, String> key, Set<String> topics) {
    assertThat(feed.topics()).endsWith("workloads", "discovery");

    Await.result(store.put(key.apply(store.layout()), Map.of("written_by", "ChangeFeedIT")));

    await().atMost(Duration.ofSeconds(10)).until(() -> fired.containsAll(topics));
    // Other topics stay quiet: give a stray change the time to arrive before comparing.
    await().pollDelay(Duration.ofMillis(300)).until(() -> true);
    assertThat(fired).isEqualTo(topics);
  }

  @Test
  void aWriteOutsideEveryTopicFiresNothing() {
    Await.result(store.put(store.layout().root() + "unrelated/x", Map.of("a", 1)));
    Await.result(store.put(store.layout().rollout("web"), Map.of("a", 1)));

    await().atMost(Duration.ofSeconds(10)).until(() -> fired.contains("workloads"));
    assertThat(fired).containsExactly("workloads");
  }
}
