package io.uptimemesh.wireguard;

/**
 * A WireGuard public key in its text form: 44 characters of base64 encoding 32 bytes. Public keys
 * identify peers; they are not secret and print as themselves.
 */
public record WgPublicKey(String base64) implements Comparable<WgPublicKey> {

  /**
   * @throws io.uptimemesh.core.error.UptimeMeshException (invalid request) if it is not a key
   */
  public WgPublicKey {
    WgKeys.decode("a WireGuard public key", base64);
  }

  /** Parses the text form. */
  public static WgPublicKey parse(String text) {
    return new WgPublicKey(text);
  }

  @Override
  public int compareTo(WgPublicKey other) {
    return base64.compareTo(other.base64);
  }

  @Override
  public String toString() {
    return base64;
  }
}
