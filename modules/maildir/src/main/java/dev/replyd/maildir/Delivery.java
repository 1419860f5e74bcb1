package dev.replyd.maildir;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NAME
 *   Delivery - one message being written into the Maildir, one file per accepted recipient
 *
 * SYNOPSIS
 *   try (Delivery d = maildir.begin(List.of(prefixA, prefixB))) {
 *     message.transferTo(d.body());
 *     List&lt;String&gt; names = d.commit();   // only now may SMTP answer 250
 *   }                                       // close() without commit() aborts
 *
 * DESCRIPTION
 *   {@link Maildir#begin} creates one file in tmp/ per header prefix and writes the prefix (the
 *   recipient's own Delivered-To/Received lines) into it. Bytes written to {@link #body()} go to
 *   every file, so each file is its prefix followed by the same body. {@link #commit()} makes the
 *   message durable and visible, in this order, as the Maildir specification and Postfix
 *   virtual/maildir.c do:
 *
 *   1. write out the buffer and fsync every file: the data is on disk under its tmp/ name;
 *   2. rename each file from tmp/ to new/ (atomic: a reader sees the whole file or nothing);
 *   3. fsync new/ once: the new names are on disk.
 *
 *   Why a crash at any point is harmless: before step 2 the message exists only in tmp/, which
 *   no reader looks at; the client has no 250, so it delivers again, and the half-written file is
 *   removed by {@link Maildir#recover()} once it is a day old (the Maildir rule for tmp/). After
 *   step 3 the message is complete and named in new/. Between 2 and 3 a crash may lose the new
 *   names; the client still has no 250 and delivers again. So a name in new/ always means a
 *   complete file, and 250 is only said for a message whose file and name are both on disk.
 *
 * DIAGNOSTICS
 *   IOException from any method means the message is not accepted (SMTP 451 4.3.0); its message
 *   names the file and the fix. If step 2 or 3 fails part way, the copies already renamed into
 *   new/ are removed again (a worker that claimed one in that instant processes it; delivery is
 *   at-least-once). Calling commit() twice (even after a failed one) or after close() is an
 *   interface violation (IllegalStateException). Writes to body() after commit or close fail
 *   with IOException.
 *   An interrupted thread fails at its next write or fsync (the channels are interruptible);
 *   close() then removes the files.
 *
 * THREAD SAFETY
 *   Confined to one SMTP session (one thread at a time); not safe for concurrent use.
 */
public final class Delivery implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger("replies");
  private static final int BUFFER_SIZE = 64 * 1024;
  private static final int CREATE_ATTEMPTS = 3;

  private enum State { OPEN, FAILED, COMMITTED, CLOSED }

  private final DurableFiles files;
  private final Path newDirectory;
  private final String queueId;
  private final List<String> names;
  private final List<Path> temporaries;
  private final FileChannel[] channels;
  private final byte[] buffer = new byte[BUFFER_SIZE];
  private final OutputStream body = new Body();
  private int buffered;
  private long bodyBytes;
  private State state = State.OPEN;

  private Delivery(DurableFiles files, Path newDirectory, String queueId, List<String> names,
      List<Path> temporaries, FileChannel[] channels) {
    this.files = files;
    this.newDirectory = newDirectory;
    this.queueId = queueId;
    this.names = names;
    this.temporaries = temporaries;
    this.channels = channels;
  }

  /** Creates one tmp/ file per prefix and writes the prefix; on failure nothing is left behind. */
  static Delivery begin(DurableFiles files, UniqueNames uniqueNames, Path tmpDirectory, Path newDirectory,
      List<byte[]> headerPrefixes) throws IOException {
    Objects.requireNonNull(headerPrefixes, "headerPrefixes");
    if (headerPrefixes.isEmpty()) {
      throw new IllegalArgumentException("headerPrefixes: [] (expected: one prefix per accepted recipient)");
    }
    List<String> names = new ArrayList<>(headerPrefixes.size());
    List<Path> temporaries = new ArrayList<>(headerPrefixes.size());
    FileChannel[] channels = new FileChannel[headerPrefixes.size()];
    Delivery delivery = new Delivery(files, newDirectory, uniqueNames.nextQueueId(), names, temporaries, channels);
    try {
      for (int i = 0; i < channels.length; i++) {
        byte[] prefix = Objects.requireNonNull(headerPrefixes.get(i), "headerPrefixes[" + i + "]");
        channels[i] = delivery.createUnique(uniqueNames, tmpDirectory);
        try {
          DurableFiles.writeFully(channels[i], ByteBuffer.wrap(prefix));
        } catch (IOException e) {
          throw files.explain("write maildir file", temporaries.get(i), e);
        }
      }
    } catch (IOException | RuntimeException e) {
      delivery.close();
      throw e;
    }
    return delivery;
  }

  /**
   * Creates a tmp/ file under a fresh name. The Maildir specification retries a name that
   * exists; with our counter that only happens if another program copied one of our names, so
   * a few attempts are plenty.
   */
  private FileChannel createUnique(UniqueNames uniqueNames, Path tmpDirectory) throws IOException {
    for (int attempt = 1; ; attempt++) {
      String name = uniqueNames.next();
      Path file = tmpDirectory.resolve(name);
      try {
        FileChannel channel = files.createNew(file);
        names.add(name);
        temporaries.add(file);
        return channel;
      } catch (FileAlreadyExistsException e) {
        if (attempt == CREATE_ATTEMPTS) {
          throw files.explain("create maildir file", file, e);
        }
        LOG.warn("{}: {} already exists; trying another name", queueId, file);
      }
    }
  }

  /** Short unique id of this message (12 uppercase hex digits), for logs and the Received header. */
  public String queueId() {
    return queueId;
  }

  /**
   * The message body, copied into every file after its prefix. Buffered; {@code flush()} does
   * nothing (SMTP flushes per line, and each flush must not become a write(2) per recipient);
   * {@code close()} does nothing either: only {@link #commit()} and {@link #close()} on the
   * Delivery end it.
   */
  public OutputStream body() {
    return body;
  }

  /** Bytes written to {@link #body()} so far (the prefixes not counted). */
  public long bodyBytes() {
    return bodyBytes;
  }

  /**
   * Makes every copy durable in new/ (fsync each file, rename each, fsync new/ once) and returns
   * their names in the order of the prefixes. See the class comment for why this order.
   */
  public List<String> commit() throws IOException {
    if (state != State.OPEN) {
      throw new IllegalStateException("delivery " + queueId + " is " + state.name().toLowerCase()
          + " (expected: commit() once, before close())");
    }
    state = State.FAILED; // until the last step succeeds; close() then still removes tmp/ files
    drain();
    for (int i = 0; i < channels.length; i++) {
      try {
        channels[i].force(true);
        channels[i].close();
      } catch (IOException e) {
        throw files.explain("fsync maildir file", temporaries.get(i), e);
      }
    }
    int renamed = 0;
    try {
      for (; renamed < names.size(); renamed++) {
        files.move(temporaries.get(renamed), newDirectory.resolve(names.get(renamed)));
      }
      files.forceDirectory(newDirectory);
    } catch (IOException e) {
      unpublish(renamed);
      throw files.explain("rename into maildir directory", newDirectory, e);
    }
    state = State.COMMITTED;
    if (LOG.isDebugEnabled()) {
      for (String name : names) {
        LOG.debug("{}: delivered {}/{} ({} body bytes)", queueId, MaildirLayout.NEW, name, bodyBytes);
      }
    }
    return List.copyOf(names);
  }

  /**
   * Commit failed after {@code renamed} copies reached new/: take them back, so that a 451 to
   * the client does not leave half of the recipients' copies behind to be posted twice.
   */
  private void unpublish(int renamed) {
    for (int i = 0; i < renamed; i++) {
      Path published = newDirectory.resolve(names.get(i));
      try {
        Files.deleteIfExists(published);
      } catch (IOException e) {
        LOG.warn("{}: cannot remove {} after a failed commit: {}", queueId, published, e.toString());
      }
    }
  }

  /** Aborts an uncommitted delivery: closes and removes its tmp/ files. Idempotent. */
  @Override
  public void close() {
    if (state == State.COMMITTED || state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    for (int i = 0; i < temporaries.size(); i++) {
      try {
        if (channels[i] != null) {
          channels[i].close();
        }
      } catch (IOException e) {
        LOG.debug("{}: closing {} while aborting: {}", queueId, temporaries.get(i), e.toString());
      }
      try {
        if (Files.deleteIfExists(temporaries.get(i))) {
          LOG.debug("{}: aborted, removed {}/{}", queueId, MaildirLayout.TMP, names.get(i));
        }
      } catch (IOException e) {
        LOG.warn("{}: cannot remove aborted {}: {}; recover() removes it when it is a day old",
            queueId, temporaries.get(i), e.toString());
      }
    }
  }

  private void ensureOpen() throws IOException {
    if (state != State.OPEN) {
      throw new IOException("delivery " + queueId + " is " + state.name().toLowerCase() + "; no more body writes");
    }
  }

  /** Writes the buffer to every file. */
  private void drain() throws IOException {
    if (buffered == 0) {
      return;
    }
    writeToAll(buffer, 0, buffered);
    buffered = 0;
  }

  private void writeToAll(byte[] bytes, int offset, int length) throws IOException {
    for (int i = 0; i < channels.length; i++) {
      try {
        DurableFiles.writeFully(channels[i], ByteBuffer.wrap(bytes, offset, length));
      } catch (IOException e) {
        throw files.explain("write maildir file", temporaries.get(i), e);
      }
    }
  }

  /** The buffered body stream; all writes reach every copy. */
  private final class Body extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      ensureOpen();
      if (buffered == buffer.length) {
        drain();
      }
      buffer[buffered++] = (byte) b;
      bodyBytes++;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      Objects.checkFromIndexSize(offset, length, bytes.length);
      ensureOpen();
      if (length >= buffer.length) {
        drain();
        writeToAll(bytes, offset, length);
      } else {
        if (length > buffer.length - buffered) {
          drain();
        }
        System.arraycopy(bytes, offset, buffer, buffered, length);
        buffered += length;
      }
      bodyBytes += length;
    }

    /** Deliberately nothing: see {@link Delivery#body()}. */
    @Override
    public void flush() {}

    /** Deliberately nothing: the Delivery, not its body stream, owns the files. */
    @Override
    public void close() {}
  }
}
