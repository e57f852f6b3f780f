package io.uptimemesh.core.pki;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;

/** Distinguished names of the cluster's certificates. */
final class Names {

  private Names() {}

  /**
   * Builds a name with a single CN. The value is set as a typed attribute, never parsed from a
   * string, so a node id containing {@code ,} or {@code =} cannot add attributes.
   *
   * @param commonName the CN
   * @return {@code CN=commonName}
   */
  static X500Name commonName(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
  }
}
