package dev.replyd.faults;

import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * SoakOnly - a jqwik hook that skips a property unless {@code -Dreplyd.soak=true}: jqwik's try count
 * is an annotation constant, so each long run is a second property carrying this hook.
 *
 * <p>Thread-safety: stateless.
 */
final class SoakOnly implements SkipExecutionHook {
  @Override
  public SkipResult shouldBeSkipped(LifecycleContext context) {
    return Soak.ON ? SkipResult.doNotSkip() : SkipResult.skip("long run: needs -Dreplyd.soak=true (scripts/test --soak)");
  }
}
