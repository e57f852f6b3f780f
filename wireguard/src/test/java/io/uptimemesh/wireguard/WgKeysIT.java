package io.uptimemesh.wireguard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Our keys against the real {@code wg} tool, both ways. */
class WgKeysIT {
  private final CommandRunner commands = CommandRunner.direct();

  @Test
  void wgPubkeyOfOurPrivateKeyIsOurPublicKey() {
    for (int i = 0; i < 20; i++) {
      WgKeyPair pair = WgKeys.generate();

      String theirs =
          commands.runWithInput(pair.privateKey().reveal() + "\n", "wg", "pubkey").stdout();

      assertThat(theirs.strip()).isEqualTo(pair.publicKey().base64());
    }
  }

  @Test
  void ourPublicKeyOfWgGenkeysPrivateKeyIsWgPubkeys() {
    for (int i = 0; i < 20; i++) {
      String privateText = commands.run("wg", "genkey").stdout().strip();
      String theirs = commands.runWithInput(privateText + "\n", "wg", "pubkey").stdout().strip();

      WgPrivateKey parsed = WgPrivateKey.parse(privateText);

      assertThat(parsed.reveal()).isEqualTo(privateText);
      assertThat(parsed.publicKey().base64()).isEqualTo(theirs);
    }
  }
}
