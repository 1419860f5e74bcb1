package dev.replyd.faults;

import dev.replyd.address.ReplyAddressCodec;
import dev.replyd.address.ReplyToken;
import dev.replyd.maildir.Maildir;
import dev.replyd.maildir.MaildirLayout;
import dev.replyd.smtp.SmtpServer;
import dev.replyd.smtp.SmtpSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * ReplydSmtp - replyd's real SMTP server in this JVM, on 127.0.0.1 with a free port and a Maildir
 * under a test directory, for the hostile-input tests that need thousands of sessions (a child JVM
 * per case would be too slow). Closing it stops the server: port and threads released.
 *
 * <p>Thread-safety: immutable after start; the server itself is thread-safe.
 */
final class ReplydSmtp implements AutoCloseable {
  static final byte[] KEY = ReplydProcess.KEY.getBytes(StandardCharsets.UTF_8);
  static final byte[] OTHER_KEY = "another installation's key 0123456789abcdef".getBytes(StandardCharsets.UTF_8);

  final Path root;
  final Maildir maildir;
  final ReplyAddressCodec codec;
  final SmtpServer server;

  private ReplydSmtp(Path root, Maildir maildir, ReplyAddressCodec codec, SmtpServer server) {
    this.root = root;
    this.maildir = maildir;
    this.codec = codec;
    this.server = server;
  }

  static ReplyAddressCodec codec(byte[] key) {
    return new ReplyAddressCodec("reply", ReplydProcess.REPLY_DOMAIN, List.of("i", "p", "c", "d"), List.of(key));
  }

  static ReplydSmtp start(Path root, UnaryOperator<SmtpSettings> customize) throws IOException {
    Maildir maildir = Maildir.open(root);
    ReplyAddressCodec codec = codec(KEY);
    SmtpSettings settings = customize.apply(SmtpSettings.defaults(ReplydProcess.HOSTNAME, ReplydProcess.REPLY_DOMAIN)
        .withBind(new InetSocketAddress("127.0.0.1", 0))
        .withMinFreeBytes(0));
    return new ReplydSmtp(root, maildir, codec, SmtpServer.start(settings, codec, maildir));
  }

  int port() {
    return server.address().getPort();
  }

  String replyAddress(long thread, long user) {
    return codec.mint(new ReplyToken("i", thread, user));
  }

  /** Files in new/ plus tmp/: what a transaction left behind. */
  int storedFiles() throws IOException {
    return StoredFiles.count(root, MaildirLayout.NEW) + StoredFiles.count(root, MaildirLayout.TMP);
  }

  @Override
  public void close() {
    server.close();
  }
}
