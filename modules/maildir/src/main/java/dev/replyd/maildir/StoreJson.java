package dev.replyd.maildir;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * StoreJson - the one Jackson configuration of the store's companion files: {@code NAME.reason.json}
 * ({@link FailureRecord}) and {@code NAME.retry.json} ({@link RetryState}).
 *
 * <p>CONTRACT: snake_case property names; nulls are written (readers see a stable shape); unknown
 * properties are ignored when reading, so a file written by a newer version stays readable (forward
 * compatibility). Times are ISO-8601 strings made by the callers, so no date module is needed.
 *
 * <p>THREAD-SAFETY: the mapper is configured once here and then only used, which Jackson documents as
 * thread-safe.
 */
final class StoreJson {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private StoreJson() {
    }

    /** Compact JSON; a record of plain fields always serialises. */
    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
    }

    /** Indented JSON, for files an operator reads. */
    static byte[] writePretty(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
    }
}
