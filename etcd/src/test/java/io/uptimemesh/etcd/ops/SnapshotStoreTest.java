package io.uptimemesh.etcd.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SnapshotStoreTest {
  @TempDir Path dir;

  @Test
  void idsAreTimeOrderedAndValid() {
    String a = SnapshotId.next(Instant.parse("2026-11-22T11:23:45.123Z"));
    String b = SnapshotId.next(Instant.parse("2026-11-22T11:23:45.124Z"));
    assertThat(a).startsWith("20261122T112345123Z-").matches(SnapshotId::isValid);
    assertThat(a).isLessThan(b);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "..",
        "../etc/passwd",
        "20261122T112345123Z-3fa9c1/../../x",
        "20261122T112345123Z-3fa9c1.db",
        "20261122T112345123Z-3FA9C1",
        "/20261122T112345123Z-3fa9c1",
        "20261122T112345123Z-3fa9c1\n",
        "%2e%2e%2f"
      })
  void malformedIdsAreRefusedWith400AndNeverBecomePaths(String id) throws Exception {
    SnapshotStore store = new SnapshotStore(dir.resolve("snaps"), 3);
    assertThatThrownBy(() -> store.find(id))
        .isInstanceOfSatisfying(
            UptimeMeshException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST));
    assertThatThrownBy(() -> store.dataFile(id)).isInstanceOf(UptimeMeshException.class);
    assertThatThrownBy(() -> store.createPartial(id)).isInstanceOf(UptimeMeshException.class);
    assertThat(dir.resolve("snaps")).doesNotExist();
  }

  @Test
  void publishWritesDataChecksumAndMetadataAndOnlyThenLists() throws Exception {
    SnapshotStore store = new SnapshotStore(dir.resolve("snaps"), 3);
    String id = SnapshotId.next(Instant.now());
    Path partial = store.createPartial(id);
    Files.writeString(partial, "etcd bytes");

    assertThat(store.list()).isEmpty(); // a partial is never listed
    SnapshotMetadata meta = store.publish(id, partial, facts());

    assertThat(partial).doesNotExist();
    assertThat(store.list()).containsExactly(meta);
    assertThat(meta.size()).isEqualTo(10);
    assertThat(meta.sha256()).isEqualTo(SnapshotStore.sha256(store.dataFile(id)));
    assertThat(Files.readString(dir.resolve("snaps/" + id + ".db.sha256")))
        .isEqualTo(meta.sha256() + "  " + id + ".db\n");
    assertThat(Files.getPosixFilePermissions(store.dataFile(id)))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(dir.resolve("snaps")))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(store.verify(id)).isEqualTo(meta);
    assertThat(Files.readString(dir.resolve("snaps/" + id + ".json")))
        .contains("\"created_at\"", "\"etcd_version\"", "\"duration_ms\"");
  }

  @Test
  void aSnapshotWithoutMetadataIsNotListedAndUnknownIdsAre404() throws Exception {
    SnapshotStore store = new SnapshotStore(dir.resolve("snaps"), 3);
    String id = SnapshotId.next(Instant.now());
    Files.createDirectories(dir.resolve("snaps"));
    Files.writeString(dir.resolve("snaps/" + id + ".db"), "crashed before the metadata");

    assertThat(store.list()).isEmpty();
    assertThatThrownBy(() -> store.require(id))
        .isInstanceOfSatisfying(
            UptimeMeshException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.NOT_FOUND));
  }

  @Test
  void verifyRefusesACorruptFileWith409() throws Exception {
    SnapshotStore store = new SnapshotStore(dir.resolve("snaps"), 3);
    String id = SnapshotId.next(Instant.now());
    Path partial = store.createPartial(id);
    Files.writeString(partial, "good bytes");
    store.publish(id, partial, facts());
    Files.write(store.dataFile(id), "evil bytes".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> store.verify(id))
        .isInstanceOfSatisfying(
            UptimeMeshException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFLICT);
              assertThat(e.getMessage()).contains("corrupt");
            });
  }

  @Test
  void retentionKeepsTheNewestAndDeletesEveryFileOfTheOthers() throws Exception {
    SnapshotStore store = new SnapshotStore(dir.resolve("snaps"), 2);
    Instant t = Instant.parse("2026-11-22T10:00:00Z");
    List<String> ids =
        List.of(
            SnapshotId.next(t),
            SnapshotId.next(t.plusSeconds(1)),
            SnapshotId.next(t.plusSeconds(2)));
    for (String id : ids) {
      Path p = store.createPartial(id);
      Files.writeString(p, id);
      store.publish(id, p, facts());
    }

    assertThat(store.prune()).containsExactly(ids.get(0));
    assertThat(store.list())
        .extracting(SnapshotMetadata::id)
        .containsExactly(ids.get(2), ids.get(1));
    try (var files = Files.list(dir.resolve("snaps"))) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .noneMatch(n -> n.startsWith(ids.get(0)))
          .hasSize(6);
    }
  }

  private static SnapshotStore.Facts facts() {
    return new SnapshotStore.Facts("2026-11-22T10:00:00Z", 42, 7, "m1", "3.4.23", 5);
  }
}
