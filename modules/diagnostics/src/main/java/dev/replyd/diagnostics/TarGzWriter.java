package dev.replyd.diagnostics;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/**
 * Writes regular files into a gzip-compressed POSIX ustar archive, enough for {@code tar -xzf} everywhere.
 *
 * <p>Contract: {@link #add} writes one regular file (mode 0600, owner 0:0) with the given mtime; names are
 * ASCII, relative, at most 100 bytes (the ustar name field; the bundle's names are short and fixed).
 * {@link #close} writes the two zero blocks that end the archive and finishes the gzip stream.
 *
 * <p>Failures: an invalid name is an {@link IllegalArgumentException} (a bug in the caller); I/O errors propagate.
 *
 * <p>Standards: POSIX.1-1988 ustar (IEEE Std 1003.1, "pax" utility, ustar interchange format); RFC 1952 (gzip).
 *
 * <p>Thread-safety: confined to one writer.
 */
final class TarGzWriter implements AutoCloseable {

    private static final int BLOCK = 512;

    private final GZIPOutputStream out;

    TarGzWriter(OutputStream target) throws IOException {
        this.out = new GZIPOutputStream(target, 64 * 1024);
    }

    void add(String name, byte[] content, long mtimeSeconds) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        if (nameBytes.length == 0 || nameBytes.length > 100 || name.startsWith("/") || name.contains("..")
                || !StandardCharsets.US_ASCII.newEncoder().canEncode(name)) {
            throw new IllegalArgumentException("tar entry name \"" + name
                    + "\" is invalid (expected: relative ASCII path of 1..100 bytes without ..)");
        }
        byte[] header = new byte[BLOCK];
        System.arraycopy(nameBytes, 0, header, 0, nameBytes.length);
        octal(header, 100, 8, 0600);
        octal(header, 108, 8, 0);
        octal(header, 116, 8, 0);
        octal(header, 124, 12, content.length);
        octal(header, 136, 12, Math.max(0, mtimeSeconds));
        header[156] = '0';
        ascii(header, 257, "ustar\0");
        ascii(header, 263, "00");
        ascii(header, 265, "root");
        ascii(header, 297, "root");
        // The checksum is computed with its own field as eight spaces.
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        long sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        octal(header, 148, 7, sum);
        header[155] = ' ';
        out.write(header);
        out.write(content);
        int padding = (BLOCK - content.length % BLOCK) % BLOCK;
        out.write(new byte[padding]);
    }

    /** Writes {@code value} as zero-padded octal digits in {@code length - 1} bytes plus a NUL. */
    private static void octal(byte[] header, int offset, int length, long value) {
        String digits = Long.toOctalString(value);
        if (digits.length() > length - 1) {
            throw new IllegalArgumentException("value " + value + " does not fit a " + length + "-byte tar field");
        }
        String padded = "0".repeat(length - 1 - digits.length()) + digits;
        ascii(header, offset, padded);
        header[offset + length - 1] = 0;
    }

    private static void ascii(byte[] header, int offset, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, header, offset, bytes.length);
    }

    @Override
    public void close() throws IOException {
        out.write(new byte[2 * BLOCK]);
        out.finish();
        out.close();
    }
}
