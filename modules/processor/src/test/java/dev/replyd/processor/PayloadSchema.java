package dev.replyd.processor;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** The committed JSON Schema of the webhook payload, {@code docs/webhook.schema.json}. */
final class PayloadSchema {

  static final Path FILE = Path.of("../../docs/webhook.schema.json");
  private static final JsonSchema SCHEMA = load();

  private PayloadSchema() {}

  private static JsonSchema load() {
    SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    try (InputStream in = Files.newInputStream(FILE)) {
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config);
    } catch (IOException e) {
      throw new UncheckedIOException("read " + FILE.toAbsolutePath(), e);
    }
  }

  /** The schema violations of {@code payload}; empty when it conforms. */
  static Set<ValidationMessage> violations(JsonNode payload) {
    return SCHEMA.validate(payload);
  }
}
