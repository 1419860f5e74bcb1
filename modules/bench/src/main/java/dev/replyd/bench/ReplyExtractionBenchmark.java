package dev.replyd.bench;

import dev.replyd.extract.MessageBody;
import dev.replyd.extract.ReplyExtractor;
import dev.replyd.extract.ReplyText;
import dev.replyd.extract.UnparseableMessageException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of turning a stored message into the reply text, as a processor worker does: MIME parse
 * and body selection ({@link MessageBody#read(java.io.InputStream)}) then
 * {@link ReplyExtractor#extract}. The {@code message} parameter picks one of
 * {@link SyntheticMessages}: a plain top-post with quoted history and signature, a
 * multipart/alternative from a webmail (the plain part is used), and an HTML-only Outlook-style
 * reply (jsoup parse, quote removal, HTML to text). {@code extractPlainOnly} measures the line
 * classifier alone on the plain top-post, without MIME parsing.
 *
 * <p>Each benchmark checks nothing at run time; {@link #setUp} fails if an input does not yield
 * the expected reply, so a broken extractor cannot produce a fast, meaningless figure.
 *
 * <p>Thread-safety: JMH state per benchmark (the extractor is immutable).
 */
public class ReplyExtractionBenchmark extends ReplydBenchmark {

  static {
    // As the daemon's Main does: without it Jakarta Mail 2.1.3 runs a ServiceLoader scan for
    // every InternetHeaders, and the benchmark would measure that instead of the daemon's parsing.
    if (System.getProperty("jakarta.mail.util.StreamProvider") == null) {
      System.setProperty("jakarta.mail.util.StreamProvider", "org.eclipse.angus.mail.util.MailStreamProvider");
    }
  }

  /** One whole message, parsed and extracted per call. */
  @State(Scope.Benchmark)
  public static class Message {
    @Param({"plain-top-post", "multipart-alternative", "html-outlook"})
    public String message;

    ReplyExtractor extractor;
    byte[] raw;

    @Setup
    public void setUp() throws UnparseableMessageException {
      extractor = new ReplyExtractor(ReplyExtractor.Settings.defaults());
      raw = SyntheticMessages.byName(message).getBytes(StandardCharsets.UTF_8);
      SyntheticMessages.requireReplyOnly(message, extract(extractor, raw).reply());
    }
  }

  /** The plain top-post's body only, for the line classifier alone. */
  @State(Scope.Benchmark)
  public static class PlainText {
    ReplyExtractor extractor;
    String text;

    @Setup
    public void setUp() {
      extractor = new ReplyExtractor(ReplyExtractor.Settings.defaults());
      text = SyntheticMessages.PLAIN_TOP_POST_BODY;
      SyntheticMessages.requireReplyOnly("plain body", extractor.extractPlain(text).reply());
    }
  }

  @Benchmark
  public ReplyText parseAndExtract(Message in) throws UnparseableMessageException {
    return extract(in.extractor, in.raw);
  }

  static ReplyText extract(ReplyExtractor extractor, byte[] raw) throws UnparseableMessageException {
    try (MessageBody body = MessageBody.read(new ByteArrayInputStream(raw))) {
      return extractor.extract(body);
    }
  }

  @Benchmark
  public ReplyText extractPlainOnly(PlainText in) {
    return in.extractor.extractPlain(in.text);
  }
}
