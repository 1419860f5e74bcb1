package dev.replyd.extract;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Part;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Outlook's {@code winmail.dat} in a message: its body and attachments come out as if Outlook had sent MIME. The
 * TNEF files are genuine ones from Apache POI's test corpus ({@code src/test/resources/tnef/README.md}).
 */
class TnefContentTest {

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = TnefContentTest.class.getResourceAsStream("/tnef/" + name)) {
            return in.readAllBytes();
        }
    }

    /** A message as Outlook sends it: an optional plain part, then winmail.dat base64-encoded. */
    private static MessageBody message(String plain, byte[] winmail, String contentType) throws Exception {
        StringBuilder m = new StringBuilder("From: bob@example.org\nSubject: Re: Issue #9\nMIME-Version: 1.0\n"
                + "Content-Type: multipart/mixed; boundary=\"b1\"\n\n");
        if (plain != null) {
            m.append("--b1\nContent-Type: text/plain; charset=us-ascii\n\n").append(plain).append("\n");
        }
        m.append("--b1\nContent-Type: ").append(contentType).append("; name=\"winmail.dat\"\n")
                .append("Content-Disposition: attachment; filename=\"winmail.dat\"\n")
                .append("Content-Transfer-Encoding: base64\n\n")
                .append(Base64.getMimeEncoder(76, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(winmail))
                .append("\n--b1--\n");
        return MessageBody.read(new ByteArrayInputStream(m.toString().replace("\n", "\r\n")
                .getBytes(StandardCharsets.US_ASCII)));
    }

    private static List<String> names(MessageBody body) throws Exception {
        List<String> names = new ArrayList<>();
        for (Part part : body.attachments()) {
            names.add(part.getFileName());
        }
        return names;
    }

    @Test
    void attachmentsInsideWinmailDatReplaceItWithTheirNamesAndBytes() throws Exception {
        MessageBody body = message("Here are the files.", resource("quick-winmail.dat"), "application/ms-tnef");

        assertThat(body.plain().orElseThrow()).startsWith("Here are the files.");
        assertThat(names(body)).containsExactly("quick.doc", "quick.html", "quick.pdf", "quick.txt", "quick.xml");
        try (InputStream in = body.attachments().get(3).getInputStream()) {
            assertThat(in.readAllBytes()).isEqualTo(resource("quick.txt"));
        }
    }

    @Test
    void rtfBodyOfAWinmailDatWithoutOtherBodyBecomesThePlainText() throws Exception {
        MessageBody body = message(null, resource("quick-winmail.dat"), "application/ms-tnef");

        assertThat(body.plain()).isPresent();
        assertThat(body.text()).contains("These are five files.", "Five files from Hell!  (Well Outlook actually)");
        assertThat(body.text()).doesNotContain("\\rtf");
    }

    @Test
    void htmlBodyOfAWinmailDatIsTheHtmlBody() throws Exception {
        MessageBody body = message(null, resource("bug52400-winmail-simple.dat"), "application/vnd.ms-tnef");

        assertThat(body.html().orElseThrow()).contains("This is the message body.");
        assertThat(body.text()).contains("This is the message body.");
        assertThat(body.attachments()).isEmpty();
    }

    @Test
    void damagedWinmailDatIsKeptAsAnAttachment() throws Exception {
        byte[] truncated = Arrays.copyOf(resource("quick-winmail.dat"), 300);

        MessageBody body = message("See attached.", truncated, "application/ms-tnef");

        assertThat(names(body)).containsExactly("winmail.dat");
        try (InputStream in = body.attachments().get(0).getInputStream()) {
            assertThat(in.readAllBytes()).isEqualTo(truncated);
        }
    }

    @Test
    void extractedReplyOfATnefOnlyMessageIsItsBodyText() throws Exception {
        MessageBody body = message(null, resource("bug52400-winmail-simple.dat"), "application/ms-tnef");

        ReplyText reply = new ReplyExtractor(ReplyExtractor.Settings.defaults()).extract(body);

        assertThat(reply.reply()).contains("This is the message body.");
    }
}
