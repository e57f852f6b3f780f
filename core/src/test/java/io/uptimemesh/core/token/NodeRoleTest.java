package io.uptimemesh.core.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.uptimemesh.core.error.UptimeMeshException;
import org.junit.jupiter.api.Test;

class NodeRoleTest {

  @Test
  void wireNamesAreLowerCase() {
    assertThat(NodeRole.WORKER.wireName()).isEqualTo("worker");
    assertThat(NodeRole.CORE.wireName()).isEqualTo("core");
    assertThat(NodeRole.GATEWAY.wireName()).isEqualTo("gateway");
  }

  @Test
  void parsesWireNames() {
    assertThat(NodeRole.parse("worker")).isEqualTo(NodeRole.WORKER);
    assertThat(NodeRole.parse("core")).isEqualTo(NodeRole.CORE);
    assertThat(NodeRole.parse(" Gateway ")).isEqualTo(NodeRole.GATEWAY);
  }

  @Test
  void refusesUnknownRolesListingTheAllowedOnes() {
    assertThatThrownBy(() -> NodeRole.parse("master"))
        .isInstanceOf(UptimeMeshException.class)
        .hasMessage("unknown node role 'master'; allowed values: worker, core, gateway");
    assertThatThrownBy(() -> NodeRole.parse(null))
        .hasMessage("unknown node role; allowed values: worker, core, gateway");
    assertThatThrownBy(() -> NodeRole.parse("<script>"))
        .hasMessage("unknown node role; allowed values: worker, core, gateway");
  }
}
