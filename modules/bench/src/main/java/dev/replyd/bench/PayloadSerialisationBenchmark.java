package dev.replyd.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.replyd.address.WebhookSignature;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of writing one webhook payload as JSON and signing it, as a processor worker does before
 * each POST.
 *
 * <p>The processor's own payload type is package-private, so this benchmark serialises a record
 * tree of the same shape (field for field, the same nesting) with the same Jackson settings as
 * the processor's {@code JsonMapping} (snake_case, nulls written). If the processor's payload
 * changes shape, update {@link Payload}. {@code attachment} picks no attachment or one 64 KiB
 * attachment sent inline as base64 (the worst common case). {@code serialiseAndSign} adds the
 * {@code Replyd-Signature} HMAC over the body.
 *
 * <p>Thread-safety: JMH state per benchmark; the mapper is only used after configuration.
 */
@State(Scope.Benchmark)
public class PayloadSerialisationBenchmark extends ReplydBenchmark {
  /** Same shape as the processor's WebhookPayload (docs/webhook.schema.json). */
  record Payload(String type, String deliveryId, String messageKey, String receivedAt, Envelope envelope, Address address, From from,
      String subject, String messageId, String inReplyTo, List<String> references, Reply reply, String fullText,
      String html, List<Attachment> attachments, Flags flags) {}

  record Envelope(String mailFrom, String recipient, String clientIp, String helo) {}

  record Address(String kind, long thread, long user) {}

  record From(String name, String address) {}

  record Reply(String text, List<Removed> removed, boolean budgetExceeded) {}

  record Removed(String rule, int firstLine, int lastLine) {}

  record Attachment(String name, String contentType, long size, String sha256, String contentBase64,
      boolean contentOmitted) {}

  record Flags(boolean autoReply, boolean mailingList, boolean charsetFallback) {}

  @Param({"none", "64KiB"})
  public String attachment;

  private final ObjectMapper mapper = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .setSerializationInclusion(JsonInclude.Include.ALWAYS)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
  private final byte[] secret = "bench-callback-secret-0123456789".getBytes(StandardCharsets.UTF_8);
  private Payload payload;

  @Setup
  public void setUp() throws JsonProcessingException {
    String full = SyntheticMessages.PLAIN_TOP_POST_BODY;
    String reply = full.substring(0, full.indexOf("On Tue,")).strip();
    List<Attachment> attachments = List.of();
    if (attachment.equals("64KiB")) {
      byte[] content = new byte[64 * 1024];
      for (int i = 0; i < content.length; i++) {
        content[i] = (byte) (i * 31 + 7);
      }
      attachments = List.of(new Attachment("crash-log.txt", "text/plain", content.length,
          "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
          Base64.getEncoder().encodeToString(content), false));
    } else if (!attachment.equals("none")) {
      throw new IllegalArgumentException("attachment: " + attachment + " (expected: none or 64KiB)");
    }
    payload = new Payload("reply", "1741078931.M412233P1234Q17.mx1.example.org",
        "5d41402abc4b2a76b9719d911017c592ae3c3d5e6a1f0b2c3d4e5f60718293a4", "2025-03-04T09:02:11.412Z",
        new Envelope("bob@example.org",
            "reply+i-42-0123456789abcdef0123456789abcdef01234567-5@reply.tracker.example.com", "192.0.2.10",
            "mail.example.org"),
        new Address("i", 42, 5), new From("Bob Example", "bob@example.org"),
        "Re: [acme/widget] Crash when the config file is empty (#42)", "<CAB1234567890abcdef@mail.example.org>",
        "<acme/widget/issues/42/1187@tracker.example.com>",
        List.of("<acme/widget/issues/42@tracker.example.com>", "<acme/widget/issues/42/1187@tracker.example.com>"),
        new Reply(reply, List.of(new Removed("attribution", 10, 10), new Removed("quote", 11, 20)), false),
        full, null, attachments, new Flags(false, false, false));
    String json = new String(serialise(), StandardCharsets.UTF_8);
    if (!json.contains("\"delivery_id\":") || !json.contains("\"budget_exceeded\":false") || !json.contains("\"html\":null")) {
      throw new IllegalStateException("payload JSON does not have the processor's shape: " + json);
    }
  }

  @Benchmark
  public byte[] serialise() throws JsonProcessingException {
    return mapper.writeValueAsBytes(payload);
  }

  @Benchmark
  public String serialiseAndSign() throws JsonProcessingException {
    return WebhookSignature.header(secret, 1741078931L, mapper.writeValueAsBytes(payload));
  }
}
