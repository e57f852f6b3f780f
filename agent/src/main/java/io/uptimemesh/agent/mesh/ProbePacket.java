package io.uptimemesh.agent.mesh;

import io.vertx.core.buffer.Buffer;
import java.util.OptionalLong;

/**
 * The path probe's UDP datagram: magic {@code UMPR}, a type byte (1 request, 2 reply) and the
 * prober's sequence number. The echo answers a request with the same bytes, type 2; anything else
 * is dropped, so the echo port cannot be used to reflect traffic larger than what arrived.
 */
final class ProbePacket {
  static final int LENGTH = 13;
  private static final int MAGIC = 0x554d5052; // "UMPR"
  static final byte REQUEST = 1;
  static final byte REPLY = 2;

  private ProbePacket() {}

  static Buffer request(long seq) {
    return Buffer.buffer(LENGTH).appendInt(MAGIC).appendByte(REQUEST).appendLong(seq);
  }

  /** The reply to {@code packet}, or null if it is not a probe request. */
  static Buffer replyTo(Buffer packet) {
    if (packet.length() != LENGTH || packet.getInt(0) != MAGIC || packet.getByte(4) != REQUEST) {
      return null;
    }
    return Buffer.buffer(LENGTH).appendInt(MAGIC).appendByte(REPLY).appendLong(packet.getLong(5));
  }

  /** The sequence number of a reply, empty if it is not one. */
  static OptionalLong replySeq(Buffer packet) {
    if (packet.length() != LENGTH || packet.getInt(0) != MAGIC || packet.getByte(4) != REPLY) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(packet.getLong(5));
  }
}
