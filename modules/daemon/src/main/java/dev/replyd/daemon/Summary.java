package dev.replyd.daemon;

/** One line saying what an instance serves: ports, storage, callback host. Never secrets. */
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
        + ", callback " + callbackHost(c)
        + ", metrics " + metrics.getHostString() + ":" + metrics.getPort()
        + ", " + c.processor().threads() + " worker(s)";
  }

  /** Scheme, host and port only: the URL's user info or query may carry credentials. */
  static String callbackHost(ReplydConfig c) {
    var url = c.callback().url();
    return url.getScheme() + "://" + url.getHost() + (url.getPort() == -1 ? "" : ":" + url.getPort());
  }
}
