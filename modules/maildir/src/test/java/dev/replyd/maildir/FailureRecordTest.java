package dev.replyd.maildir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reason file: its wire format stays readable both ways, and one record serves every reader. */
class FailureRecordTest {

    /** A reason file as replyd wrote it before the sender, Message-ID and subject were kept together. */
    private static final String OLDER_REASON_FILE = """
            {
              "reason" : "callback_rejected",
              "detail" : "main app answered HTTP 403: thread is locked",
              "at" : "2026-11-28T10:00:02Z",
              "delivery_id" : "1764324000.M1P1Q1.mx",
              "message_id" : "<a1@example.org>",
              "attempts" : 1,
              "first_attempt_at" : "2026-11-28T10:00:01Z",
              "last_attempt_at" : "2026-11-28T10:00:01Z",
              "history" : [ {
                "at" : "2026-11-28T10:00:01Z",
                "duration_ms" : 12,
                "status" : 403,
                "error" : null,
                "body_excerpt" : "thread is locked"
              } ]
            }
            """;

    @Test
    void aReasonFileWrittenBeforeTheAddedFieldsReadsWithThemAbsent() throws IOException {
        FailureRecord record = FailureRecord.fromJson(OLDER_REASON_FILE.getBytes(StandardCharsets.UTF_8));

        assertThat(record.reason()).isEqualTo("callback_rejected");
        assertThat(record.deliveryId()).isEqualTo("1764324000.M1P1Q1.mx");
        assertThat(record.messageId()).isEqualTo("<a1@example.org>");
        assertThat(record.history()).singleElement().satisfies(attempt -> {
            assertThat(attempt.status()).isEqualTo(403);
            assertThat(attempt.describe()).isEqualTo("HTTP 403");
        });
        assertThat(record.envelopeSender()).isNull();
        assertThat(record.subject()).isNull();
    }

    @Test
    void theWrittenFileKeepsEveryExistingFieldNameAndAddsSenderAndSubject() throws IOException {
        RetryState state = RetryState.none()
                .withAttempt(new CallbackAttempt("2026-11-28T10:00:01Z", 12, 403, null, "thread is locked"));

        FailureRecord record = FailureRecord.of(FailureReason.CALLBACK_REJECTED, "main app answered HTTP 403",
                Instant.parse("2026-11-28T10:00:02Z"), "1764324000.M1P1Q1.mx", state, "", "<a1@example.org>",
                "Re: Issue #42");
        JsonNode json = StoreJson.MAPPER.readTree(record.toJson());

        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("reason", "detail", "at", "delivery_id", "message_id", "attempts",
                "first_attempt_at", "last_attempt_at", "history", "envelope_sender", "subject");
        assertThat(json.get("envelope_sender").asText()).as("the null sender <>").isEmpty();
        assertThat(json.get("last_attempt_at").asText()).isEqualTo("2026-11-28T10:00:01Z");
        assertThat(json.at("/history/0/body_excerpt").asText()).isEqualTo("thread is locked");
        assertThat(FailureRecord.fromJson(record.toJson())).isEqualTo(record);
        assertThat(record.withoutSubject().subject()).isNull();
        assertThat(record.withoutSubject().envelopeSender()).isEmpty();
    }

    @Test
    void aFileThatIsNoReasonFileIsAnIoException() {
        assertThatThrownBy(() -> FailureRecord.fromJson("{\"attempts\": 3}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class).hasMessage("not a reason file: no \"reason\" field");
        assertThatThrownBy(() -> FailureRecord.fromJson("{\"reason\": ".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
    }

    @Test
    void theReasonsKeepTheirWireNames() {
        assertThat(Arrays.stream(FailureReason.values()).map(FailureReason::wireName)).containsExactly(
                "invalid_token", "unknown_kind", "auto_reply", "empty_reply", "unparseable", "too_large",
                "callback_rejected", "retries_exhausted", "unauthenticated", "deadline_exceeded");
    }
}
