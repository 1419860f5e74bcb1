package dev.replyd.daemon;

import dev.replyd.maildir.Maildir;
import dev.replyd.maildir.Recovery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires one replyd instance together from its configuration and runs it until stopped.
 *
 * <p>Start-up order follows the data flow backwards, so nothing is accepted that cannot be
 * stored: storage first (created and recovered), then the consumers, then the SMTP listener.
 */
final class Daemon {
  private static final Logger log = LoggerFactory.getLogger("replyd");

  private Daemon() {}

  static int run(ReplydConfig config) throws Exception {
    Maildir maildir = Maildir.open(config.storage().root());
    Recovery recovery = maildir.recover();
    log.info("storage {} ready: {} claimed file(s) returned to the queue, {} to deferred, {} stale tmp file(s) removed",
        config.storage().root(), recovery.returnedToNew(), recovery.returnedToDeferred(), recovery.staleTmpRemoved());
    log.info("replyd {} would serve: {}", VersionProvider.version(), Summary.of(config));
    return 0;
  }
}
