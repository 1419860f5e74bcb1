package dev.replyd.diagnostics;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

/**
 * The last lines of a log file, read from its end so a multi-gigabyte log costs a few reads.
 *
 * <p>Contract: returns at most {@code lines} complete lines (a final line without newline counts), reading at
 * most {@code maxBytes} from the end; when the limit cuts a line, that partial line is dropped.
 *
 * <p>Failures: I/O errors propagate (the bundle notes them).
 *
 * <p>Thread-safety: stateless.
 */
final class LogTail {

    private static final int CHUNK = 8192;

    private LogTail() {
    }

    static byte[] of(Path file, int lines, long maxBytes) throws IOException {
        if (lines <= 0) {
            return new byte[0];
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            long limit = Math.min(length, maxBytes);
            long start = length;
            int newlines = 0;
            byte[] chunk = new byte[CHUNK];
            long cut = length - limit;
            while (start > cut) {
                int size = (int) Math.min(CHUNK, start - cut);
                start -= size;
                in.seek(start);
                in.readFully(chunk, 0, size);
                for (int i = size - 1; i >= 0; i--) {
                    // A newline as the file's last byte ends the last line; it does not start an empty one.
                    if (chunk[i] != '\n' || start + i == length - 1) {
                        continue;
                    }
                    newlines++;
                    if (newlines == lines) {
                        return read(in, start + i + 1, length);
                    }
                }
            }
            if (cut == 0) {
                return read(in, 0, length);
            }
            // The byte limit cut the oldest line short: start after the first newline inside the window.
            in.seek(cut);
            byte[] window = new byte[(int) limit];
            in.readFully(window);
            for (int i = 0; i < window.length; i++) {
                if (window[i] == '\n') {
                    return read(in, cut + i + 1, length);
                }
            }
            return new byte[0];
        }
    }

    private static byte[] read(RandomAccessFile in, long from, long to) throws IOException {
        byte[] bytes = new byte[(int) (to - from)];
        in.seek(from);
        in.readFully(bytes);
        return bytes;
    }
}
