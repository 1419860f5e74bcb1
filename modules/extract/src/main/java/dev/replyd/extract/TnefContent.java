package dev.replyd.extract;

import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.swing.text.BadLocationException;
import javax.swing.text.Document;
import javax.swing.text.rtf.RTFEditorKit;
import org.apache.poi.hmef.Attachment;
import org.apache.poi.hmef.HMEFMessage;
import org.apache.poi.hmef.attribute.MAPIAttribute;
import org.apache.poi.hmef.attribute.MAPIStringAttribute;
import org.apache.poi.hmef.attribute.TNEFAttribute;
import org.apache.poi.hmef.attribute.TNEFProperty;
import org.apache.poi.hsmf.datatypes.MAPIProperty;
import org.apache.poi.util.LittleEndian;

/**
 * What an Outlook {@code winmail.dat} part ({@code application/ms-tnef}, Transport Neutral Encapsulation Format)
 * holds: the message body and the attachments, read with Apache POI's HMEF.
 *
 * <p>Contract: {@link #of} returns empty for a part that is not TNEF (by content type {@code application/ms-tnef}
 * or {@code application/vnd.ms-tnef}, or the file name {@code winmail.dat}) and for one HMEF cannot read; the caller
 * then keeps the part as an ordinary attachment, so nothing is lost. Otherwise: {@link #plain()} is the MAPI plain
 * body ({@code PR_BODY}), {@link #html()} the MAPI HTML body ({@code PR_HTML}, decoded with the message's code page,
 * Windows-1252 by default); when neither is present the compressed RTF body ({@code PR_RTF_COMPRESSED}) rendered as
 * plain text by the JDK's RTF reader becomes {@link #plain()}; that reader takes {@code \'xx} as ISO-8859-1, so in an
 * RTF body in code page 1252 (RTF's default for {@code \ansi}, and Outlook's for western languages) the characters
 * it turns into C1 controls (U+0080 to U+009F) are put back as the quotes, dashes and euro sign they are.
 * {@link #attachments()} are MIME parts with the attachment's long file name (else its 8.3 name), its MIME tag (else
 * {@code application/octet-stream}) and its bytes; embedded messages and OLE objects without contents are skipped.
 *
 * <p>Bounds: the part is already within the SMTP size limit; HMEF refuses records longer than its own limit (POI's
 * {@code IOUtils} maximum) instead of allocating them. Any exception from a hostile file is caught here.
 *
 * <p>Thread-safety: immutable; {@link #of} keeps no state.
 */
final class TnefContent {

    private static final String WINMAIL = "winmail.dat";
    private static final int DEFAULT_CODE_PAGE = 1252;
    private static final Pattern ANSI_CODE_PAGE = Pattern.compile("\\\\ansicpg(\\d+)");
    /** What Windows-1252 means by the bytes 0x80 to 0x9F, indexed from 0x80. */
    private static final String WINDOWS_1252_C1 = windows1252C1();

    private final String plain;
    private final String html;
    private final List<Part> attachments;

    private TnefContent(String plain, String html, List<Part> attachments) {
        this.plain = plain;
        this.html = html;
        this.attachments = List.copyOf(attachments);
    }

    /** The TNEF content of {@code part}, or empty when it is not TNEF or cannot be read. */
    static Optional<TnefContent> of(Part part, ContentType type) {
        if (!isTnef(part, type)) {
            return Optional.empty();
        }
        try (InputStream in = part.getInputStream()) {
            HMEFMessage message = new HMEFMessage(in);
            String plain = plainBody(message);
            String html = htmlBody(message);
            if (plain == null && html == null) {
                plain = rtfAsText(message.getBody());
            }
            List<Part> parts = new ArrayList<>();
            for (Attachment attachment : message.getAttachments()) {
                byte[] contents = attachment.getContents();
                if (contents != null) {
                    parts.add(mimePart(attachment, contents));
                }
            }
            return Optional.of(new TnefContent(plain, html, parts));
        } catch (IOException | MessagingException | RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    /** The plain body, or null. */
    String plain() {
        return plain;
    }

    /** The HTML body, or null. */
    String html() {
        return html;
    }

    /** The attachments, in the order Outlook stored them. */
    List<Part> attachments() {
        return attachments;
    }

    private static boolean isTnef(Part part, ContentType type) {
        String base = type.getBaseType().toLowerCase(Locale.ROOT);
        if (base.equals("application/ms-tnef") || base.equals("application/vnd.ms-tnef")) {
            return true;
        }
        try {
            return WINMAIL.equalsIgnoreCase(part.getFileName());
        } catch (MessagingException unreadableName) {
            return false;
        }
    }

    private static String plainBody(HMEFMessage message) {
        MAPIAttribute body = message.getMessageMAPIAttribute(MAPIProperty.BODY);
        String text = body == null ? null : MAPIStringAttribute.getAsString(body);
        return text == null || text.isBlank() ? null : text;
    }

    private static String htmlBody(HMEFMessage message) {
        MAPIAttribute html = message.getMessageMAPIAttribute(MAPIProperty.BODY_HTML);
        if (html == null) {
            return null;
        }
        String text = new String(html.getData(), codePage(message));
        return text.isBlank() ? null : text;
    }

    /** The message's code page: the TNEF OEM code page, else MAPI's internet code page, else Windows-1252. */
    private static Charset codePage(HMEFMessage message) {
        TNEFAttribute oem = message.getMessageAttribute(TNEFProperty.ID_OEMCODEPAGE);
        MAPIAttribute internet = message.getMessageMAPIAttribute(MAPIProperty.INTERNET_CPID);
        int codePage = DEFAULT_CODE_PAGE;
        if (oem != null && oem.getData().length >= 4) {
            codePage = LittleEndian.getInt(oem.getData());
        } else if (internet != null && internet.getData().length >= 4) {
            codePage = LittleEndian.getInt(internet.getData());
        }
        String name = switch (codePage) {
            case 65001 -> "UTF-8";
            case 20127 -> "US-ASCII";
            case 1200 -> "UTF-16LE";
            default -> "windows-" + codePage;
        };
        try {
            return Charset.forName(name);
        } catch (RuntimeException unknown) {
            try {
                return Charset.forName("x-windows-" + codePage);
            } catch (RuntimeException stillUnknown) {
                return Charset.forName("windows-1252");
            }
        }
    }

    /** Plain text of an RTF body, or null when there is none or the JDK's reader cannot read it. */
    private static String rtfAsText(String rtf) {
        if (rtf == null || rtf.isBlank()) {
            return null;
        }
        try {
            RTFEditorKit kit = new RTFEditorKit();
            Document document = kit.createDefaultDocument();
            kit.read(new StringReader(rtf), document, 0);
            String text = windows1252Punctuation(document.getText(0, document.getLength()), rtf);
            return text.isBlank() ? null : text;
        } catch (IOException | BadLocationException | RuntimeException unreadable) {
            return null;
        }
    }

    /**
     * {@code text} with U+0080 to U+009F read as the Windows-1252 bytes 0x80 to 0x9F, unless the RTF names another
     * code page; the bytes 1252 leaves undefined stay as they are.
     */
    private static String windows1252Punctuation(String text, String rtf) {
        Matcher codePage = ANSI_CODE_PAGE.matcher(rtf);
        if (codePage.find() && !codePage.group(1).equals("1252")) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(c >= 0x80 && c <= 0x9F ? WINDOWS_1252_C1.charAt(c - 0x80) : c);
        }
        return out.toString();
    }

    private static String windows1252C1() {
        byte[] bytes = new byte[0x20];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (0x80 + i);
        }
        String decoded = new String(bytes, Charset.forName("windows-1252"));
        StringBuilder table = new StringBuilder(bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            char c = decoded.charAt(i);
            table.append(c == '\uFFFD' ? (char) (0x80 + i) : c);
        }
        return table.toString();
    }

    private static Part mimePart(Attachment attachment, byte[] contents) throws MessagingException {
        String name = attachment.getLongFilename() != null ? attachment.getLongFilename() : attachment.getFilename();
        MAPIAttribute tag = attachment.getMAPIAttribute(MAPIProperty.ATTACH_MIME_TAG);
        String mime = tag == null ? null : MAPIStringAttribute.getAsString(tag);
        String type = mime == null || mime.isBlank() ? "application/octet-stream" : mime.strip();
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(contents, type)));
        part.setHeader("Content-Type", type);
        if (name != null && !name.isBlank()) {
            part.setFileName(name.strip());
        }
        part.setDisposition(Part.ATTACHMENT);
        return part;
    }
}
