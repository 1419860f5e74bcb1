package dev.replyd.faults;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * SoakTries - the try count of a jqwik property in the long run: the property's own {@code tries} in
 * the default suite, {@link #value()} under {@code -Dreplyd.soak=true} ({@code scripts/test --soak}),
 * so one property serves both runs.
 *
 * <p>Thread-safety: the hook is stateless.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@AddLifecycleHook(SoakTries.Hook.class)
@interface SoakTries {

  /** How many tries the property makes in the long run. */
  int value();

  /** Sets the property's tries to {@link SoakTries#value()} before it runs, when the long run is on. */
  final class Hook implements AroundPropertyHook {
    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
      if (Soak.ON) {
        context.findAnnotation(SoakTries.class).ifPresent(soak -> context.attributes().setTries(soak.value()));
      }
      return property.execute();
    }
  }
}
