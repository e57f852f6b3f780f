package io.uptimemesh.core.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventIdsTest {
  @Test
  void idsOfOneGeneratorAreUniqueAndSortInTheOrderIssuedEvenWhenTheClockStepsBack() {
    EventIds ids = new EventIds("abcdef");
    List<String> issued = new ArrayList<>();
    long[] clock = {1000, 1000, 1000, 999, 1001, 1001, 500, 2000};
    for (long t : clock) {
      issued.add(ids.next(t));
    }
    assertThat(issued).doesNotHaveDuplicates().isSorted();
    assertThat(issued.get(0)).isEqualTo("0000000001000-0000-abcdef");
    assertThat(issued.get(3)).isEqualTo("0000000001000-0003-abcdef");
    assertThat(EventIds.timeOf(issued.get(7))).isEqualTo(2000);
  }

  @Test
  void fiveThousandIdsInOneMillisecondBorrowTheNext() {
    EventIds ids = new EventIds("abcdef");
    HashSet<String> seen = new HashSet<>();
    String last = null;
    for (int i = 0; i < 6000; i++) {
      last = ids.next(7);
      assertThat(seen.add(last)).isTrue();
    }
    assertThat(EventIds.timeOf(last)).isEqualTo(8);
  }

  @Test
  void lateIdsKeepTheirTimeAndNeverCollideWithCurrentOnes() {
    EventIds ids = new EventIds("abcdef");
    String now = ids.next(5000);
    String late = ids.at(5000);
    assertThat(late).isNotEqualTo(now).startsWith("0000000005000-5000-");
    assertThat(ids.at(10)).startsWith("0000000000010-5001-");
  }

  @Test
  void validatesShapeAndBuildsTimePrefixes() {
    assertThat(EventIds.isValid("1763800000123-0000-abcdef")).isTrue();
    assertThat(EventIds.isValid("1763800000123-0000-ABCDEF")).isFalse();
    assertThat(EventIds.isValid("../x")).isFalse();
    assertThat(EventIds.timePrefix(42)).isEqualTo("0000000000042");
    assertThat(EventIds.timePrefix(-1)).isEqualTo("0000000000000");
    assertThat(new EventIds().next(1)).matches("0000000000001-0000-[a-z2-7]{6}");
  }
}
