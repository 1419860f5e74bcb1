package dev.replyd.processor;

import dev.replyd.address.ReplyAddressCodec;
import dev.replyd.address.ReplyToken;
import dev.replyd.maildir.Maildir;
import dev.replyd.maildir.TracePrefix;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Shared test material: the codec, the message fixtures, settings with short delays, waiting. */
final class Fixtures {

  static final byte[] ADDRESS_KEY = "test-address-key-0123456789abcdef-0123".getBytes(StandardCharsets.US_ASCII);
  static final byte[] CALLBACK_SECRET = "callback-secret-S3cr3t-never-logged".getBytes(StandardCharsets.US_ASCII);
  static final String REPLY_DOMAIN = "reply.tracker.example.test";
  static final ReplyAddressCodec CODEC =
      new ReplyAddressCodec("reply", REPLY_DOMAIN, List.of("i", "p", "c", "d"), List.of(ADDRESS_KEY));
  static final ReplyToken ISSUE_42_USER_7 = new ReplyToken("i", 42, 7);
  /** The client our Received field names in every delivered fixture (a documentation address). */
  static final InetAddress CLIENT_IP = ipLiteral("192.0.2.25");
  private static final ZonedDateTime RECEIVED_AT = ZonedDateTime.of(2026, 11, 27, 10, 0, 1, 0, ZoneOffset.UTC);

  private Fixtures() {}

  private static InetAddress ipLiteral(String ip) {
    try {
      return InetAddress.getByName(ip); // a literal: no DNS lookup
    } catch (UnknownHostException impossible) {
      throw new IllegalArgumentException(ip, impossible);
    }
  }

  /** Test settings, changed field by field before they are built. */
  static final class SettingsDraft {
    int threads = 2;
    Duration callbackTimeout = Duration.ofSeconds(2);
    Duration maxAge = Duration.ofSeconds(30);
    long maxAttachmentBytes = 1024;
    long maxMessageBytes = 1 << 20;
    Duration rescanInterval = Duration.ofMillis(100);
    Duration retention = Duration.ofDays(30);
  }

  /** Settings with delays short enough for tests: 50-200 ms backoff, 100 ms rescans. */
  static ProcessorSettings settings(URI url) {
    return settings(url, draft -> { });
  }

  static ProcessorSettings settings(URI url, Consumer<SettingsDraft> change) {
    SettingsDraft d = new SettingsDraft();
    change.accept(d);
    return new ProcessorSettings(
        d.threads, url, CALLBACK_SECRET, d.callbackTimeout, d.maxAge, Duration.ofMillis(50), Duration.ofMillis(200),
        d.maxAttachmentBytes, d.maxMessageBytes, d.rescanInterval, d.retention);
  }

  static String fixture(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/mail/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test fixture mail/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The trace prefix replyd's SMTP side writes above each message, written by the same code. */
  static String tracePrefix(String mailFrom, String recipient) {
    InetSocketAddress client = new InetSocketAddress(CLIENT_IP, 40025);
    return new String(TracePrefix.recipientFields(mailFrom, recipient), StandardCharsets.UTF_8)
        + new String(TracePrefix.receivedField("mx.example.org", client, "ESMTP", Optional.empty(), REPLY_DOMAIN,
            "0123456789AB", List.of(recipient), RECEIVED_AT), StandardCharsets.UTF_8);
  }

  /** Delivers {@code message} for {@code recipient} from alice@example.org; returns the name in new/. */
  static String deliver(Maildir maildir, String recipient, String message) throws IOException {
    return deliver(maildir, "alice@example.org", recipient, message);
  }

  static String deliver(Maildir maildir, String mailFrom, String recipient, String message) throws IOException {
    return maildir.deliver(
        new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)),
        tracePrefix(mailFrom, recipient).getBytes(StandardCharsets.UTF_8));
  }

  static String replyAddress() {
    return CODEC.mint(ISSUE_42_USER_7);
  }
}
