package io.uptimemesh.testkit.lxd;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class the JVM's {@link LxdLab}: started (or reused) before the class's first test,
 * let go when the whole test run of this JVM ends, so that several classes share one daemon.
 *
 * <pre>
 * {@literal @}RegisterExtension
 * static final LxdLabExtension lxd = new LxdLabExtension();
 * ... LxdClientOptions.of(lxd.lab().socket()) ...
 * </pre>
 */
public final class LxdLabExtension implements BeforeAllCallback {
  private LxdLab lab;

  @Override
  public void beforeAll(ExtensionContext context) {
    lab = LxdLab.shared();
    // The root store closes its AutoCloseable values once, when the run ends.
    context
        .getRoot()
        .getStore(ExtensionContext.Namespace.create(LxdLabExtension.class))
        .getOrComputeIfAbsent("lab", k -> (AutoCloseable) lab::close, AutoCloseable.class);
  }

  public LxdLab lab() {
    if (lab == null) {
      throw new IllegalStateException("the LXD lab starts before the test class's first test");
    }
    return lab;
  }
}
