package io.uptimemesh.core.heartbeat;

import io.uptimemesh.core.error.UptimeMeshException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;

/**
 * Ed25519 signatures over the exact bytes of a heartbeat request body, never over a re-serialised
 * form, in standard padded base64. Uses Bouncy Castle's lightweight {@link Ed25519Signer}, which is
 * fast enough for the heartbeat hot path and needs no JCA provider.
 */
public final class HeartbeatSignatures {

  /** The request header carrying the base64 signature. */
  public static final String SIGNATURE_HEADER = "X-UptimeMesh-Signature";

  /** The request header carrying the SHA-256 fingerprint of the sender's node certificate. */
  public static final String FINGERPRINT_HEADER = "X-UptimeMesh-Cert-Fingerprint";

  static final int SIGNATURE_BYTES = Ed25519PrivateKeyParameters.SIGNATURE_SIZE;

  /** Far above the number of nodes of a cluster; about 200 bytes each. */
  private static final int MAX_CACHED_KEYS = 100_000;

  /**
   * Decoded public keys by their X.509 encoding. The buffers wrap arrays nobody else holds, so
   * their content, and with it their hash, never changes.
   */
  private static final Map<ByteBuffer, Ed25519PublicKeyParameters> DECODED_KEYS =
      new ConcurrentHashMap<>();

  private HeartbeatSignatures() {}

  /**
   * Signs a request body.
   *
   * @param body the exact bytes to be sent
   * @param ed25519Key the node's Ed25519 private key
   * @return the 64-byte signature in standard base64 with padding
   * @throws UptimeMeshException (invalid) if the key is not an Ed25519 private key
   */
  public static String sign(byte[] body, PrivateKey ed25519Key) {
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, privateParameters(ed25519Key));
    signer.update(body, 0, body.length);
    return Base64.getEncoder().encodeToString(signer.generateSignature());
  }

  /**
   * Verifies a signature over a request body.
   *
   * @param body the exact bytes received
   * @param signatureBase64 the signature header value
   * @param ed25519Key the sender's Ed25519 public key
   * @return true if the signature verifies; false if it does not, if the base64 is malformed or not
   *     64 bytes, or if the key is not Ed25519 (never throws)
   */
  public static boolean verify(byte[] body, String signatureBase64, PublicKey ed25519Key) {
    return verifyDecoded(body, decodeSignature(signatureBase64), ed25519Key);
  }

  /** As {@link #verify(byte[], String, PublicKey)}, with the signature already decoded. */
  static boolean verifyDecoded(byte[] body, byte[] signature, PublicKey ed25519Key) {
    if (body == null || signature == null || signature.length != SIGNATURE_BYTES) {
      return false;
    }
    Ed25519PublicKeyParameters key = publicParameters(ed25519Key);
    if (key == null) {
      return false;
    }
    Ed25519Signer verifier = new Ed25519Signer();
    verifier.init(false, key);
    verifier.update(body, 0, body.length);
    return verifier.verifySignature(signature);
  }

  /** The 64 signature bytes, or null if the text is not standard base64 of 64 bytes. */
  static byte[] decodeSignature(String signatureBase64) {
    if (signatureBase64 == null || signatureBase64.length() != 88) {
      return null;
    }
    try {
      byte[] signature = Base64.getDecoder().decode(signatureBase64);
      return signature.length == SIGNATURE_BYTES ? signature : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * The lightweight key for a JCA key, or null if it is not Ed25519. Decoding a public key costs
   * about a tenth of a verification (it takes a square root on the curve), so decoded keys are
   * cached by their encoding: a node sends many heartbeats with one key.
   */
  private static Ed25519PublicKeyParameters publicParameters(PublicKey key) {
    byte[] der = key == null ? null : key.getEncoded();
    if (der == null) {
      return null;
    }
    ByteBuffer encoding = ByteBuffer.wrap(der);
    Ed25519PublicKeyParameters cached = DECODED_KEYS.get(encoding);
    if (cached != null) {
      return cached;
    }
    Ed25519PublicKeyParameters decoded;
    try {
      AsymmetricKeyParameter parameters =
          PublicKeyFactory.createKey(SubjectPublicKeyInfo.getInstance(der));
      if (!(parameters instanceof Ed25519PublicKeyParameters ed25519)) {
        return null;
      }
      decoded = ed25519;
    } catch (IOException | RuntimeException e) {
      return null;
    }
    if (DECODED_KEYS.size() >= MAX_CACHED_KEYS) {
      // Crude but bounded; it refills at one decode per node.
      DECODED_KEYS.clear();
    }
    DECODED_KEYS.put(encoding, decoded);
    return decoded;
  }

  private static Ed25519PrivateKeyParameters privateParameters(PrivateKey key) {
    byte[] der = key == null ? null : key.getEncoded();
    if (der != null) {
      try {
        AsymmetricKeyParameter parameters =
            PrivateKeyFactory.createKey(PrivateKeyInfo.getInstance(der));
        if (parameters instanceof Ed25519PrivateKeyParameters ed25519) {
          return ed25519;
        }
      } catch (IOException | RuntimeException e) {
        // Answered below like any other key type.
      }
    }
    throw UptimeMeshException.invalid("the heartbeat signing key is not an Ed25519 private key");
  }
}
