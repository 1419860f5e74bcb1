package dev.replyd.smtp;

import dev.replyd.maildir.Maildir;
import java.io.IOException;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.MailHook;

/**
 * Refuses MAIL FROM with 452 4.3.1 while the storage file system has less free space than
 * {@code storage.min-free}, so a full disk turns into a temporary refusal at the start of the
 * transaction (the sender retries later, as with Postfix's {@code queue_minfree}) rather than a 451
 * after the whole message was received.
 *
 * <p>Contract: space available → DECLINED (MAIL proceeds); below the minimum, or the free space cannot
 * be read → 452 4.3.1 (RFC 3463 "mail system full"; RFC 5321 4.2.2 452 "insufficient system storage").
 *
 * <p>Thread-safety: shared by all sessions; no mutable fields. Runs on the I/O thread: one statvfs call.
 */
final class StorageSpaceHook implements MailHook {

    private final Maildir maildir;
    private final long minFreeBytes;

    StorageSpaceHook(Maildir maildir, long minFreeBytes) {
        this.maildir = maildir;
        this.minFreeBytes = minFreeBytes;
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        long usable;
        try {
            usable = maildir.usableSpace();
        } catch (IOException e) {
            MailLog.storageFailed(null, e);
            usable = -1;
        }
        if (usable >= minFreeBytes) {
            return HookResult.DECLINED;
        }
        MailLog.lowSpace(session, usable, minFreeBytes);
        return SmtpReplies.asHookResult(SmtpReplies.INSUFFICIENT_STORAGE);
    }
}
