package io.uptimemesh.core.identity;

/**
 * The cluster CA as stored in etcd: the certificate in clear, the private key sealed with a key
 * derived from {@code CLUSTER_SIGNING_KEY} (never in plaintext).
 *
 * @param certificatePem the CA certificate
 * @param sealedKey the private key, sealed (see {@code CaKeySealer})
 * @param pin SHA-256 of the certificate's DER, lower-case hex: what join tokens carry
 */
public record CaRecord(String certificatePem, String sealedKey, String pin) {}
