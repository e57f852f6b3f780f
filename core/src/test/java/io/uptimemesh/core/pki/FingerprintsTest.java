package io.uptimemesh.core.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FingerprintsTest {

  @Test
  void hashesBytesAsLowerCaseHex() {
    // FIPS 180-2 example: SHA-256("abc").
    assertThat(Fingerprints.sha256("abc".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(Fingerprints.sha256(new byte[0]))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void fingerprintsACertificateOverItsDer() throws Exception {
    var cert = ClusterCa.generate("c1", Duration.ofDays(1), Instant.now()).certificate();

    assertThat(Fingerprints.sha256(cert))
        .hasSize(64)
        .isEqualTo(Fingerprints.sha256(cert.getEncoded()))
        .isEqualTo(Fingerprints.sha256(Pem.parseCertificate(Pem.certificate(cert))));
  }
}
