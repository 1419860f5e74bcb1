package dev.replyd.auth;

import java.io.IOException;
import java.io.InputStream;

/**
 * A message body with every bare LF turned into CRLF, as DKIM body hashes are defined over CRLF lines
 * (RFC 6376 3.4.3 and 3.4.4, RFC 5322 2.3). replyd's own files already use CRLF (its SMTP side refuses
 * bare LF), so for them this changes nothing; it makes files saved with Unix line ends verify too.
 *
 * <p>Contract: bytes are passed through unchanged except that an LF not preceded by CR gets a CR in
 * front. Closing closes the underlying stream.
 *
 * <p>Thread-safety: confined to one verification.
 */
final class CrlfLineEndings extends InputStream {

    private final InputStream in;
    private int previous = -1;
    private boolean lineFeedPending;

    CrlfLineEndings(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        if (lineFeedPending) {
            lineFeedPending = false;
            previous = '\n';
            return '\n';
        }
        int b = in.read();
        if (b == '\n' && previous != '\r') {
            lineFeedPending = true;
            previous = '\r';
            return '\r';
        }
        previous = b;
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        int count = 0;
        while (count < length) {
            int b = read();
            if (b < 0) {
                break;
            }
            buffer[offset + count++] = (byte) b;
        }
        return count == 0 ? -1 : count;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
