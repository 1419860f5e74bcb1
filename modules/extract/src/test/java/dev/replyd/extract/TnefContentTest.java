package dev.replyd.extract;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Outlook's {@code winmail.dat} in a message: its body and attachments come out as if Outlook had sent MIME. The
 * TNEF files are written by the tests' {@link TnefWriter} following Microsoft's specification [MS-OXTNEF].
 */
class TnefContentTest {

    private static final String RTF = "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fswiss Arial;}}"
            + "\\pard\\f0\\fs20 The logs and the report are attached.\\par\n"
            + "Restarting the worker fixed it \\'96 twice, \\'93for now\\'94.\\par\n}";
    private static final byte[] NOTES = "Stand-up, Tuesday\r\n- worker restarted\r\n- report sent\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PDF = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 0x0D, 'I', 'H', 'D', 'R'};

    /** Outlook's rich-text mail: an RTF body and three attachments, one of them without a MIME tag. */
    private static byte[] rtfWithAttachments() {
        return TnefWriter.message()
                .rtfBody(RTF)
                .attachment("meeting-notes.txt", "text/plain", NOTES)
                .attachment("report.pdf", "application/pdf", PDF)
                .attachment("screen shot.png", null, PNG)
                .toBytes();
    }

    private static byte[] htmlOnly() {
        return TnefWriter.message()
                .htmlBody("<html><body><p>This is the message body.</p></body></html>")
                .toBytes();
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

    private static byte[] bytes(Part part) throws Exception {
        try (InputStream in = part.getInputStream()) {
            return in.readAllBytes();
        }
    }

    private static String baseType(Part part) {
        try {
            return new ContentType(part.getContentType()).getBaseType();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> names(MessageBody body) throws Exception {
        List<String> names = new ArrayList<>();
        for (Part part : body.attachments()) {
            names.add(part.getFileName());
        }
        return names;
    }

    @Test
    void attachmentsInsideWinmailDatReplaceItWithTheirNamesTypesAndBytes() throws Exception {
        MessageBody body = message("Here are the files.", rtfWithAttachments(), "application/ms-tnef");

        assertThat(body.plain().orElseThrow()).startsWith("Here are the files.");
        assertThat(names(body)).containsExactly("meeting-notes.txt", "report.pdf", "screen shot.png");
        List<Part> parts = body.attachments();
        assertThat(parts).extracting(TnefContentTest::baseType)
                .containsExactly("text/plain", "application/pdf", "application/octet-stream");
        assertThat(bytes(parts.get(0))).isEqualTo(NOTES);
        assertThat(bytes(parts.get(1))).isEqualTo(PDF);
        assertThat(bytes(parts.get(2))).isEqualTo(PNG);
    }

    @Test
    void rtfBodyOfAWinmailDatWithoutOtherBodyBecomesThePlainText() throws Exception {
        MessageBody body = message(null, rtfWithAttachments(), "application/ms-tnef");

        assertThat(body.plain()).isPresent();
        assertThat(body.text()).contains(
                "The logs and the report are attached.\nRestarting the worker fixed it \u2013 twice, \u201cfor now\u201d.");
        assertThat(body.text()).doesNotContain("\\rtf", "Arial", "fonttbl");
    }

    @Test
    void htmlBodyOfAWinmailDatIsTheHtmlBody() throws Exception {
        MessageBody body = message(null, htmlOnly(), "application/vnd.ms-tnef");

        assertThat(body.html().orElseThrow()).contains("<p>This is the message body.</p>");
        assertThat(body.text()).contains("This is the message body.");
        assertThat(body.attachments()).isEmpty();
    }

    @Test
    void htmlBodyOfAUtf8WinmailDatIsDecodedWithItsCodePage() throws Exception {
        byte[] winmail = TnefWriter.utf8Message().htmlBody("<p>Gr\u00fc\u00dfe \u2013 na\u00efve caf\u00e9</p>").toBytes();

        MessageBody body = message(null, winmail, "application/ms-tnef");

        assertThat(body.text()).contains("Gr\u00fc\u00dfe \u2013 na\u00efve caf\u00e9");
    }

    @Test
    void plainBodyOfAWinmailDatIsThePlainText() throws Exception {
        byte[] winmail = TnefWriter.message().plainBody("Fixed in the nightly build, thanks \u2013 Bob").toBytes();

        MessageBody body = message(null, winmail, "application/ms-tnef");

        assertThat(body.plain().orElseThrow()).isEqualTo("Fixed in the nightly build, thanks \u2013 Bob");
        assertThat(body.html()).isEmpty();
        assertThat(body.attachments()).isEmpty();
    }

    @Test
    void truncatedWinmailDatIsKeptAsAnAttachment() throws Exception {
        byte[] whole = rtfWithAttachments();
        byte[] truncated = Arrays.copyOf(whole, whole.length - 40);

        MessageBody body = message("See attached.", truncated, "application/ms-tnef");

        assertThat(names(body)).containsExactly("winmail.dat");
        assertThat(bytes(body.attachments().get(0))).isEqualTo(truncated);
    }

    @Test
    void winmailDatWithAWrongSignatureIsKeptAsAnAttachment() throws Exception {
        byte[] wrong = htmlOnly();
        wrong[0] ^= 0x01;

        MessageBody body = message("See attached.", wrong, "application/ms-tnef");

        assertThat(body.html()).isEmpty();
        assertThat(names(body)).containsExactly("winmail.dat");
        assertThat(bytes(body.attachments().get(0))).isEqualTo(wrong);
    }

    @Test
    void extractedReplyOfATnefOnlyMessageIsItsBodyText() throws Exception {
        MessageBody body = message(null, htmlOnly(), "application/ms-tnef");

        ReplyText reply = new ReplyExtractor(ReplyExtractor.Settings.defaults()).extract(body);

        assertThat(reply.reply()).contains("This is the message body.");
    }
}
