package io.uptimemesh.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.UptimeMeshException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MeshAddressAllocatorTest {

  @Test
  void slash16StartsAfterTheGateway() {
    MeshAddressAllocator allocator = new MeshAddressAllocator("10.42.0.0/16");

    assertThat(allocator.capacity()).isEqualTo(65_533);
    assertThat(allocator.next(Set.of())).contains("10.42.0.2");
  }

  @Test
  void slash30HasOneUsableAddress() {
    MeshAddressAllocator allocator = new MeshAddressAllocator("192.168.7.8/30");

    // .8 network, .9 gateway, .11 broadcast: only .10 is left.
    assertThat(allocator.capacity()).isEqualTo(1);
    assertThat(allocator.next(Set.of())).contains("192.168.7.10");
    assertThat(allocator.next(Set.of("192.168.7.10"))).isEmpty();
  }

  @Test
  void slash29() {
    MeshAddressAllocator allocator = new MeshAddressAllocator("10.0.0.0/29");

    assertThat(allocator.capacity()).isEqualTo(5);
  }

  @Test
  void skipsTakenAddressesAndCrossesOctets() {
    MeshAddressAllocator allocator = new MeshAddressAllocator("10.42.0.0/16");
    Set<String> taken = new HashSet<>();
    for (int i = 2; i <= 255; i++) {
      taken.add("10.42.0." + i);
    }

    assertThat(allocator.next(taken)).contains("10.42.1.0");
  }

  @Test
  void fillsTheLowestGapFirst() {
    MeshAddressAllocator allocator = new MeshAddressAllocator("10.42.0.0/24");

    assertThat(allocator.next(Set.of("10.42.0.2", "10.42.0.3", "10.42.0.5", "10.42.0.6")))
        .contains("10.42.0.4");
  }

  @Test
  void allocatesUntilExhausted() {
    MeshAddressAllocator allocator = new MeshAddressAllocator("10.9.0.0/28");
    Set<String> taken = new HashSet<>();
    Optional<String> next;
    while ((next = allocator.next(taken)).isPresent()) {
      taken.add(next.get());
    }

    assertThat(taken)
        .hasSize(13)
        .contains("10.9.0.2", "10.9.0.14")
        .doesNotContain("10.9.0.0", "10.9.0.1", "10.9.0.15");
  }

  @Test
  void ignoresTakenEntriesThatAreNotAddresses() {
    MeshAddressAllocator allocator = new MeshAddressAllocator("10.42.0.0/24");
    Set<String> taken = new HashSet<>(Set.of("garbage", "10.42.0.02", "10.43.0.2"));
    taken.add(null);

    assertThat(allocator.next(taken)).contains("10.42.0.2");
  }

  @Test
  void containsAddressesOfTheBlockOnly() {
    MeshAddressAllocator allocator = new MeshAddressAllocator("10.42.0.0/16");

    assertThat(allocator.contains("10.42.0.1")).isTrue();
    assertThat(allocator.contains("10.42.255.254")).isTrue();
    assertThat(allocator.contains("10.43.0.1")).isFalse();
    assertThat(allocator.contains("10.41.255.255")).isFalse();
    assertThat(allocator.contains("10.42.0.256")).isFalse();
    assertThat(allocator.contains("10.42.00.1")).isFalse();
    assertThat(allocator.contains(null)).isFalse();
  }

  @Test
  void refusesMalformedBlocks() {
    assertInvalid("10.42.0.0", "the mesh CIDR 10.42.0.0 has no /prefix length");
    assertInvalid("10.42.0/16", "the mesh CIDR 10.42.0/16 does not start with an IPv4 address");
    assertInvalid("10.42.0.0/x", "the mesh CIDR 10.42.0.0/x has no numeric prefix length");
    assertInvalid("10.0.0.0/7", "the mesh CIDR prefix length 7 is outside 8..30");
    assertInvalid("10.0.0.0/31", "the mesh CIDR prefix length 31 is outside 8..30");
    assertInvalid(
        "10.42.0.5/16",
        "the mesh CIDR 10.42.0.5/16 is not a network address; did you mean 10.42.0.0/16?");
    assertInvalid(null, "the mesh CIDR is empty");
  }

  @Test
  void slash8IsAllowed() {
    assertThat(new MeshAddressAllocator("10.0.0.0/8").capacity()).isEqualTo(16_777_213);
  }

  private static void assertInvalid(String cidr, String message) {
    assertThatThrownBy(() -> new MeshAddressAllocator(cidr))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessage(message);
  }
}
