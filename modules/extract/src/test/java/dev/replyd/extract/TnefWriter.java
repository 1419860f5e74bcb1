package dev.replyd.extract;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes an Outlook {@code winmail.dat} (a TNEF stream) for tests, following Microsoft's public specification
 * [MS-OXTNEF], so that no third-party TNEF file is needed.
 *
 * <p>Contract: {@link #toBytes()} is a TNEF stream: the signature {@code 0x223E9F78} and a legacy key, then the
 * message attributes ({@code attTnefVersion}, {@code attOemCodepage}, {@code attMessageClass} and
 * {@code attMsgProps} with the body as MAPI properties), then per attachment {@code attAttachRendData},
 * {@code attAttachTitle} (the 8.3 name), {@code attAttachData} (the bytes) and {@code attAttachment} (MAPI
 * properties: {@code PR_ATTACH_METHOD}, {@code PR_ATTACH_LONG_FILENAME}, {@code PR_ATTACH_MIME_TAG},
 * {@code PR_ATTACH_DATA_BIN}). Each attribute is its level byte, its id (type in the high word), its length, its data
 * and the checksum of the data (the sum of its bytes modulo 65536). The bodies are {@code PR_BODY}
 * ({@code PT_UNICODE}), {@code PR_HTML} ({@code PT_BINARY}, in the message's code page) and
 * {@code PR_RTF_COMPRESSED} in [MS-OXRTFCP]'s uncompressed form ({@code COMPTYPE} "MELA").
 *
 * <p>Failures: none beyond the JDK's; the writer does not check that what it is given makes sense to Outlook.
 *
 * <p>Thread-safety: a builder, for one thread.
 */
public final class TnefWriter {

    private static final int SIGNATURE = 0x223E9F78;
    private static final int LEVEL_MESSAGE = 0x01;
    private static final int LEVEL_ATTACHMENT = 0x02;

    // MAPI property types.
    private static final int PT_LONG = 0x0003;
    private static final int PT_STRING8 = 0x001E;
    private static final int PT_UNICODE = 0x001F;
    private static final int PT_BINARY = 0x0102;
    private static final int ATTACH_BY_VALUE = 1;

    /** The attributes written, each with the level it stands at; the id holds the atp* type in its high word. */
    private enum Attribute {
        TNEF_VERSION(LEVEL_MESSAGE, 0x00089006),
        OEM_CODEPAGE(LEVEL_MESSAGE, 0x00069007),
        MESSAGE_CLASS(LEVEL_MESSAGE, 0x00078008),
        MSG_PROPS(LEVEL_MESSAGE, 0x00069003),
        ATTACH_REND_DATA(LEVEL_ATTACHMENT, 0x00069002),
        ATTACH_TITLE(LEVEL_ATTACHMENT, 0x00018010),
        ATTACH_DATA(LEVEL_ATTACHMENT, 0x0006800F),
        ATTACHMENT(LEVEL_ATTACHMENT, 0x00069005);

        final int level;
        final int id;

        Attribute(int level, int id) {
            this.level = level;
            this.id = id;
        }
    }

    /** The MAPI properties written, each with the one type it is written in: together they are its tag. */
    private enum Property {
        BODY(0x1000, PT_UNICODE),
        RTF_COMPRESSED(0x1009, PT_BINARY),
        HTML(0x1013, PT_BINARY),
        ATTACH_DATA_BIN(0x3701, PT_BINARY),
        ATTACH_METHOD(0x3705, PT_LONG),
        ATTACH_LONG_FILENAME(0x3707, PT_UNICODE),
        ATTACH_MIME_TAG(0x370E, PT_STRING8);

        final int id;
        final int type;

        Property(int id, int type) {
            this.id = id;
            this.type = type;
        }

        byte[] tag() {
            return concat(le16(type), le16(id));
        }
    }

    /** [MS-OXRTFCP] COMPTYPE of an uncompressed RTF body: "MELA" read as a little-endian DWORD. */
    private static final int COMPTYPE_UNCOMPRESSED = 0x414C454D;

    private final int codePage;
    private final Charset charset;
    private String plain;
    private String html;
    private String rtf;
    private final List<Attachment> attachments = new ArrayList<>();

    private record Attachment(String name, String mimeTag, byte[] bytes) {
    }

    private TnefWriter(int codePage, Charset charset) {
        this.codePage = codePage;
        this.charset = charset;
    }

    /** A message in Windows-1252, Outlook's usual OEM code page for western languages. */
    public static TnefWriter message() {
        return new TnefWriter(1252, Charset.forName("windows-1252"));
    }

    /** A message in UTF-8 (code page 65001): its HTML body is written in UTF-8. */
    public static TnefWriter utf8Message() {
        return new TnefWriter(65001, StandardCharsets.UTF_8);
    }

    /** Sets {@code PR_BODY}, the plain body. */
    public TnefWriter plainBody(String text) {
        this.plain = text;
        return this;
    }

    /** Sets {@code PR_HTML}, the HTML body, encoded in the message's code page. */
    public TnefWriter htmlBody(String text) {
        this.html = text;
        return this;
    }

    /** Sets {@code PR_RTF_COMPRESSED}, the RTF body (ASCII RTF), stored uncompressed. */
    public TnefWriter rtfBody(String text) {
        this.rtf = text;
        return this;
    }

    /** Adds an attachment by value with its long file name, MIME tag (null: none) and bytes. */
    public TnefWriter attachment(String name, String mimeTag, byte[] bytes) {
        attachments.add(new Attachment(name, mimeTag, bytes.clone()));
        return this;
    }

    /** The TNEF stream. */
    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(le32(SIGNATURE));
        out.writeBytes(le16(0x0001));
        attribute(out, Attribute.TNEF_VERSION, le32(0x00010000));
        attribute(out, Attribute.OEM_CODEPAGE, concat(le32(codePage), le32(0)));
        attribute(out, Attribute.MESSAGE_CLASS, cString("IPM.Note", StandardCharsets.US_ASCII));
        List<byte[]> body = new ArrayList<>();
        if (plain != null) {
            body.add(variable(Property.BODY, cString(plain, StandardCharsets.UTF_16LE)));
        }
        if (html != null) {
            body.add(variable(Property.HTML, html.getBytes(charset)));
        }
        if (rtf != null) {
            body.add(variable(Property.RTF_COMPRESSED, uncompressedRtf(rtf)));
        }
        attribute(out, Attribute.MSG_PROPS, properties(body));
        for (Attachment attachment : attachments) {
            attribute(out, Attribute.ATTACH_REND_DATA, renderData());
            attribute(out, Attribute.ATTACH_TITLE,
                    cString(shortName(attachment.name()), StandardCharsets.US_ASCII));
            attribute(out, Attribute.ATTACH_DATA, attachment.bytes());
            List<byte[]> props = new ArrayList<>();
            props.add(concat(Property.ATTACH_METHOD.tag(), le32(ATTACH_BY_VALUE)));
            props.add(variable(Property.ATTACH_LONG_FILENAME,
                    cString(attachment.name(), StandardCharsets.UTF_16LE)));
            if (attachment.mimeTag() != null) {
                props.add(variable(Property.ATTACH_MIME_TAG,
                        cString(attachment.mimeTag(), StandardCharsets.US_ASCII)));
            }
            props.add(variable(Property.ATTACH_DATA_BIN, attachment.bytes()));
            attribute(out, Attribute.ATTACHMENT, properties(props));
        }
        return out.toByteArray();
    }

    /** One TNEF attribute: level, id, length, data, checksum. */
    private static void attribute(ByteArrayOutputStream out, Attribute attribute, byte[] data) {
        out.write(attribute.level);
        out.writeBytes(le32(attribute.id));
        out.writeBytes(le32(data.length));
        out.writeBytes(data);
        int checksum = 0;
        for (byte b : data) {
            checksum = (checksum + (b & 0xFF)) & 0xFFFF;
        }
        out.writeBytes(le16(checksum));
    }

    /** An attMsgProps / attAttachment value: the property count, then the properties. */
    private static byte[] properties(List<byte[]> properties) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(le32(properties.size()));
        properties.forEach(out::writeBytes);
        return out.toByteArray();
    }

    /** A variable-length property with one value: tag, value count 1, length, bytes padded to 4. */
    private static byte[] variable(Property property, byte[] value) {
        int padding = (4 - value.length % 4) % 4;
        return concat(property.tag(), le32(1), le32(value.length), value, new byte[padding]);
    }

    /** [MS-OXRTFCP] header (COMPSIZE, RAWSIZE, COMPTYPE "MELA", CRC 0 as uncompressed requires) and the raw RTF. */
    private static byte[] uncompressedRtf(String rtf) {
        byte[] raw = rtf.getBytes(StandardCharsets.US_ASCII);
        return concat(le32(raw.length + 12), le32(raw.length), le32(COMPTYPE_UNCOMPRESSED), le32(0), raw);
    }

    /** attAttachRendData for a file: attachment type 1, position unknown, no icon size, no flags. */
    private static byte[] renderData() {
        return concat(le16(0x0001), le32(0xFFFFFFFF), le16(0xFFFF), le16(0xFFFF), le32(0));
    }

    /** The 8.3 form Outlook puts in attAttachTitle, e.g. {@code MEETIN~1.TXT} for {@code meeting-notes.txt}. */
    private static String shortName(String name) {
        int dot = name.lastIndexOf('.');
        String base = (dot < 0 ? name : name.substring(0, dot)).replaceAll("[^A-Za-z0-9]", "");
        String ext = dot < 0 ? "" : name.substring(dot + 1).replaceAll("[^A-Za-z0-9]", "");
        if (base.length() > 8 || base.length() != (dot < 0 ? name.length() : dot)) {
            base = base.substring(0, Math.min(6, base.length())) + "~1";
        }
        ext = ext.substring(0, Math.min(3, ext.length()));
        return (ext.isEmpty() ? base : base + "." + ext).toUpperCase(Locale.ROOT);
    }

    private static byte[] cString(String text, Charset charset) {
        return (text + "\0").getBytes(charset);
    }

    private static byte[] le16(int value) {
        return new byte[] {(byte) value, (byte) (value >>> 8)};
    }

    private static byte[] le32(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
