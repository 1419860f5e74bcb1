package dev.replyd.daemon;

import dev.replyd.address.ReplyAddressCodec;
import dev.replyd.address.WebhookSigner;
import dev.replyd.auth.SenderAuthenticator;
import dev.replyd.outbound.NoticeSettings;
import dev.replyd.outbound.Outbound;
import dev.replyd.processor.ProcessorSettings;
import dev.replyd.processor.SenderChecks;
import dev.replyd.smtp.SmtpSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.function.Supplier;

/**
 * The settings objects the modules take (SMTP server, processor, notices, sender authentication,
 * outbound relay, callback signer), built from the bound configuration by {@link ConfigLoader} on every load.
 *
 * <p>Contract: each module's settings type owns the checks of its keys. {@link #build} runs those
 * checks by constructing every settings object and collects each problem line they report
 * ({@code replyd.<key>: <value> (expected: ...)}) into the loader's {@link ConfigProblems}; so
 * {@code check-config}, {@code run} and a SIGHUP reload run exactly the same checks, and
 * {@link Daemon} starts the modules from these objects without building any of its own. The
 * address codec is built the same way (its keys are checked by the loader, which knows where
 * they came from).
 *
 * <p>Failures: none thrown; a problem of a value the loader already reported (a type error, a
 * missing secret) is not reported a second time.
 *
 * <p>Thread-safety: immutable.
 *
 * @param smtp the SMTP server's settings
 * @param processor the processor's settings
 * @param notices the failure notices' settings (built even while {@code notices.enabled = false})
 * @param senderAuthentication the SPF/DKIM/DMARC checker's settings; null when sender checks are off
 * @param dmarcPolicy what a DMARC fail means ({@code processor.sender-checks.require-dmarc})
 * @param outbound the relay for test-email and the notices
 * @param callbackSigner signs each callback ({@code callback.signature} with every secret of
 *     {@code callback.secret} and {@code callback.secrets}); null while those have problems
 */
record ModuleSettings(SmtpSettings smtp, ProcessorSettings processor, NoticeSettings notices,
    SenderAuthenticator.Settings senderAuthentication, SenderChecks.Policy dmarcPolicy, Outbound outbound,
    WebhookSigner callbackSigner) {

  /** Notices are a courtesy: this long for the relay to answer each step. */
  static final Duration NOTICE_SEND_TIMEOUT = Duration.ofSeconds(30);

  /** Every module's settings from {@code c}; each problem found goes to {@code problems} by key. */
  static ModuleSettings build(ReplydConfig c, ConfigProblems.Collector problems) {
    SmtpSettings smtp = checked(problems, "smtp", () -> smtpSettings(c));
    // The codec's own rules for prefix and kinds apply even while the domain or the keys are wrong
    // (reported above): stand-ins take their place, and the codec is only checked here, never kept.
    String replyDomain = problems.has("replyd.hostname") || problems.has("replyd.reply-domain")
        ? "reply.example.org" : c.address().replyDomain();
    List<byte[]> keys = problems.has("replyd.address.keys")
        ? List.of(new byte[ReplyAddressCodec.MIN_KEY_BYTES]) : c.address().keys();
    checked(problems, "address", () -> new ReplyAddressCodec(c.address().prefix(), replyDomain, c.address().kinds(), keys));
    ProcessorSettings processor = checked(problems, "processor", () -> processorSettings(c));
    NoticeSettings notices = checked(problems, "notices", () -> noticeSettings(c));
    ReplydConfig.SenderChecks s = c.processor().senderChecks();
    SenderAuthenticator.Settings authentication = !s.enabled() || problems.hasUnder("replyd.processor.sender-checks")
        || problems.has("replyd.hostname") ? null : checked(problems, "processor.sender-checks", () -> new SenderAuthenticator.Settings(s.dnsServers(),
            s.timeout(), c.hostname()));
    SenderChecks.Policy policy = s.requireDmarc() == null ? null
        : checked(problems, "processor.sender-checks.require-dmarc", () -> SenderChecks.Policy.parse(s.requireDmarc()));
    Outbound outbound = checked(problems, "outbound", () -> c.outbound().toOutbound());
    // The loader checked the scheme and every secret by key (CallbackSigningConfig); no signing
    // means it reported why.
    CallbackSigningConfig.Signing signing = c.callback().signing();
    WebhookSigner signer = signing == null ? null
        : checked(problems, "callback.signature", () -> WebhookSigner.of(signing.scheme(), signing.secrets()));
    return new ModuleSettings(smtp, processor, notices, authentication, policy, outbound, signer);
  }

  /** The reply-address codec of {@code c}; a new one each call (the daemon keeps one and reloads its keys). */
  static ReplyAddressCodec codec(ReplydConfig c) {
    return new ReplyAddressCodec(c.address().prefix(), c.address().replyDomain(), c.address().kinds(), c.address().keys());
  }

  private static SmtpSettings smtpSettings(ReplydConfig c) {
    ReplydConfig.Smtp s = c.smtp();
    return new SmtpSettings(c.hostname(), c.address().replyDomain(),
        s.bind() == null ? null : new InetSocketAddress(s.bind(), s.port()),
        s.maxMessageSize(), s.maxRecipients(), s.tlsCert(), s.tlsKey(), c.noreply().address(), c.noreply().discard(),
        c.storage().minFree(), s.maxConnections(), s.maxConnectionsPerIp(), s.idleTimeout(), s.sessionTimeout(),
        s.maxErrors(), s.ioThreads(), c.support());
  }

  private static ProcessorSettings processorSettings(ReplydConfig c) {
    // The SMTP side prepends trace headers; leave room for them so nothing accepted is refused here.
    // A size that is no size at all is passed as it is, for ProcessorSettings to refuse.
    long configured = c.processor().maxMessageSize();
    long maxBytes = configured > 0 ? configured + ProcessorSettings.TRACE_HEADER_ROOM : configured;
    return new ProcessorSettings(c.processor().threads(), c.callback().url(), c.callback().secret(),
        c.callback().timeout(), c.callback().maxAge(), c.callback().retryBaseDelay(), c.callback().retryMaxDelay(),
        c.callback().maxAttachmentBytes(), maxBytes, ProcessorSettings.DEFAULT_RESCAN_INTERVAL, c.storage().retention(),
        c.processor().messageDeadline());
  }

  private static NoticeSettings noticeSettings(ReplydConfig c) {
    ReplydConfig.Notices n = c.notices();
    return new NoticeSettings(n.enabled(), new HashSet<>(n.reasons()), n.perSenderInterval(), n.maxPerHour(),
        c.address().replyDomain(), new HashSet<>(List.of(c.noreply().address(), c.outbound().from())),
        NoticeSettings.DEFAULT_QUEUE_CAPACITY, NOTICE_SEND_TIMEOUT, c.support());
  }

  /**
   * Runs one settings constructor. Its problem lines go to {@code problems}; lines without a key
   * are filed under {@code fallbackKey}. A null value the constructor trips over can only come from
   * a value already reported, so a NullPointerException with problems on record is dropped.
   */
  private static <T> T checked(ConfigProblems.Collector problems, String fallbackKey, Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      problems.addLines(fallbackKey, e.getMessage());
    } catch (NullPointerException e) {
      if (problems.isEmpty()) {
        throw e;
      }
    }
    return null;
  }
}
