package dev.replyd.address;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of {@link ReplyAddressCodec#check(String)}: either a valid address and the token it carries, or
 * a {@link Refusal} with a short human reason.
 *
 * <p>Contract: {@link #token()} is present iff {@link #isValid()}, and so is {@link #purpose()}; {@link #refusal()}
 * is null iff valid. The
 * reason is one line of printable ASCII, safe to log and to show to an operator: it quotes at most an excerpt
 * of the offending input (non-printable and non-ASCII characters escaped) and never key material. Equal
 * outcomes are {@link #equals(Object) equal}.
 *
 * <p>Thread-safety: immutable.
 */
public final class AddressCheck {

    private final ReplyToken token;
    private final AddressPurpose purpose;
    private final Refusal refusal;
    private final String reason;

    private AddressCheck(ReplyToken token, AddressPurpose purpose, Refusal refusal, String reason) {
        this.token = token;
        this.purpose = purpose;
        this.refusal = refusal;
        this.reason = reason;
    }

    static AddressCheck valid(ReplyToken token, AddressPurpose purpose) {
        return new AddressCheck(Objects.requireNonNull(token, "token"), Objects.requireNonNull(purpose, "purpose"),
                null, "valid");
    }

    static AddressCheck refused(Refusal refusal, String reason) {
        return new AddressCheck(null, null, Objects.requireNonNull(refusal, "refusal"),
                Objects.requireNonNull(reason, "reason"));
    }

    /** True iff the address is ours and its signature matches a configured key. */
    public boolean isValid() {
        return token != null;
    }

    /** The token the address carries (its kind in lowercase), present iff valid. */
    public Optional<ReplyToken> token() {
        return Optional.ofNullable(token);
    }

    /** What the valid address asks for (a reply or an unsubscribe), or null if it was refused. */
    public AddressPurpose purpose() {
        return purpose;
    }

    /** Why the address was refused, or null if it is valid. */
    public Refusal refusal() {
        return refusal;
    }

    /** Short human text, e.g. {@code signature does not match}; {@code valid} for a valid address. */
    public String reason() {
        return reason;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AddressCheck that
                && Objects.equals(token, that.token)
                && purpose == that.purpose
                && refusal == that.refusal
                && reason.equals(that.reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(token, purpose, refusal, reason);
    }

    @Override
    public String toString() {
        return isValid() ? "valid " + purpose.wireName() + " " + token : refusal + ": " + reason;
    }
}
