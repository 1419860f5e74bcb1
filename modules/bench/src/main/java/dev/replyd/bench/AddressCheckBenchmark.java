package dev.replyd.bench;

import dev.replyd.address.AddressCheck;
import dev.replyd.address.ReplyAddressCodec;
import dev.replyd.address.ReplyToken;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of the RCPT-time token check ({@link ReplyAddressCodec#check}), which every SMTP session
 * pays once per recipient on the Netty IO thread.
 *
 * <p>Cases, the {@code address} parameter: a valid address signed with the first key; a valid
 * address signed with the second (rotated-out) key, so both HMACs are computed; a wrong signature
 * (same work as the rotation case: every key is tried, constant time); and a malformed address
 * refused by the syntax check before any HMAC. Two keys are configured, as during a key rotation.
 *
 * <p>Thread-safety: JMH state per benchmark (the codec itself is immutable).
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AddressCheckBenchmark extends ReplydBenchmark {
  @Param({"valid-first-key", "valid-second-key", "bad-signature", "malformed"})
  public String address;

  private ReplyAddressCodec codec;
  private String input;

  @Setup
  public void setUp() {
    byte[] first = "bench-key-one-0123456789abcdef0123456789".getBytes(StandardCharsets.UTF_8);
    byte[] second = "bench-key-two-0123456789abcdef0123456789".getBytes(StandardCharsets.UTF_8);
    codec = new ReplyAddressCodec("reply", "reply.tracker.example.com", List.of("i", "p", "c", "d"),
        List.of(first, second));
    ReplyAddressCodec oldCodec = new ReplyAddressCodec("reply", "reply.tracker.example.com",
        List.of("i", "p", "c", "d"), List.of(second));
    ReplyToken token = new ReplyToken("i", 123456L, 987L);
    String signedWithFirstKey = codec.mint(token);
    String sig = codec.signature(token);
    char flipped = sig.charAt(0) == '0' ? '1' : '0';
    input = switch (address) {
      case "valid-first-key" -> requireValid(signedWithFirstKey, true);
      case "valid-second-key" -> requireValid(oldCodec.mint(token), true);
      case "bad-signature" -> requireValid(signedWithFirstKey.replace(sig, flipped + sig.substring(1)), false);
      case "malformed" -> requireValid("reply+i-123456-nothex-987@reply.tracker.example.com", false);
      default -> throw new IllegalArgumentException("address: " + address
          + " (expected: valid-first-key, valid-second-key, bad-signature or malformed)");
    };
  }

  private String requireValid(String candidate, boolean valid) {
    if (codec.check(candidate).isValid() != valid) {
      throw new IllegalStateException("benchmark input " + candidate + ": expected valid=" + valid);
    }
    return candidate;
  }

  @Benchmark
  public AddressCheck check() {
    return codec.check(input);
  }
}
