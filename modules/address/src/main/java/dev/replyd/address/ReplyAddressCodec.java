package dev.replyd.address;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Mints and checks signed reply addresses (contract 1 of ARCHITECTURE.md):
 * {@code <prefix>+<kind>-<thread>-<sig>-<user>@<reply-domain>}, for example
 * {@code reply+i-1-<40 hex>-5@reply.tracker.example.com}.
 *
 * <p>Contract: {@code sig} is the first 20 bytes, as 40 lowercase hex digits, of
 * HMAC-SHA256(key, {@code "v1:<kind>:<thread>:<user>"}) with the kind in lowercase and the ids in plain
 * decimal. Unsubscribe addresses ({@link #mintUnsubscribe}) have the same shape with the fixed prefix
 * {@code unsub} and sign {@code "v1-unsub:<kind>:<thread>:<user>"} instead ({@link AddressPurpose}), so a
 * signature for one purpose is never valid for the other; {@link AddressCheck#purpose()} says which it was. The first configured key signs; {@link #check} accepts a signature made with any configured key,
 * so keys can be rotated without breaking addresses already sent (add the new key first, drop the old one
 * once its mail has gone quiet). {@link #check} compares the domain, prefix, kind and hex digits ignoring
 * ASCII case (MTAs sometimes change it) and nothing else: ids must be plain decimal, the token must have
 * exactly four parts, and an address may be wrapped in {@code <...>}. It refuses anything longer than
 * {@value #MAX_ADDRESS_LENGTH} characters before looking at it.
 *
 * <p>Failures: the constructor, {@link #mint} and {@link #signature} throw {@link IllegalArgumentException}
 * naming the setting or field, the value and what was expected (never key material). {@link #check} never
 * throws: every input gets an {@link AddressCheck} with a {@link Refusal} and a short reason.
 *
 * <p>Security: signatures are compared with {@link MessageDigest#isEqual} over the decoded bytes, so the
 * time taken does not depend on how many digits match; every configured key is tried, matched or not.
 * Keys are copied on construction and never printed.
 *
 * <p>Standards: RFC 5321 section 4.1.2 (Path, angle brackets), 4.5.3.1 (size limits); RFC 2104 (HMAC).
 *
 * <p>Thread-safety: shared by all SMTP sessions and processor workers. Everything is immutable except
 * the key list, which {@link #replaceKeys} swaps as one volatile reference (SIGHUP key rotation): a check
 * running at that moment uses the old list or the new one, never a mix.
 */
public final class ReplyAddressCodec {

    /** Shortest accepted key, in bytes: the HMAC-SHA256 output size, so the key is not the weak link. */
    public static final int MIN_KEY_BYTES = 32;

    /** Longest address {@link #check} looks at; longer input is refused as {@link Refusal#NOT_AN_ADDRESS}. */
    public static final int MAX_ADDRESS_LENGTH = 320;

    /** Bytes of the HMAC kept in the address: 160 bits, as 40 hex digits. */
    static final int SIGNATURE_BYTES = 20;
    static final int SIGNATURE_HEX_DIGITS = 2 * SIGNATURE_BYTES;

    private static final String TOKEN_SHAPE = "<kind>-<thread>-<sig>-<user>";
    private static final int TOKEN_PARTS = 4;
    /** Longest decimal long: 9223372036854775807. */
    private static final int MAX_ID_DIGITS = String.valueOf(Long.MAX_VALUE).length();

    /** A dot-atom without '+' (which ends the prefix): RFC 5322 atext narrowed to what operators use. */
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
    private static final int MAX_HOST_NAME_LENGTH = HostNames.MAX_LENGTH;

    private final String prefix;
    private final String replyDomain;
    private final Set<String> kinds;
    private final String kindList;
    private volatile List<HmacSha256> keys;

    /**
     * @param prefix the local part before the {@code +}, e.g. {@code reply}
     * @param replyDomain the domain of every reply address, e.g. {@code reply.tracker.example.com}
     * @param kinds the allowed kinds, lowercase letters, e.g. {@code [i, p, c, d]}
     * @param keys at least one key of at least {@value #MIN_KEY_BYTES} bytes; the first signs, all verify;
     *     copied, so the caller may wipe its arrays afterwards
     * @throws IllegalArgumentException naming the setting, the value (never a key) and what was expected
     */
    public ReplyAddressCodec(String prefix, String replyDomain, Collection<String> kinds, List<byte[]> keys) {
        this.prefix = validPrefix(prefix);
        this.replyDomain = validReplyDomain(replyDomain);
        this.kinds = validKinds(kinds);
        this.kindList = String.join(", ", this.kinds);
        this.keys = validKeys(keys);
        int longest = longestAddress();
        if (longest > MAX_ADDRESS_LENGTH) {
            throw new IllegalArgumentException("address prefix, longest kind and reply domain make addresses of up to "
                    + longest + " characters (expected: at most " + MAX_ADDRESS_LENGTH
                    + "); shorten the prefix, the reply domain or the kinds");
        }
    }

    /**
     * The reply address for a token, signed with the first key.
     *
     * @throws IllegalArgumentException if the token is null or its kind is not configured
     */
    public String mint(ReplyToken token) {
        String sig = signature(token);
        return prefix + '+' + token.kind() + '-' + token.thread() + '-' + sig + '-' + token.user()
                + '@' + replyDomain;
    }

    /**
     * The unsubscribe address for a token, {@code unsub+<kind>-<thread>-<sig>-<user>@<reply-domain>}, signed
     * with the first key over the unsubscribe text (see {@link AddressPurpose}).
     *
     * @throws IllegalArgumentException if the token is null or its kind is not configured
     */
    public String mintUnsubscribe(ReplyToken token) {
        String sig = signature(token, AddressPurpose.UNSUBSCRIBE);
        return AddressPurpose.UNSUBSCRIBE_PREFIX + '+' + token.kind() + '-' + token.thread() + '-' + sig + '-'
                + token.user() + '@' + replyDomain;
    }

    /**
     * The 40 lowercase hex digits that {@link #mint} puts in the address, signed with the first key.
     *
     * @throws IllegalArgumentException if the token is null or its kind is not configured
     */
    public String signature(ReplyToken token) {
        return signature(token, AddressPurpose.REPLY);
    }

    private String signature(ReplyToken token, AddressPurpose purpose) {
        if (token == null) {
            throw new IllegalArgumentException("token is missing (expected: a ReplyToken)");
        }
        if (!kinds.contains(token.kind())) {
            throw new IllegalArgumentException("kind " + AddressSyntax.quote(token.kind())
                    + " is not configured (expected one of: " + kindList + ")");
        }
        return Hex.encode(keys.get(0).of(purpose.signedText(token)), SIGNATURE_BYTES);
    }

    /**
     * Replaces the keys (rotation without a restart): the first new key signs from now on, and every new
     * key verifies. Validated as in the constructor; on error the old keys stay in force.
     *
     * @throws IllegalArgumentException naming the bad key by position (never its value)
     */
    public void replaceKeys(List<byte[]> newKeys) {
        this.keys = validKeys(newKeys);
    }

    /**
     * Checks an address, optionally wrapped in {@code <...>}, as received in {@code RCPT TO} or a header.
     * Never throws; see the class comment for what is accepted.
     */
    public AddressCheck check(String address) {
        if (address == null) {
            return AddressCheck.refused(Refusal.NOT_AN_ADDRESS, "no address given");
        }
        if (address.length() > MAX_ADDRESS_LENGTH) {
            return AddressCheck.refused(Refusal.NOT_AN_ADDRESS, "address is " + address.length()
                    + " characters long (expected: at most " + MAX_ADDRESS_LENGTH + ")");
        }
        String bare = address;
        if (bare.startsWith("<") || bare.endsWith(">")) {
            if (bare.length() < 2 || !bare.startsWith("<") || !bare.endsWith(">")) {
                return AddressCheck.refused(Refusal.NOT_AN_ADDRESS, "unbalanced angle brackets in "
                        + AddressSyntax.quote(address));
            }
            bare = bare.substring(1, bare.length() - 1);
        }
        if (bare.isEmpty()) {
            return AddressCheck.refused(Refusal.NOT_AN_ADDRESS, "empty address");
        }
        int at = bare.lastIndexOf('@');
        if (at < 0) {
            return AddressCheck.refused(Refusal.NOT_AN_ADDRESS, "no '@' in " + AddressSyntax.quote(bare));
        }
        String local = bare.substring(0, at);
        String domain = bare.substring(at + 1);
        if (local.isEmpty()) {
            return AddressCheck.refused(Refusal.NOT_AN_ADDRESS, "empty local part before '@'");
        }
        if (domain.isEmpty()) {
            return AddressCheck.refused(Refusal.NOT_AN_ADDRESS, "empty domain after '@'");
        }
        if (!AddressSyntax.equalsIgnoreAsciiCase(domain, replyDomain)) {
            return AddressCheck.refused(Refusal.WRONG_DOMAIN, "domain " + AddressSyntax.quote(domain)
                    + " is not the reply domain '" + replyDomain + "'");
        }
        int plus = local.indexOf('+');
        if (plus < 0) {
            return AddressCheck.refused(Refusal.WRONG_PREFIX, "local part " + AddressSyntax.quote(local)
                    + " has no '+' (expected: " + prefix + "+" + TOKEN_SHAPE + ")");
        }
        String givenPrefix = local.substring(0, plus);
        AddressPurpose purpose;
        if (AddressSyntax.equalsIgnoreAsciiCase(givenPrefix, prefix)) {
            purpose = AddressPurpose.REPLY;
        } else if (AddressSyntax.equalsIgnoreAsciiCase(givenPrefix, AddressPurpose.UNSUBSCRIBE_PREFIX)) {
            purpose = AddressPurpose.UNSUBSCRIBE;
        } else {
            return AddressCheck.refused(Refusal.WRONG_PREFIX, "prefix " + AddressSyntax.quote(givenPrefix)
                    + " does not match (expected: " + prefix + ")");
        }
        return checkToken(local.substring(plus + 1), purpose);
    }

    private AddressCheck checkToken(String token, AddressPurpose purpose) {
        String[] parts = token.split("-", -1);
        if (parts.length != TOKEN_PARTS) {
            return AddressCheck.refused(Refusal.MALFORMED_TOKEN, "token has " + parts.length
                    + (parts.length == 1 ? " part" : " parts") + " (expected: " + TOKEN_PARTS + ", as "
                    + TOKEN_SHAPE + ")");
        }
        for (String part : parts) {
            if (part.isEmpty()) {
                return AddressCheck.refused(Refusal.MALFORMED_TOKEN, "token has an empty part (expected: "
                        + TOKEN_SHAPE + ")");
            }
        }
        String kind = AddressSyntax.toLowerAscii(parts[0]);
        if (!kinds.contains(kind)) {
            return AddressCheck.refused(Refusal.UNKNOWN_KIND, "unknown kind " + AddressSyntax.quote(parts[0])
                    + " (expected one of: " + kindList + ")");
        }
        long thread = AddressSyntax.parseId(parts[1]);
        if (thread < 0) {
            return badId("thread", parts[1], thread);
        }
        long user = AddressSyntax.parseId(parts[3]);
        if (user < 0) {
            return badId("user", parts[3], user);
        }
        String sig = parts[2];
        if (sig.length() != SIGNATURE_HEX_DIGITS) {
            return AddressCheck.refused(Refusal.BAD_SIGNATURE_LENGTH, "signature has " + sig.length()
                    + (sig.length() == 1 ? " character" : " characters") + " (expected: " + SIGNATURE_HEX_DIGITS
                    + " hex digits)");
        }
        byte[] given = Hex.decode(sig);
        if (given == null) {
            return AddressCheck.refused(Refusal.BAD_SIGNATURE_LENGTH, "signature has a non-hex character (expected: "
                    + SIGNATURE_HEX_DIGITS + " hex digits)");
        }
        ReplyToken parsed = new ReplyToken(kind, thread, user);
        byte[] message = purpose.signedText(parsed);
        boolean matched = false;
        List<HmacSha256> current = keys;
        for (HmacSha256 key : current) {
            // Every key is tried, and isEqual takes the same time however many bytes match.
            byte[] expected = Arrays.copyOf(key.of(message), SIGNATURE_BYTES);
            matched |= MessageDigest.isEqual(expected, given);
        }
        return matched ? AddressCheck.valid(parsed, purpose)
                : AddressCheck.refused(Refusal.BAD_SIGNATURE, "signature does not match");
    }

    private static AddressCheck badId(String field, String text, long parsed) {
        if (parsed == AddressSyntax.OVERFLOW) {
            return AddressCheck.refused(Refusal.ID_OVERFLOW, field + " id " + AddressSyntax.quote(text)
                    + " is too large (expected: at most " + Long.MAX_VALUE + ")");
        }
        return AddressCheck.refused(Refusal.BAD_ID, field + " id " + AddressSyntax.quote(text)
                + " is not a plain decimal number (expected: digits 0-9, no sign, no leading zeros)");
    }

    /** The prefix as configured; matched ignoring ASCII case. */
    public String prefix() {
        return prefix;
    }

    /** The reply domain as configured; matched ignoring ASCII case. */
    public String replyDomain() {
        return replyDomain;
    }

    /** The configured kinds, sorted, unmodifiable. */
    public Set<String> kinds() {
        return kinds;
    }

    @Override
    public String toString() {
        return "ReplyAddressCodec[prefix=" + prefix + ", replyDomain=" + replyDomain + ", kinds=" + kinds
                + ", keys=" + keys.size() + " (hidden)]";
    }

    private int longestAddress() {
        int longestKind = 0;
        for (String kind : kinds) {
            longestKind = Math.max(longestKind, kind.length());
        }
        // prefix + kind - thread - sig - user @ domain, with the longer of the two prefixes
        return Math.max(prefix.length(), AddressPurpose.UNSUBSCRIBE_PREFIX.length()) + 1 + longestKind + 1 + MAX_ID_DIGITS + 1 + SIGNATURE_HEX_DIGITS + 1 + MAX_ID_DIGITS
                + 1 + replyDomain.length();
    }

    private static String validPrefix(String prefix) {
        if (prefix == null) {
            throw new IllegalArgumentException("address prefix is missing (expected: e.g. reply)");
        }
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("address prefix " + AddressSyntax.quote(prefix)
                    + " is not valid (expected: letters, digits, '_', '-' and inner dots, e.g. reply)");
        }
        if (AddressSyntax.equalsIgnoreAsciiCase(prefix, AddressPurpose.UNSUBSCRIBE_PREFIX)) {
            throw new IllegalArgumentException("address prefix " + AddressSyntax.quote(prefix)
                    + " is the prefix of unsubscribe addresses (expected: another prefix, e.g. reply)");
        }
        return prefix;
    }

    private static String validReplyDomain(String domain) {
        if (domain == null) {
            throw new IllegalArgumentException("reply domain is missing (expected: a host name, e.g. reply.tracker.example.com)");
        }
        if (!HostNames.isHostName(domain)) {
            throw new IllegalArgumentException("reply domain " + AddressSyntax.quote(domain)
                    + " is not a valid host name (expected: dot-separated labels of letters, digits and inner '-',"
                    + " at most " + MAX_HOST_NAME_LENGTH + " characters, e.g. reply.tracker.example.com)");
        }
        return domain;
    }

    private static Set<String> validKinds(Collection<String> kinds) {
        if (kinds == null || kinds.isEmpty()) {
            throw new IllegalArgumentException("address kinds are empty (expected: at least one kind, e.g. [i, p, c, d])");
        }
        TreeSet<String> valid = new TreeSet<>();
        for (String kind : kinds) {
            if (!AddressSyntax.isKind(kind)) {
                throw new IllegalArgumentException(AddressSyntax.describeBadKind("address kind", kind));
            }
            valid.add(kind);
        }
        return Collections.unmodifiableSet(valid);
    }

    private static List<HmacSha256> validKeys(List<byte[]> keys) {
        if (keys == null || keys.isEmpty()) {
            throw new IllegalArgumentException("address keys are empty (expected: at least one key of at least "
                    + MIN_KEY_BYTES + " bytes; the first signs)");
        }
        List<HmacSha256> valid = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            byte[] key = keys.get(i);
            if (key == null) {
                throw new IllegalArgumentException("address key #" + (i + 1) + " is missing (expected: at least "
                        + MIN_KEY_BYTES + " bytes)");
            }
            if (key.length < MIN_KEY_BYTES) {
                throw new IllegalArgumentException("address key #" + (i + 1) + " is " + key.length
                        + (key.length == 1 ? " byte" : " bytes") + " (expected: at least " + MIN_KEY_BYTES + " bytes)");
            }
            valid.add(new HmacSha256(key));
        }
        return List.copyOf(valid);
    }
}
