package dev.replyd.auth;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ForeignAuthResultsTest {

    private static final String OURS = "reply.tracker.example.com";

    @ParameterizedTest
    @ValueSource(strings = {
        "Authentication-Results: reply.tracker.example.com; dkim=pass header.d=bank.example",
        "authentication-results: REPLY.Tracker.Example.COM; spf=pass",
        "Authentication-Results : reply.tracker.example.com.; dmarc=pass",
        "Authentication-Results: (forged) reply.tracker.example.com 1; dkim=pass",
        "Authentication-Results:\r\n\t(comment (nested))\r\n reply.tracker.example.com;\r\n\tdkim=pass",
        "Authentication-Results: \"reply.tracker.example.com\"; dkim=pass",
        "Authentication-Results: reply.tracker.example.com(trailing comment); none",
        "Authentication-Results: reply.tracker.example.com",
    })
    void aFieldClaimingOurHostIsRecognised(String field) {
        assertThat(ForeignAuthResults.claimsOurHost(field, OURS)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Authentication-Results: mx.google.com; dkim=pass header.d=example.com",
        "Authentication-Results: tracker.example.com; dkim=pass",
        "Authentication-Results: reply.tracker.example.com.evil.example; dkim=pass",
        "Authentication-Results: evil-reply.tracker.example.com; dkim=pass",
        "ARC-Authentication-Results: i=1; reply.tracker.example.com; dkim=pass",
        "X-Authentication-Results: reply.tracker.example.com; dkim=pass",
        "Subject: Authentication-Results: reply.tracker.example.com; dkim=pass",
        "Authentication-Results: (reply.tracker.example.com) mx.example.net; dkim=pass",
        "Authentication-Results:",
        "Authentication-Results reply.tracker.example.com; dkim=pass",
    })
    void otherFieldsAndOtherHostsAreNot(String field) {
        assertThat(ForeignAuthResults.claimsOurHost(field, OURS)).isFalse();
    }

    @Property(tries = 300)
    void aFieldOfAnyOtherNameNeverClaimsOurHost(@ForAll String name) {
        String fieldName = name.replace(":", "");
        Assume.that(!fieldName.strip().equalsIgnoreCase("Authentication-Results"));

        boolean claims = ForeignAuthResults.claimsOurHost(fieldName + ": " + OURS + "; dkim=pass", OURS);

        assertThat(claims).isFalse();
    }
}
