package dev.replyd.daemon;

/**
 * One line saying what an instance serves: ports, storage, the callback URL (as {@link
 * dev.replyd.address.LoggableUrl}: no user info, no query values). Never secrets.
 */
final class Summary {
  private Summary() {}

  static String of(ReplydConfig c) {
    return of(c, new java.net.InetSocketAddress(c.smtp().bind(), c.smtp().port()),
        new java.net.InetSocketAddress(c.metrics().bind(), c.metrics().port()));
  }

  /** With the addresses actually bound (port 0 in the config means "any free port"). */
  static String of(ReplydConfig c, java.net.InetSocketAddress smtp, java.net.InetSocketAddress metrics) {
    return "smtp " + smtp.getHostString() + ":" + smtp.getPort()
        + (c.smtp().tlsEnabled() ? " (STARTTLS)" : " (no TLS)")
        + ", reply addresses " + c.address().prefix() + "+…@" + c.address().replyDomain()
        + " (" + c.address().keys().size() + " key(s))"
        + ", storage " + c.storage().root()
        + ", callback " + dev.replyd.address.LoggableUrl.of(c.callback().url())
        + ", metrics " + metrics.getHostString() + ":" + metrics.getPort()
        + ", " + c.processor().threads() + " worker(s)";
  }
}
