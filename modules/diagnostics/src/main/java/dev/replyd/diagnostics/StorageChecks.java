package dev.replyd.diagnostics;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;

/**
 * Diagnose checks {@code "storage writable"} and {@code "storage free space"} for {@code replyd.storage.root}.
 *
 * <p>Contract: writable passes when a probe file can be created, written, fsynced and deleted in the storage
 * root (what delivery does before answering 250). Free space fails below {@code minFreeBytes} (replyd then
 * answers 452 to new mail), warns below twice that, and passes otherwise; it is not checked when the root does
 * not exist.
 *
 * <p>Failures: every I/O error becomes a FAIL naming the path and the error; the probe file is removed even
 * when the write fails.
 *
 * <p>Thread-safety: stateless.
 */
final class StorageChecks {

    static final String WRITABLE = "storage writable";
    static final String FREE_SPACE = "storage free space";

    private StorageChecks() {
    }

    static List<Check> run(Path root, long minFreeBytes) {
        if (root == null) {
            return List.of(Check.fail(WRITABLE, "not checked: replyd.storage.root is not set",
                    "set replyd.storage.root"));
        }
        if (!Files.isDirectory(root)) {
            return List.of(Check.fail(WRITABLE, root + " does not exist or is not a directory",
                    "create it: install -d -o replyd -g replyd -m 0750 " + root));
        }
        return List.of(writable(root), freeSpace(root, minFreeBytes));
    }

    private static Check writable(Path root) {
        Path probe = root.resolve(".replyd-diagnose-" + UUID.randomUUID());
        try {
            try (FileChannel channel = FileChannel.open(probe, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap("diagnose\n".getBytes(StandardCharsets.US_ASCII)));
                channel.force(true);
            }
            return Check.pass(WRITABLE, "created, fsynced and removed a file in " + root);
        } catch (IOException e) {
            return Check.fail(WRITABLE, "cannot write in " + root + ": " + describe(e),
                    "make " + root + " writable by the replyd user: chown -R replyd:replyd " + root);
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException e) {
                // A probe that cannot be removed was never created: the write check above already failed.
            }
        }
    }

    private static Check freeSpace(Path root, long minFreeBytes) {
        long usable;
        try {
            usable = Files.getFileStore(root).getUsableSpace();
        } catch (IOException e) {
            return Check.fail(FREE_SPACE, "cannot read the free space of " + root + ": " + describe(e),
                    "check that " + root + " is on a mounted, readable file system");
        }
        String detail = Bytes.human(usable) + " free in " + root + " (minimum " + Bytes.human(minFreeBytes) + ")";
        if (usable < minFreeBytes) {
            return Check.fail(FREE_SPACE, detail + ": new mail is refused with 452",
                    "free space on that file system or lower replyd.storage.min-free");
        }
        if (usable / 2 < minFreeBytes) {
            return Check.warn(FREE_SPACE, detail + ": less than twice the minimum",
                    "free space on that file system or shorten replyd.storage.retention");
        }
        return Check.pass(FREE_SPACE, detail);
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
    }
}
