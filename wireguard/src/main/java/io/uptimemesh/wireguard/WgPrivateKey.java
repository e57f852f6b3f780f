package io.uptimemesh.wireguard;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * A WireGuard private key. It prints as {@code [redacted]} so that logging a spec, a plan or an
 * exception that carries one never leaks it; only {@link #reveal()} gives out its text form, for
 * the one place that hands it to {@code wg} (through a 0600 file, never a command line).
 */
public final class WgPrivateKey {
  private final byte[] scalar;

  private WgPrivateKey(byte[] clampedScalar) {
    this.scalar = clampedScalar;
  }

  /**
   * Parses the text form ({@code wg genkey}'s output). The key is clamped, as WireGuard itself
   * does, so an unclamped key from elsewhere compares equal to what {@code wg show} prints.
   *
   * @throws io.uptimemesh.core.error.UptimeMeshException (invalid request) if it is not a key
   */
  public static WgPrivateKey parse(String text) {
    return of(WgKeys.decode("a WireGuard private key", text));
  }

  static WgPrivateKey of(byte[] scalar) {
    byte[] copy = Arrays.copyOf(scalar, WgKeys.KEY_BYTES);
    WgKeys.clamp(copy);
    return new WgPrivateKey(copy);
  }

  /** The public key that goes with this private key (what {@code wg pubkey} prints). */
  public WgPublicKey publicKey() {
    return new WgPublicKey(WgKeys.encode(WgKeys.publicKeyBytes(scalar)));
  }

  /** The base64 text form. Only for handing the key to WireGuard or storing it 0600. */
  public String reveal() {
    return WgKeys.encode(scalar);
  }

  /** Compares in time independent of where the keys differ. */
  @Override
  public boolean equals(Object other) {
    return other instanceof WgPrivateKey that && MessageDigest.isEqual(scalar, that.scalar);
  }

  @Override
  public int hashCode() {
    // Deliberately constant: a hash of the secret would leak bits of it to anyone who sees it.
    return 0x5747;
  }

  @Override
  public String toString() {
    return "[redacted]";
  }
}
