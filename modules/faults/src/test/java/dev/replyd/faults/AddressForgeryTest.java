package dev.replyd.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.address.ReplyToken;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Address forgery: a sender who has seen some reply addresses tries to make up others — random and
 * mutated signatures, a signature made with another installation's key, the wrong kind, swapped or
 * shifted ids. Every forgery is refused at RCPT with 550 5.1.1, so no message is ever stored,
 * including forgeries matching most of the signature. Signatures are compared with
 * MessageDigest.isEqual (constant time by contract); the refusal times by matching prefix are
 * measured and reported, not asserted (timing belongs in scripts/bench).
 */
class AddressForgeryTest extends SmtpHarness {
  @Test
  void everyForgedAddressIsRefusedAtRcptAndNothingIsStored() throws Exception {
    // given
    long seed = System.nanoTime();
    Random random = new Random(seed);
    int rounds = Soak.size(300, 5_000);
    Map<String, Integer> triedByKind = new LinkedHashMap<>();
    List<String> accepted = new ArrayList<>();
    try (SmtpClient client = new SmtpClient(smtp.port(), 30_000)) {
      client.send("EHLO forger.test");
      assertThat(client.send("MAIL FROM:<forger@attacker.test>")).startsWith("250");

      // when
      for (int i = 0; i < rounds; i++) {
        long thread = 1 + random.nextInt(1_000_000);
        long user = 1 + random.nextInt(1_000_000);
        for (Map.Entry<String, String> forgery : forgeries(thread, user, random).entrySet()) {
          triedByKind.merge(forgery.getKey(), 1, Integer::sum);
          String reply = client.send("RCPT TO:<" + forgery.getValue() + ">");
          // Random bytes may not even parse as an address (501 is then right); the rest must be 550 5.1.1.
          String expected = forgery.getKey().equals("random-bytes-token") ? "5" : "550 5.1.1";
          if (!reply.startsWith(expected)) {
            accepted.add(forgery.getKey() + " " + forgery.getValue() + " -> " + reply);
          }
        }
      }
      String data = client.send("DATA");

      // then
      int tried = triedByKind.values().stream().mapToInt(Integer::intValue).sum();
      Soak.report("address-forgery", "seed=" + seed + " inputs=" + tried + " by kind " + triedByKind
          + " accepted=" + accepted.size());
      assertThat(accepted).as("forgeries not refused at RCPT (seed %d)", seed).isEmpty();
      assertThat(data).startsWith("554");
      // control: the genuine address is accepted in the same session
      assertThat(client.send("RCPT TO:<" + smtp.replyAddress(1, 5) + ">")).startsWith("250");
    }
    assertThat(smtp.storedFiles()).isZero();
  }

  /** Forgeries derived from the genuine address of (thread, user), keyed by what was changed. */
  Map<String, String> forgeries(long thread, long user, Random random) {
    String genuine = smtp.replyAddress(thread, user);
    String sig = signature(genuine);
    Map<String, String> f = new LinkedHashMap<>();
    f.put("random-signature", genuine.replace(sig, randomHex(random, 40)));
    f.put("one-digit-changed", genuine.replace(sig, flipDigit(sig, random.nextInt(40), random)));
    f.put("last-digit-changed", genuine.replace(sig, flipDigit(sig, 39, random)));
    f.put("truncated-signature", genuine.replace(sig, sig.substring(0, 1 + random.nextInt(39))));
    f.put("extended-signature", genuine.replace(sig, sig + randomHex(random, 1 + random.nextInt(24))));
    f.put("other-key", ReplydSmtp.codec(ReplydSmtp.OTHER_KEY).mint(new ReplyToken("i", thread, user)));
    f.put("wrong-kind", genuine.replace("reply+i-", "reply+p-"));
    f.put("unknown-kind", genuine.replace("reply+i-", "reply+x-"));
    f.put("swapped-ids", "reply+i-" + user + "-" + sig + "-" + thread + "@" + ReplydProcess.REPLY_DOMAIN);
    f.put("other-thread", "reply+i-" + (thread + 1) + "-" + sig + "-" + user + "@" + ReplydProcess.REPLY_DOMAIN);
    f.put("other-user", "reply+i-" + thread + "-" + sig + "-" + (user + 1) + "@" + ReplydProcess.REPLY_DOMAIN);
    f.put("leading-zero-id", "reply+i-0" + thread + "-" + sig + "-" + user + "@" + ReplydProcess.REPLY_DOMAIN);
    f.put("signature-of-another-thread", genuine.replace(sig, signature(smtp.replyAddress(thread + 7, user))));
    f.put("random-bytes-token", "reply+" + randomPrintable(random, 1 + random.nextInt(80)) + "@" + ReplydProcess.REPLY_DOMAIN);
    return f;
  }

  @Test
  void forgeriesMatchingMostOfTheSignatureAreRefusedLikeAnyOther() throws Exception {
    // given: forgeries of one address whose signatures match the genuine one in 0, 20 or 39 leading digits
    String genuine = smtp.replyAddress(42, 7);
    String sig = signature(genuine);
    Random random = new Random(7);
    int[] matching = {0, 20, 39};
    String[] forged = new String[matching.length];
    for (int i = 0; i < matching.length; i++) {
      forged[i] = genuine.replace(sig, sig.substring(0, matching[i]) + flipDigit(sig, matching[i], random).substring(matching[i]));
    }
    int samples = Soak.size(400, 5_000);
    long[][] nanos = new long[matching.length][samples];
    try (SmtpClient client = new SmtpClient(smtp.port(), 30_000)) {
      client.send("EHLO forger.test");
      client.send("MAIL FROM:<forger@attacker.test>");
      for (int warm = 0; warm < 200; warm++) {
        client.send("RCPT TO:<" + forged[warm % forged.length] + ">");
      }

      // when: interleaved, so that load on the machine affects every group alike
      for (int s = 0; s < samples; s++) {
        for (int i = 0; i < matching.length; i++) {
          long t0 = System.nanoTime();
          String reply = client.send("RCPT TO:<" + forged[i] + ">");
          nanos[i][s] = System.nanoTime() - t0;
          assertThat(reply).startsWith("550 5.1.1");
        }
      }
    }

    // then: every one was refused (asserted above); the medians are reported for a reader to compare
    long[] medians = new long[matching.length];
    for (int i = 0; i < matching.length; i++) {
      long[] sorted = nanos[i].clone();
      Arrays.sort(sorted);
      medians[i] = sorted[samples / 2];
    }
    Soak.report("address-forgery-timing", "samples=" + samples + " per group; median RCPT refusal (us) for 0/20/39 matching digits: "
        + medians[0] / 1000 + "/" + medians[1] / 1000 + "/" + medians[2] / 1000);
  }

  static String signature(String address) {
    String local = address.substring(0, address.indexOf('@'));
    String[] parts = local.split("-");
    return parts[2];
  }

  static String flipDigit(String hex, int position, Random random) {
    char old = hex.charAt(position);
    char next;
    do {
      next = "0123456789abcdef".charAt(random.nextInt(16));
    } while (next == old);
    return hex.substring(0, position) + next + hex.substring(position + 1);
  }

  static String randomHex(Random random, int digits) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < digits; i++) {
      s.append("0123456789abcdef".charAt(random.nextInt(16)));
    }
    return s.toString();
  }

  /** Printable ASCII other than the characters that end an address in a RCPT command. */
  static String randomPrintable(Random random, int length) {
    StringBuilder s = new StringBuilder();
    while (s.length() < length) {
      char c = (char) (33 + random.nextInt(94));
      if (c != '<' && c != '>' && c != '@' && c != '"' && c != '\\') {
        s.append(c);
      }
    }
    return s.toString();
  }
}
