package dev.replyd.processor;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * JsonMapping - the one Jackson configuration of the webhook payloads the processor posts (the
 * store's companion files, retry state and reason files, are maildir's: {@code StoreJson}).
 *
 * <p>CONTRACT: snake_case property names; nulls are written (Jackson's default inclusion; the
 * schema says which fields may be null, and receivers see a stable shape); unknown properties are ignored when reading
 * (forward compatibility, as mox's webhook package).
 * Times are ISO-8601 strings produced by the callers, so no date module is needed.
 *
 * <p>THREAD-SAFETY: the mapper is configured once here and then only used, which Jackson
 * documents as thread-safe.
 */
final class JsonMapping {

  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private JsonMapping() {}
}
