package io.uptimemesh.etcd.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.uptimemesh.core.config.EtcdClientConfig;
import io.uptimemesh.core.config.EventsConfig;
import io.uptimemesh.core.events.EventCategory;
import io.uptimemesh.core.events.EventIds;
import io.uptimemesh.core.events.EventLevel;
import io.uptimemesh.core.events.EventQuery;
import io.uptimemesh.core.events.EventRecord;
import io.uptimemesh.core.events.EventSince;
import io.uptimemesh.etcd.EtcdCallPolicy;
import io.uptimemesh.etcd.EtcdClients;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.KeyLayout;
import io.uptimemesh.etcd.WatchCache;
import io.uptimemesh.etcd.leader.Fence;
import io.uptimemesh.testkit.Await;
import io.uptimemesh.testkit.EtcdClusterExtension;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The event log on a real etcd: order, filters, paging, unique ids, pruning, live feeds. */
@Timeout(120)
class EventLogIT {
  @RegisterExtension static final EtcdClusterExtension etcd = EtcdClusterExtension.single();

  private static final Duration DEADLINE = Duration.ofMillis(1500);
  private static final long T0 = 1_763_800_000_000L;

  record Doc(String name) {}

  private Vertx vertx;
  private Client client;
  private EtcdStore store;
  private KeyLayout layout;
  private EventLog log;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    client = EtcdClients.create(etcd.endpoints(), DEADLINE);
    layout = new KeyLayout("/it-" + UUID.randomUUID().toString().substring(0, 8));
    EtcdCallPolicy policy =
        new EtcdCallPolicy(vertx, new EtcdClientConfig(DEADLINE, 3, Duration.ofMillis(50)));
    store = new EtcdStore(client.getKVClient(), client.getLeaseClient(), layout, policy);
    log = new EventLog(vertx, store, client.getWatchClient(), Clock.systemUTC());
  }

  @AfterEach
  void tearDown() {
    client.close();
    Await.result(vertx.close());
  }

  private static EventRecord event(String id, EventCategory category, String name) {
    return EventRecord.of(id, category, name, EventLevel.INFO, "test", Map.of("n", name));
  }

  /** Appends {@code n} events at T0 + i seconds, in random order; returns their ids in order. */
  private List<String> appendTimed(int n, EventCategory category, long offsetMs) {
    EventIds ids = new EventIds("testaa");
    List<String> made = new ArrayList<>();
    List<Future<Long>> writes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = ids.at(T0 + offsetMs + i * 1000L);
      made.add(id);
      writes.add(log.append(event(id, category, "e" + i)));
    }
    Await.result(Future.all(writes), Duration.ofSeconds(60));
    return made;
  }

  private EventPage list(
      Optional<EventSince> since, Set<EventCategory> cats, int limit, boolean nf) {
    return Await.result(log.list(new EventQuery(since, cats, limit, nf)));
  }

  private static List<String> ids(EventPage page) {
    return page.events().stream().map(e -> e.event().id()).toList();
  }

  @Test
  void listsNewestOrOldestFirstWithALimitAndTellsWhetherThereIsMore() {
    List<String> made = appendTimed(10, EventCategory.NODE, 0);

    EventPage newest = list(Optional.empty(), Set.of(), 3, true);
    assertThat(ids(newest)).containsExactly(made.get(9), made.get(8), made.get(7));
    assertThat(newest.more()).isTrue();
    assertThat(newest.revision()).isPositive();

    EventPage oldest = list(Optional.empty(), Set.of(), 4, false);
    assertThat(ids(oldest)).containsExactlyElementsOf(made.subList(0, 4));

    // Exactly the limit, or one more: the first batch reads the limit and one more key.
    assertThat(list(Optional.empty(), Set.of(), 10, true).more()).isFalse();
    assertThat(ids(list(Optional.empty(), Set.of(), 9, true)))
        .hasSize(9)
        .doesNotContain(made.get(0));
    assertThat(list(Optional.empty(), Set.of(), 9, true).more()).isTrue();
    assertThat(list(Optional.empty(), Set.of(), 9, false).more()).isTrue();

    EventPage all = list(Optional.empty(), Set.of(), 100, false);
    assertThat(ids(all)).containsExactlyElementsOf(made);
    assertThat(all.more()).isFalse();
    assertThat(all.events().get(0).event().fields()).containsEntry("n", "e0");
  }

  @Test
  void sinceAnIdIsExclusiveAndSinceATimeIsInclusive() {
    List<String> made = appendTimed(6, EventCategory.NODE, 0);

    EventPage afterId = list(Optional.of(new EventSince.AfterId(made.get(2))), Set.of(), 10, false);
    assertThat(ids(afterId)).containsExactlyElementsOf(made.subList(3, 6));

    EventPage fromTime = list(Optional.of(new EventSince.FromTime(T0 + 4000)), Set.of(), 10, false);
    assertThat(ids(fromTime)).containsExactly(made.get(4), made.get(5));

    EventPage newestSince =
        list(Optional.of(new EventSince.FromTime(T0 + 1000)), Set.of(), 2, true);
    assertThat(ids(newestSince)).containsExactly(made.get(5), made.get(4));
    assertThat(newestSince.more()).isTrue();
  }

  @Test
  void categoryFilterPagesThroughMoreThanOneBatch() {
    List<String> nodes = appendTimed(EventLog.BATCH + 20, EventCategory.NODE, 0);
    List<String> tokens = appendTimed(3, EventCategory.TOKEN, -10_000);
    appendTimed(2, EventCategory.AUTH, 10_000_000);

    EventPage onlyTokens = list(Optional.empty(), Set.of(EventCategory.TOKEN), 10, true);
    assertThat(ids(onlyTokens)).containsExactly(tokens.get(2), tokens.get(1), tokens.get(0));
    assertThat(onlyTokens.more()).isFalse();

    EventPage nodesOldest = list(Optional.empty(), Set.of(EventCategory.NODE), 1000, false);
    assertThat(ids(nodesOldest)).containsExactlyElementsOf(nodes);

    EventPage two =
        list(Optional.empty(), Set.of(EventCategory.TOKEN, EventCategory.AUTH), 10, true);
    assertThat(two.events()).hasSize(5);
  }

  @Test
  void idsStayUniqueAndOrderedUnderConcurrentRecordingFromTwoCoreNodes() throws Exception {
    EventLog other = new EventLog(vertx, store, client.getWatchClient(), Clock.systemUTC());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    for (int i = 0; i < 400; i++) {
      EventLog which = i % 2 == 0 ? log : other;
      int n = i;
      pool.execute(
          () -> which.info(EventCategory.NODE, "joined", "node:n" + n, Map.of("i", "" + n)));
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> list(Optional.empty(), Set.of(), 1000, false).events().size() == 400);
    List<String> listed = ids(list(Optional.empty(), Set.of(), 1000, false));
    assertThat(listed).doesNotHaveDuplicates().isSorted();
    assertThat(
            list(Optional.empty(), Set.of(), 1000, false).events().stream()
                .map(e -> e.event().fields().get("i"))
                .distinct())
        .hasSize(400);
  }

  @Test
  void pruningDeletesEventsOlderThanTheMaximumAgeInFencedBatches() {
    long now = System.currentTimeMillis();
    EventIds ids = new EventIds("testbb");
    List<Future<Long>> writes = new ArrayList<>();
    for (int i = 0; i < EventLog.BATCH + 30; i++) {
      writes.add(
          log.append(
              event(ids.at(now - Duration.ofHours(3).toMillis() + i), EventCategory.NODE, "old")));
    }
    for (int i = 0; i < 5; i++) {
      writes.add(
          log.append(
              event(
                  ids.at(now - Duration.ofMinutes(30).toMillis() + i),
                  EventCategory.NODE,
                  "fresh")));
    }
    Await.result(Future.all(writes), Duration.ofSeconds(60));
    Fence fence = fence();

    EventPruner.Pruned pruned =
        Await.result(
            new EventPruner(
                    log,
                    new EventsConfig(Duration.ofHours(1), 10_000, Duration.ofSeconds(60)),
                    Clock.systemUTC())
                .prune(fence),
            Duration.ofSeconds(30));

    assertThat(pruned).isEqualTo(new EventPruner.Pruned(EventLog.BATCH + 30, 0, false));
    EventPage left = list(Optional.empty(), Set.of(), 1000, false);
    assertThat(left.events()).hasSize(5).allMatch(e -> e.event().name().equals("fresh"));
  }

  @Test
  void pruningKeepsOnlyTheNewestMaximumCount() {
    List<String> made = appendTimed(EventLog.BATCH + 150, EventCategory.TOKEN, 0);
    EventPruner pruner =
        new EventPruner(
            log,
            new EventsConfig(Duration.ofDays(100_000), 100, Duration.ofSeconds(60)),
            Clock.systemUTC());

    EventPruner.Pruned pruned = Await.result(pruner.prune(fence()), Duration.ofSeconds(30));

    assertThat(pruned).isEqualTo(new EventPruner.Pruned(0, EventLog.BATCH + 50, false));
    assertThat(ids(list(Optional.empty(), Set.of(), 1000, false)))
        .containsExactlyElementsOf(made.subList(made.size() - 100, made.size()));
    assertThat(Await.result(pruner.prune(fence()))).isEqualTo(new EventPruner.Pruned(0, 0, false));
  }

  @Test
  void aPruneWithAWrongFenceWritesNothing() {
    appendTimed(20, EventCategory.NODE, 0);
    Fence right = fence();
    Fence stale = new Fence(right.electionKey(), right.createRevision() + 1000);
    EventPruner pruner =
        new EventPruner(
            log,
            new EventsConfig(Duration.ofHours(1), 100, Duration.ofSeconds(60)),
            Clock.systemUTC());
    Fence gone = new Fence(layout.root() + "election/nobody", 1);

    assertThat(Await.result(pruner.prune(stale))).isEqualTo(new EventPruner.Pruned(0, 0, true));
    assertThat(Await.result(pruner.prune(gone))).isEqualTo(new EventPruner.Pruned(0, 0, true));
    assertThat(list(Optional.empty(), Set.of(), 1000, false).events()).hasSize(20);
    // The test events are from 2025: the right fence prunes them all.
    assertThat(Await.result(pruner.prune(right)).deletedOld()).isEqualTo(20);
  }

  @Test
  void aFollowerGetsNewEventsAndResumesFromARevisionWithoutGapsOrRepeats() {
    List<EventEntry> live = new CopyOnWriteArrayList<>();
    EventSubscription sub = log.follow(0, live::add);
    // Following from "now": wait until the watch is in place by appending until seen.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              log.info(EventCategory.CLUSTER, "probe", "test", Map.of());
              return !live.isEmpty();
            });
    sub.close();
    long probeRevision = live.get(0).revision();
    appendTimed(3, EventCategory.NODE, 0); // written while nobody follows

    List<EventEntry> resumed = new CopyOnWriteArrayList<>();
    EventSubscription again = log.follow(probeRevision, resumed::add);
    appendTimed(2, EventCategory.TOKEN, 50_000);
    await().atMost(Duration.ofSeconds(10)).until(() -> resumed.size() >= 5 + live.size() - 1);
    again.close();

    List<Long> revisions = resumed.stream().map(EventEntry::revision).toList();
    assertThat(revisions).isSorted().doesNotHaveDuplicates().allMatch(r -> r > probeRevision);
    assertThat(resumed.stream().map(e -> e.event().category()))
        .containsSubsequence("node", "node", "node", "token", "token");
    assertThat(resumed.stream().filter(e -> !e.event().name().equals("probe"))).hasSize(5);
  }

  @Test
  void aFollowerSurvivesEtcdRestartingWithoutGapsOrRepeats() {
    List<EventEntry> seen = new CopyOnWriteArrayList<>();
    long start = Await.result(log.count()).getHeader().getRevision();
    EventSubscription sub = log.follow(start, seen::add);
    appendTimed(3, EventCategory.NODE, 0);
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 3);

    etcd.member(0).stop();
    etcd.member(0).start();
    etcd.member(0).awaitHealthy(Duration.ofSeconds(20));
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(
            () -> {
              Await.result(
                  log.append(
                      event(new EventIds("testcc").at(T0 + 999_000), EventCategory.ETCD, "after")));
              return true;
            });
    appendTimed(2, EventCategory.TOKEN, 100_000);

    await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() >= 6);
    sub.close();
    assertThat(seen.stream().map(EventEntry::revision).toList()).isSorted().doesNotHaveDuplicates();
    assertThat(seen).hasSize(6);
  }

  @Test
  void theWatchCacheDoesNotMirrorTheEventLog() {
    WatchCache cache = new WatchCache(vertx, client.getWatchClient(), store);
    appendTimed(3, EventCategory.NODE, 0);
    Await.result(store.put(layout.root() + "docs/before", new Doc("b")));
    vertx.runOnContext(v -> cache.start());
    await().atMost(Duration.ofSeconds(10)).until(cache::synced);
    appendTimed(2, EventCategory.NODE, 10_000);
    long rev = Await.result(store.put(layout.root() + "docs/after", new Doc("a")));
    Await.result(cache.awaitRevision(rev, Duration.ofSeconds(5)));

    assertThat(cache.snapshot().entries().keySet())
        .containsExactly(layout.root() + "docs/after", layout.root() + "docs/before");
    assertThat(cache.snapshot().withPrefix(layout.eventsPrefix())).isEmpty();
    Await.result(cache.stop());
  }

  private Fence fence() {
    String key = layout.root() + "election/test";
    Await.result(store.create(key, new Doc("leader")));
    long created = Await.result(store.get(key, Doc.class)).orElseThrow().createRevision();
    return new Fence(key, created);
  }
}
