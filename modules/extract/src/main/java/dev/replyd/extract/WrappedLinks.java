package dev.replyd.extract;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.parser.Parser;

/**
 * Unwraps the links that mail security gateways rewrite into redirectors, so the tracker publishes the link the
 * person wrote rather than a redirector that (for Safe Links) embeds the recipient's address.
 *
 * <p>Contract: {@link #unwrap} replaces, anywhere in a text, each
 * <ul>
 * <li>Microsoft Defender for Office 365 Safe Links URL, {@code https://<region>.safelinks.protection.outlook.com/?url=
 * <percent-encoded URL>&data=...&sdata=...&reserved=0}, by the percent-decoded {@code url} parameter;</li>
 * <li>Proofpoint URL Defense v2 URL, {@code https://urldefense.proofpoint.com/v2/url?u=<encoded>&d=...&c=...&e=}, by
 * {@code u} with {@code -} read as {@code %} and {@code _} as {@code /}, then percent-decoded and HTML-unescaped;</li>
 * <li>Proofpoint URL Defense v3 URL, {@code https://urldefense.com/v3/__<url>__;<base64url>!<ids>$}, decoded by the
 * rules below.</li>
 * </ul>
 * v3 decoding, as Proofpoint's published decoder ({@code urldecoder.py}, help.proofpoint.com, "URL Defense
 * decoder") does it: the text between {@code __} and {@code __;} is the URL with some characters taken out; a
 * scheme written with a single slash ({@code https:/host}) gets its second slash back; it is percent-decoded; the
 * text between {@code ;} and the first {@code !} is base64url (padding optional) of the UTF-8 characters taken out,
 * in order; each {@code *} in the URL stands for the next one character, and each {@code **X} for the next run of
 * characters whose length {@code X} gives: {@code A}-{@code Z} 2-27, {@code a}-{@code z} 28-53,
 * {@code 0}-{@code 9} 54-63, {@code -} 64, {@code _} 65. Everything after the first {@code !} up to the closing
 * {@code $} identifies the recipient and the message, and is dropped.
 *
 * <p>A wrapped link whose payload does not decode (bad escapes or base64, more tokens than characters, a result that
 * is not an {@code http}, {@code https} or {@code mailto} URL, or one with spaces or control characters) is left as
 * it was: keeping a redirector is better than losing the text. A link wrapped twice (Safe Links around URL Defense)
 * is unwrapped twice; at most {@value #MAX_PASSES} passes are made.
 *
 * <p>Bounds: the patterns match in linear time and run over text the extractor already bounded in size.
 *
 * <p>Thread-safety: stateless.
 */
final class WrappedLinks {

    static final int MAX_PASSES = 3;

    private static final Pattern SAFE_LINKS = Pattern.compile(
            "https?://[A-Za-z0-9.-]*\\.safelinks\\.protection\\.outlook\\.com/?\\?(?:[^\\s<>\"'&]*&)*?url=([^\\s<>\"'&]+)"
                    + "[^\\s<>\"']*", Pattern.CASE_INSENSITIVE);
    private static final Pattern URL_DEFENSE_V2 = Pattern.compile(
            "https?://urldefense\\.proofpoint\\.com/v2/url\\?u=([^\\s<>\"'&]+)[^\\s<>\"']*", Pattern.CASE_INSENSITIVE);
    private static final Pattern URL_DEFENSE_V3 = Pattern.compile(
            "https?://urldefense(?:\\.proofpoint)?\\.com/v3/__(\\S+?)__;([A-Za-z0-9_=-]*)![^\\s<>\"'$]*\\$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern SINGLE_SLASH = Pattern.compile("^([a-z0-9+.-]+:/)([^/].+)", Pattern.CASE_INSENSITIVE);
    private static final Pattern RESULT = Pattern.compile("(?i)(https?://|mailto:)[^\\s\\p{Cntrl}]+");
    private static final String RUN_LENGTHS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private WrappedLinks() {
    }

    /** The text with every wrapped link it can decode replaced by the original link. */
    static String unwrap(String text) {
        if (text == null || !mightContainWrappedLinks(text)) {
            return text;
        }
        String current = text;
        for (int pass = 0; pass < MAX_PASSES; pass++) {
            String next = replace(URL_DEFENSE_V3, replace(URL_DEFENSE_V2, replace(SAFE_LINKS, current, Kind.SAFE_LINKS),
                    Kind.V2), Kind.V3);
            if (next.equals(current)) {
                break;
            }
            current = next;
        }
        return current;
    }

    private enum Kind { SAFE_LINKS, V2, V3 }

    private static boolean mightContainWrappedLinks(String text) {
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        return lower.contains("safelinks.protection.outlook.com") || lower.contains("urldefense");
    }

    private static String replace(Pattern pattern, String text, Kind kind) {
        Matcher m = pattern.matcher(text);
        StringBuilder out = null;
        int last = 0;
        while (m.find()) {
            String decoded = switch (kind) {
                case SAFE_LINKS -> percentDecode(m.group(1));
                case V2 -> v2(m.group(1));
                case V3 -> v3(m.group(1), m.group(2));
            };
            if (decoded == null || !RESULT.matcher(decoded).matches()) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length());
            }
            out.append(text, last, m.start()).append(decoded);
            last = m.end();
        }
        return out == null ? text : out.append(text, last, text.length()).toString();
    }

    private static String v2(String encoded) {
        String percent = encoded.replace('-', '%').replace('_', '/');
        String decoded = percentDecode(percent);
        return decoded == null ? null : Parser.unescapeEntities(decoded, false);
    }

    private static String v3(String embedded, String base64) {
        Matcher slash = SINGLE_SLASH.matcher(embedded);
        String url = slash.matches() ? slash.group(1) + "/" + slash.group(2) : embedded;
        url = percentDecode(url);
        if (url == null) {
            return null;
        }
        int[] taken;
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(base64.replace("=", ""));
            taken = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString().codePoints().toArray();
        } catch (IllegalArgumentException | CharacterCodingException notBase64OrUtf8) {
            return null;
        }
        StringBuilder out = new StringBuilder(url.length() + taken.length);
        int marker = 0;
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c != '*') {
                out.append(c);
                continue;
            }
            int run = 1;
            if (i + 2 < url.length() && url.charAt(i + 1) == '*') {
                int index = RUN_LENGTHS.indexOf(url.charAt(i + 2));
                if (index < 0) {
                    return null;
                }
                run = index + 2;
                i += 2;
            }
            if (marker + run > taken.length) {
                return null;
            }
            for (int k = 0; k < run; k++) {
                out.appendCodePoint(taken[marker++]);
            }
        }
        return out.toString();
    }

    /** RFC 3986 percent-decoding as UTF-8 ({@code +} stays {@code +}); null for a bad escape or bad UTF-8. */
    private static String percentDecode(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length()) {
                    return null;
                }
                int hi = Character.digit(text.charAt(i + 1), 16);
                int lo = Character.digit(text.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                int codePoint = text.codePointAt(i);
                byte[] encoded = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
                i += Character.charCount(codePoint) - 1;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException badUtf8) {
            return null;
        }
    }
}
