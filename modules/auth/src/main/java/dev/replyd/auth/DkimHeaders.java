package dev.replyd.auth;

import dev.replyd.maildir.HeaderSection;
import java.util.List;
import org.apache.james.jdkim.api.Headers;

/**
 * The header section of a stored message as jDKIM reads it: each field exactly as received.
 *
 * <p>Contract: a view of one {@link HeaderSection} (read by the one reader replyd has, in maildir), whose
 * fields are raw (name, colon, value, folds joined by CRLF, no final line break) and matched by name
 * ignoring ASCII case in the order they appear, which is what DKIM's bottom-up selection of signed fields
 * relies on (RFC 6376 5.4.2).
 *
 * <p>Encoding: the section must have been read in the JVM's default charset, because jDKIM hashes fields
 * with {@code String.getBytes()} in that charset: the round trip gives back the received bytes whenever
 * they are valid in it (under UTF-8, RFC 6532 headers too).
 *
 * <p>Thread-safety: immutable.
 */
final class DkimHeaders implements Headers {

    private final HeaderSection section;

    DkimHeaders(HeaderSection section) {
        this.section = section;
    }

    @Override
    public List<String> getFields() {
        return section.fields();
    }

    @Override
    public List<String> getFields(String name) {
        return section.fields(name);
    }
}
