package dev.replyd.bench;

import dev.replyd.address.AddressCheck;
import dev.replyd.address.ReplyAddressCodec;
import dev.replyd.address.ReplyToken;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of the RCPT-time token check ({@link ReplyAddressCodec#check}), which every SMTP session
 * pays once per recipient on the Netty IO thread.
 *
 * <p>Cases: a valid address signed with the first key; a valid address signed with the second
 * (rotated-out) key, so both HMACs are computed; a wrong signature (same work as the rotation
 * case: every key is tried, constant time); and a malformed address refused by the syntax
 * check before any HMAC. Two keys are configured, as during a key rotation.
 *
 * <p>Thread-safety: JMH state per benchmark (the codec itself is immutable).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AddressCheckBenchmark {
  private ReplyAddressCodec codec;
  private String signedWithFirstKey;
  private String signedWithSecondKey;
  private String badSignature;
  private String malformed;

  @Setup
  public void setUp() {
    byte[] first = "bench-key-one-0123456789abcdef0123456789".getBytes(StandardCharsets.UTF_8);
    byte[] second = "bench-key-two-0123456789abcdef0123456789".getBytes(StandardCharsets.UTF_8);
    codec = new ReplyAddressCodec("reply", "reply.tracker.example.com", List.of("i", "p", "c", "d"),
        List.of(first, second));
    ReplyAddressCodec oldCodec = new ReplyAddressCodec("reply", "reply.tracker.example.com",
        List.of("i", "p", "c", "d"), List.of(second));
    ReplyToken token = new ReplyToken("i", 123456L, 987L);
    signedWithFirstKey = codec.mint(token);
    signedWithSecondKey = oldCodec.mint(token);
    String sig = codec.signature(token);
    char flipped = sig.charAt(0) == '0' ? '1' : '0';
    badSignature = signedWithFirstKey.replace(sig, flipped + sig.substring(1));
    malformed = "reply+i-123456-nothex-987@reply.tracker.example.com";
    requireValid(signedWithFirstKey, true);
    requireValid(signedWithSecondKey, true);
    requireValid(badSignature, false);
    requireValid(malformed, false);
  }

  private void requireValid(String address, boolean valid) {
    if (codec.check(address).isValid() != valid) {
      throw new IllegalStateException("benchmark input " + address + ": expected valid=" + valid);
    }
  }

  @Benchmark
  public AddressCheck validFirstKey() {
    return codec.check(signedWithFirstKey);
  }

  @Benchmark
  public AddressCheck validSecondKey() {
    return codec.check(signedWithSecondKey);
  }

  @Benchmark
  public AddressCheck badSignature() {
    return codec.check(badSignature);
  }

  @Benchmark
  public AddressCheck malformed() {
    return codec.check(malformed);
  }
}
