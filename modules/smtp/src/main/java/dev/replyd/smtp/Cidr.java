package dev.replyd.smtp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}); a bare
 * address means that one host ({@code /32} or {@code /128}).
 *
 * <p>Contract: {@link #parse} accepts address literals only (no names: no DNS lookup ever happens)
 * and throws {@link IllegalArgumentException} with the text and what was expected. An IPv4 network
 * also matches the IPv4-mapped IPv6 form of its addresses ({@code ::ffff:10.1.2.3}), which is how a
 * dual-stack socket reports an IPv4 peer. Bits after the prefix are ignored ({@code 10.1.2.3/8} is
 * {@code 10.0.0.0/8}).
 *
 * <p>Thread-safety: immutable.
 */
final class Cidr {

    private final byte[] network;
    private final int prefix;
    private final String text;

    private Cidr(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    static Cidr parse(String value) {
        String text = value == null ? "" : value.strip();
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        if (!isAddressLiteral(host)) {
            throw new IllegalArgumentException("\"" + text + "\" is not a CIDR (expected: address/prefix such as"
                    + " 10.0.0.0/8 or 2001:db8::/32, or a single address)");
        }
        byte[] address;
        try {
            address = InetAddress.getByName(host).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not a CIDR (expected: address/prefix such as"
                    + " 10.0.0.0/8 or 2001:db8::/32, or a single address)");
        }
        int bits = address.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String length = text.substring(slash + 1);
            if (!length.matches("[0-9]{1,3}") || Integer.parseInt(length) > bits) {
                throw new IllegalArgumentException("\"" + text + "\" has prefix length \"" + length
                        + "\" (expected: 0 to " + bits + ")");
            }
            prefix = Integer.parseInt(length);
        }
        return new Cidr(mask(address, prefix), prefix, text.toLowerCase(Locale.ROOT));
    }

    boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        if (candidate.length == 16 && network.length == 4 && isIpv4Mapped(candidate)) {
            candidate = Arrays.copyOfRange(candidate, 12, 16);
        }
        return candidate.length == network.length && Arrays.equals(mask(candidate, prefix), network);
    }

    @Override
    public String toString() {
        return text;
    }

    /** Digits, dots, colons and hex only: InetAddress.getByName would resolve anything else through DNS. */
    private static boolean isAddressLiteral(String host) {
        return !host.isEmpty() && (host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")
                || (host.contains(":") && host.matches("[0-9A-Fa-f:.]+")));
    }

    private static boolean isIpv4Mapped(byte[] address) {
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[10] == (byte) 0xff && address[11] == (byte) 0xff;
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] &= (byte) (0xff << (8 - keep));
        }
        return out;
    }
}
