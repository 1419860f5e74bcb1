package dev.replyd.maildir;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The one header-section reader: raw fields, the trace prefix set aside, and the Postfix-like size limits. */
class HeaderSectionTest {

    @Test
    void theHeaderSectionKeepsFoldedFieldsRawAndStopsAtTheEmptyLine() throws IOException {
        ByteArrayInputStream in = stream("From: a@example.com\r\nSubject: one\r\n\ttwo\r\nsubject : three\r\n"
                + "\r\nbody line\r\n");

        HeaderSection headers = HeaderSection.read(in, StandardCharsets.UTF_8);

        assertThat(headers.fields()).containsExactly(
                "From: a@example.com", "Subject: one\r\n\ttwo", "subject : three");
        assertThat(headers.fields("SUBJECT")).containsExactly("Subject: one\r\n\ttwo", "subject : three");
        assertThat(headers.cut()).isNull();
        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("body line\r\n");
    }

    @Test
    void bareLineFeedsReadAsCrlfAndTheBodyStartsAfterTheEmptyLine() throws IOException {
        ByteArrayInputStream in = stream("From: a@example.com\nSubject: one\n two\n\nbody\n");

        HeaderSection headers = HeaderSection.read(in, StandardCharsets.UTF_8);

        assertThat(headers.fields()).containsExactly("From: a@example.com", "Subject: one\r\n two");
        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("body\n");
    }

    @Test
    void onlyReplydsLeadingTraceFieldsAreSetAside() throws IOException {
        HeaderSection headers = HeaderSection.read(stream("Return-Path: <a@example.com>\r\nDelivered-To: r@x\r\n"
                + "Received: from ours\r\nReceived: from theirs\r\nReturn-Path: <forged@example.com>\r\n"
                + "From: a@example.com\r\n\r\n"), StandardCharsets.UTF_8);

        assertThat(headers.withoutReplydTrace().fields()).containsExactly(
                "Received: from theirs", "Return-Path: <forged@example.com>", "From: a@example.com");
        HeaderSection plain = HeaderSection.read(stream("Received: from theirs\r\nFrom: a@example.com\r\n\r\n"),
                StandardCharsets.UTF_8);
        assertThat(plain.withoutReplydTrace().fields()).hasSize(2);
    }

    @Test
    void aFieldFoldedOverManyLinesIsCutAtTheFieldLimitAndTheRestOfTheMessageIsIntact() throws IOException {
        StringBuilder message = new StringBuilder("Subject: start\r\n");
        for (int i = 0; i < 300_000; i++) {
            message.append(" x").append(i).append("\r\n");
        }
        message.append("Message-ID: <after@example.org>\r\n\r\nbody\r\n");
        ByteArrayInputStream in = stream(message.toString());

        HeaderSection headers = HeaderSection.read(in, StandardCharsets.UTF_8);

        assertThat(headers.fields()).hasSize(2);
        assertThat(headers.fields().get(0)).hasSizeBetween(HeaderSection.MAX_FIELD_BYTES - 16, HeaderSection.MAX_FIELD_BYTES)
                .startsWith("Subject: start\r\n x0").doesNotEndWith("\n");
        assertThat(headers.fields("Message-ID")).containsExactly("Message-ID: <after@example.org>");
        assertThat(headers.cut()).isEqualTo("cut field Subject at 102400 bytes");
        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("body\r\n");
    }

    @Test
    void fieldsBeyondTheSectionLimitAreDiscardedAndCounted() throws IOException {
        StringBuilder message = new StringBuilder();
        String filler = "X-Filler: " + "f".repeat(1000);
        int fillers = HeaderSection.MAX_SECTION_BYTES / (filler.length() + 2) + 1;
        for (int i = 0; i < fillers; i++) {
            message.append(filler).append("\r\n");
        }
        message.append("From: second@attacker.example\r\n\r\nbody\r\n");
        ByteArrayInputStream in = stream(message.toString());

        HeaderSection headers = HeaderSection.read(in, StandardCharsets.UTF_8);

        assertThat(headers.fields("From")).isEmpty();
        assertThat(headers.cut()).isEqualTo("cut fields after the first 1048576 bytes of the header section");
        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("body\r\n");
    }

    @Test
    void unfoldingRemovesLineBreaksBeforeBlanksOnly() {
        assertThat(HeaderSection.unfold("a\r\n b\r\n\tc\nd\r\n e")).isEqualTo("a b\tc\nd e");
        assertThat(HeaderSection.unfoldedValue("Subject: one\r\n two")).isEqualTo(" one two");
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
