package dev.replyd.processor;

import dev.replyd.address.ReplyAddressCodec;
import dev.replyd.address.ReplyToken;
import dev.replyd.maildir.Maildir;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** Shared test material: the codec, the message fixtures, settings with short delays, waiting. */
final class Fixtures {

  static final byte[] ADDRESS_KEY = "test-address-key-0123456789abcdef-0123".getBytes(StandardCharsets.US_ASCII);
  static final byte[] CALLBACK_SECRET = "callback-secret-S3cr3t-never-logged".getBytes(StandardCharsets.US_ASCII);
  static final String REPLY_DOMAIN = "reply.tracker.example.test";
  static final ReplyAddressCodec CODEC =
      new ReplyAddressCodec("reply", REPLY_DOMAIN, List.of("i", "p", "c", "d"), List.of(ADDRESS_KEY));
  static final ReplyToken ISSUE_42_USER_7 = new ReplyToken("i", 42, 7);

  private Fixtures() {}

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

  /** The trace headers replyd's SMTP side writes above each message. */
  static String tracePrefix(String mailFrom, String recipient) {
    return "Return-Path: <" + mailFrom + ">\n"
        + "Delivered-To: " + recipient + "\n"
        + "Received: from mx.example.org (mx.example.org [192.0.2.25])\n"
        + "\tby " + REPLY_DOMAIN + " (replyd) with ESMTP id 0123456789AB\n"
        + "\tfor <" + recipient + ">; Fri, 27 Nov 2026 10:00:01 +0000\n";
  }

  /** Delivers {@code message} for {@code recipient} from alice@example.org; returns the name in new/. */
  static String deliver(Maildir maildir, String recipient, String message) throws IOException {
    return deliver(maildir, "alice@example.org", recipient, message);
  }

  static String deliver(Maildir maildir, String mailFrom, String recipient, String message) throws IOException {
    return maildir.deliver(
        new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)),
        tracePrefix(mailFrom, recipient).getBytes(StandardCharsets.US_ASCII));
  }

  static String replyAddress() {
    return CODEC.mint(ISSUE_42_USER_7);
  }

  static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      Thread.sleep(10);
    }
  }
}
