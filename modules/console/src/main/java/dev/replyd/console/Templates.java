package dev.replyd.console;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;

/**
 * The console's jte templates (src/main/jte), compiled to Java at build time by jte-maven-plugin.
 *
 * <p>Contract: {@link #render} renders the named template with its one parameter. The content type is
 * {@link ContentType#Html}: every {@code ${}} is escaped for its context (text, attribute), so message text
 * cannot become markup; the templates never use the unescaped {@code $unsafe{}} form.
 *
 * <p>Thread-safety: the precompiled engine is thread-safe.
 */
final class Templates {
  private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

  String render(String template, Object model) {
    StringOutput out = new StringOutput();
    engine.render(template, model, out);
    return out.toString();
  }
}
