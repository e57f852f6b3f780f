package io.uptimemesh.web.identity;

import io.uptimemesh.core.error.ErrorCode;
import io.uptimemesh.core.error.UptimeMeshException;
import io.uptimemesh.core.identity.CaRecord;
import io.uptimemesh.core.pki.CaKeySealer;
import io.uptimemesh.core.pki.ClusterCa;
import io.uptimemesh.core.pki.Pem;
import io.uptimemesh.etcd.CacheSnapshot;
import io.uptimemesh.etcd.EtcdStore;
import io.uptimemesh.etcd.WatchCache;
import java.util.Optional;

/**
 * The cluster CA of this core node: read from etcd, its private key unsealed with
 * CLUSTER_SIGNING_KEY once and kept in memory (never written anywhere in clear).
 */
public final class ClusterAuthority {
  private final EtcdStore store;
  private final WatchCache cache;
  private final String signingKey;
  private volatile Loaded loaded;

  private record Loaded(long modRevision, ClusterCa ca) {}

  public ClusterAuthority(EtcdStore store, WatchCache cache, String signingKey) {
    this.store = store;
    this.cache = cache;
    this.signingKey = signingKey;
  }

  /** The CA record as cached, if the cluster is bootstrapped. */
  public Optional<CaRecord> record() {
    return cache
        .snapshot()
        .get(store.layout().clusterCa())
        .map(e -> store.decode(e, CaRecord.class).value());
  }

  /**
   * The CA certificate (no private key needed: verifying is all heartbeats do).
   *
   * @throws UptimeMeshException 409 if the cluster is not bootstrapped
   */
  public java.security.cert.X509Certificate certificate() {
    return ca().certificate();
  }

  /**
   * The CA with its private key.
   *
   * @throws UptimeMeshException 409 if the cluster is not bootstrapped; internal if the key cannot
   *     be unsealed (another CLUSTER_SIGNING_KEY)
   */
  public ClusterCa ca() {
    CacheSnapshot.Entry entry =
        cache
            .snapshot()
            .get(store.layout().clusterCa())
            .orElseThrow(
                () ->
                    new UptimeMeshException(
                        ErrorCode.CONFLICT,
                        "the cluster is not bootstrapped yet: run uptimemesh bootstrap"));
    Loaded current = loaded;
    if (current != null && current.modRevision() == entry.modRevision()) {
      return current.ca();
    }
    CaRecord record = store.decode(entry, CaRecord.class).value();
    ClusterCa ca =
        new ClusterCa(
            Pem.parseCertificate(record.certificatePem()),
            CaKeySealer.unseal(record.sealedKey(), signingKey));
    loaded = new Loaded(entry.modRevision(), ca);
    return ca;
  }
}
