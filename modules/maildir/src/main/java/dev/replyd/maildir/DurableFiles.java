package dev.replyd.maildir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * NAME
 *   DurableFiles - create, fsync and rename files under storage.root, with errors an operator can act on
 *
 * DESCRIPTION
 *   The few file-system calls the store is built from: create a file that must not exist yet
 *   (mode 0640), create a directory (mode 0750), fsync a file's data, fsync a directory (so the
 *   names it holds survive a crash), rename atomically, and write a small file durably
 *   (temporary file, fsync, rename).
 *
 * DIAGNOSTICS
 *   Every IOException leaving this class names the action and the path, then the fix, for example
 *   "create maildir file /x/mail/reply/tmp/N: Permission denied; is storage.root owned by user replyd?".
 *   The original exception is the cause. Modes are skipped on file systems without POSIX
 *   permissions.
 *
 * THREAD SAFETY
 *   Immutable; shared by every thread of a {@link Maildir}.
 */
final class DurableFiles {
  private static final Set<StandardOpenOption> CREATE_NEW =
      Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

  private final Path root;
  private final FileAttribute<?>[] fileMode;
  private final FileAttribute<?>[] directoryMode;

  DurableFiles(Path root, boolean posix) {
    this.root = root;
    this.fileMode = posix
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----"))}
        : new FileAttribute<?>[0];
    this.directoryMode = posix
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---"))}
        : new FileAttribute<?>[0];
  }

  /** Whether the file store holding {@code existing} knows POSIX permissions. */
  static boolean supportsPosix(Path existing) throws IOException {
    return Files.getFileStore(existing).supportsFileAttributeView(PosixFileAttributeView.class);
  }

  Path root() {
    return root;
  }

  /** Opens a new file for writing; fails if the name exists (never overwrite mail). */
  FileChannel createNew(Path file) throws IOException {
    try {
      return FileChannel.open(file, CREATE_NEW, fileMode);
    } catch (FileAlreadyExistsException e) {
      throw e; // the caller retries with a fresh name
    } catch (IOException e) {
      throw explain("create maildir file", file, e);
    }
  }

  /** Creates {@code directory} and missing parents with mode 0750; an existing directory is fine. */
  void createDirectories(Path directory) throws IOException {
    try {
      Files.createDirectories(directory, directoryMode);
    } catch (IOException e) {
      throw explain("create maildir directory", directory, e);
    }
  }

  /** Writes all of {@code data}: FileChannel.write may write less than asked. */
  static void writeFully(FileChannel channel, ByteBuffer data) throws IOException {
    while (data.hasRemaining()) {
      channel.write(data);
    }
  }

  /**
   * fsync(2) of a directory: makes the names it holds (renames into it, creations, removals)
   * survive a crash. Renaming a fsynced file is not enough on its own: until the directory is
   * flushed, the new name may exist only in memory.
   */
  void forceDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      throw explain("fsync maildir directory", directory, e);
    }
  }

  /**
   * rename(2) of {@code from} to {@code to}: atomic, so the file is in exactly one state at any
   * time, and of two threads renaming the same file only one succeeds (the other gets
   * NoSuchFileException, passed through unwrapped so callers can tell "gone" from "broken").
   * An existing {@code to} is replaced.
   */
  void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      if (Files.isDirectory(from.getParent()) && Files.isDirectory(to.getParent())) {
        throw e;
      }
      throw explain("rename " + from + " to", to, e);
    } catch (IOException e) {
      throw explain("rename " + from + " to", to, e);
    }
  }

  /**
   * Puts {@code data} at {@code target} so that after a crash the target holds either its old
   * content or all of {@code data}, never a part: write a new file in tmp/, fsync it, rename it
   * over the target, fsync the target's directory. The temporary name is a message name, so a
   * file left in tmp/ by a crash is removed as stale by {@link Maildir#recover()}.
   */
  void writeDurably(Path temporary, Path target, byte[] data) throws IOException {
    try (FileChannel channel = createNew(temporary)) {
      writeFully(channel, ByteBuffer.wrap(data));
      channel.force(true);
    } catch (IOException e) {
      Files.deleteIfExists(temporary);
      throw explain("write maildir file", temporary, e);
    }
    try {
      move(temporary, target);
    } catch (IOException e) {
      Files.deleteIfExists(temporary);
      throw e;
    }
    forceDirectory(target.getParent());
  }

  /**
   * Turns a low-level failure into "ACTION PATH: REASON; FIX". The fix is what an operator
   * checks first for that errno; unknown reasons are passed on without a guess.
   */
  IOException explain(String action, Path path, IOException cause) {
    if (cause instanceof Explained) {
      return cause;
    }
    String reason;
    String fix;
    if (cause instanceof AccessDeniedException) {
      reason = "Permission denied";
      fix = "is storage.root owned by user " + System.getProperty("user.name") + "?";
    } else if (cause instanceof FileAlreadyExistsException) {
      reason = "File exists";
      fix = "expected a directory; move the file away or point storage.root elsewhere";
    } else if (cause instanceof ClosedByInterruptException) {
      reason = "Interrupted";
      fix = "the thread was interrupted (shutdown?); the message was not stored";
    } else if (cause instanceof NoSuchFileException) {
      reason = "No such file or directory";
      fix = "was part of storage.root " + root + " removed while replyd runs? restart replyd to re-create it";
    } else if (cause instanceof FileSystemException && ((FileSystemException) cause).getReason() != null) {
      reason = ((FileSystemException) cause).getReason();
      fix = fixFor(reason);
    } else {
      // FileChannel.write reports errno as a plain IOException whose message is strerror(3).
      reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
      fix = fixFor(reason);
    }
    String message = action + " " + path + ": " + reason + (fix == null ? "" : "; " + fix);
    return new Explained(message, cause);
  }

  private String fixFor(String reason) {
    switch (reason) {
      case "Not a directory":
        return "storage.root " + root + " and the directories of its layout must be directories";
      case "No space left on device":
      case "Disk quota exceeded":
        return "free space on the file system of storage.root " + root;
      case "Read-only file system":
        return "is the file system of storage.root " + root + " mounted read-write?";
      case "Invalid cross-device link":
        return "storage.root " + root + " must be a single file system (no mount points inside it)";
      default:
        return null;
    }
  }

  /** An IOException whose message already names the path and the fix; never explained twice. */
  static final class Explained extends IOException {
    private static final long serialVersionUID = 1L;

    Explained(String message, IOException cause) {
      super(message, cause);
    }
  }
}
