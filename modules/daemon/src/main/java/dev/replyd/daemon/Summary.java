package dev.replyd.daemon;

/** One line saying what an instance serves: ports, storage, callback host. Never secrets. */
final class Summary {
  private Summary() {}

  static String of(ReplydConfig c) {
    return "smtp " + c.smtp().bind() + ":" + c.smtp().port()
        + (c.smtp().tlsEnabled() ? " (STARTTLS)" : " (no TLS)")
        + ", reply addresses " + c.address().prefix() + "+…@" + c.address().replyDomain()
        + " (" + c.address().keys().size() + " key(s))"
        + ", storage " + c.storage().root()
        + ", callback " + callbackHost(c)
        + ", metrics " + c.metrics().bind() + ":" + c.metrics().port()
        + ", " + c.processor().threads() + " worker(s)";
  }

  /** Scheme, host and port only: the URL's user info or query may carry credentials. */
  static String callbackHost(ReplydConfig c) {
    var url = c.callback().url();
    return url.getScheme() + "://" + url.getHost() + (url.getPort() == -1 ? "" : ":" + url.getPort());
  }
}
