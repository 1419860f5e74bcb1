package dev.replyd.processor;

import dev.replyd.address.ReplyToken;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The payload's {@code message_key}: the same for one message however many replyd nodes received it,
 * so the main app can post a reply once when a sender retried on another MX after losing a
 * {@code 250} (the first node then has a copy too).
 *
 * <p>Contract: lowercase hex SHA-256 over, in this order and each length-prefixed (so no two inputs
 * collide by shifting a boundary): a version tag, the Message-ID, the Date header, the reply
 * address's canonical kind/thread/user (its signature and letter case do not matter), and a SHA-256
 * of the full text and of the HTML part. All of these come from the sender's bytes, none from a
 * node (trace headers, file name and time of arrival differ between nodes and are left out). A
 * missing header counts as empty: two replies with neither Message-ID nor Date, the same text, to
 * the same thread from the same user get one key, which is what a retry looks like too.
 * {@code delivery_id} stays per node and per copy.
 *
 * <p>Thread-safety: stateless.
 */
final class MessageKey {

    private static final String VERSION = "replyd-message-key-v1";

    private MessageKey() {
    }

    static String of(String messageId, String date, ReplyToken token, String fullText, String html) {
        MessageDigest body = sha256();
        update(body, fullText);
        update(body, html);
        MessageDigest key = sha256();
        update(key, VERSION);
        update(key, messageId == null ? null : messageId.strip());
        update(key, date == null ? null : date.strip());
        update(key, token.kind() + "-" + token.thread() + "-" + token.user());
        update(key, HexFormat.of().formatHex(body.digest()));
        return HexFormat.of().formatHex(key.digest());
    }

    private static void update(MessageDigest digest, String value) {
        byte[] bytes = value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8);
        digest.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
        digest.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every Java platform has SHA-256", impossible);
        }
    }
}
