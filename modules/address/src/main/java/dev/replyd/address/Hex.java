package dev.replyd.address;

/**
 * Lowercase hex encoding and case-insensitive decoding.
 *
 * <p>Decoding runs over attacker-supplied text only and branches on its characters, never on secret data,
 * so it does not weaken the constant-time comparison that follows it.
 *
 * <p>Thread-safety: stateless.
 */
final class Hex {

    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {
    }

    static String encode(byte[] bytes, int length) {
        char[] hex = new char[length * 2];
        for (int i = 0; i < length; i++) {
            hex[2 * i] = DIGITS[(bytes[i] >> 4) & 0xf];
            hex[2 * i + 1] = DIGITS[bytes[i] & 0xf];
        }
        return new String(hex);
    }

    /** Decodes an even number of hex digits in either case; null if any character is not a hex digit. */
    static byte[] decode(String hex) {
        if (hex.length() % 2 != 0) {
            return null;
        }
        byte[] bytes = new byte[hex.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            int high = digit(hex.charAt(2 * i));
            int low = digit(hex.charAt(2 * i + 1));
            if (high < 0 || low < 0) {
                return null;
            }
            bytes[i] = (byte) ((high << 4) | low);
        }
        return bytes;
    }

    private static int digit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
