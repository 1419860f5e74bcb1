package dev.replyd.maildir;

import static dev.replyd.maildir.MaildirLayout.CUR;
import static dev.replyd.maildir.MaildirLayout.DEFERRED;
import static dev.replyd.maildir.MaildirLayout.FAILURE;
import static dev.replyd.maildir.MaildirLayout.NEW;
import static dev.replyd.maildir.MaildirLayout.POSTMASTER;
import static dev.replyd.maildir.MaildirLayout.REASON_SUFFIX;
import static dev.replyd.maildir.MaildirLayout.RETRY_SUFFIX;
import static dev.replyd.maildir.MaildirLayout.SUCCESS;
import static dev.replyd.maildir.MaildirLayout.TMP;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NAME
 *   Maildir - replyd's durable mail store; where a file sits is its state
 *
 * SYNOPSIS
 *   Maildir maildir = Maildir.open(Path.of("/var/lib/replyd"));
 *   Recovery r = maildir.recover();                        // once, before workers start
 *   String name = maildir.deliver(message, headerPrefix);  // SMTP, before "250"
 *   for (String n : maildir.pending()) {
 *     maildir.claim(n).ifPresent(file -> ... maildir.succeed(n) / fail(n, reason) / defer(n, state));
 *   }
 *
 * DESCRIPTION
 *   The states are the directories of {@link MaildirLayout}; each transition is one method and
 *   one atomic rename(2) on one file system (Postfix's queue manager works the same way):
 *
 *   <pre>
 *   begin/deliver    tmp      → new        (fsync file, rename, fsync new/: see {@link Delivery})
 *   claim            new      → cur        (exclusive: of many claimers exactly one wins)
 *   succeed          cur      → success
 *   fail             cur      → failure    (NAME.reason.json written durably first)
 *   postmaster       cur      → postmaster
 *   defer            cur      → deferred   (NAME.retry.json written durably first)
 *   claimDeferred    deferred → cur        (retry state kept until succeed, fail or defer)
 *   requeue          failure  → new        (reason file removed)
 *   recover          cur      → new, or → deferred when a retry state exists; stale tmp removed
 *   </pre>
 *
 *   Filing (succeed, fail, postmaster, defer) fsyncs the target directory, so a message posted
 *   to the main app is not posted again after a crash unless the crash came before the filing;
 *   then recover() returns it to new/ and it is posted again (at-least-once: the main app
 *   dedups on the delivery id). A claim is not fsynced: if it is lost, the file is simply back
 *   in new/, which is where recover() would put it anyway.
 *
 *   Companion files carry the message's name plus a suffix ({@link MaildirLayout#RETRY_SUFFIX},
 *   {@link MaildirLayout#REASON_SUFFIX}), as Postfix status files carry the queue id. They are
 *   written before the message moves next to them, so a message in failure/ always has its reason
 *   and a message in deferred/ its retry state.
 *
 *   Names replyd did not create (dot files, names of other programs, Maildir ":2," info) are
 *   logged once as a warning and left alone by every listing, by recover() and by sweep(). Only
 *   stale tmp/ files (our names, older than a day: the Maildir rule) and, through sweep(), filed
 *   messages past their retention are ever deleted.
 *
 * DIAGNOSTICS
 *   IOException: the file system refused; the message names the action, the path and the fix,
 *   e.g. "create maildir file /x/mail/reply/tmp/N: Permission denied; is storage.root owned by user
 *   replyd?". Filing a name that is not in cur/ is reported the same way (it was never claimed,
 *   or recover() ran while a worker held it). IllegalArgumentException: an unknown state, a
 *   name with '/', or requeue of a name that is not a message name (interface violations).
 *
 * THREAD SAFETY
 *   Shared by all SMTP sessions and workers; no mutable state besides the set of foreign names
 *   already warned about. Several processes may share one root (claims stay exclusive), but
 *   recover() must run while no worker of any process holds a claimed file.
 */
public final class Maildir {
  private static final Logger LOG = LoggerFactory.getLogger("replies");
  /** The Maildir specification: a tmp/ file untouched for 36 hours is garbage; we use a day. */
  static final Duration STALE_TMP_AGE = Duration.ofHours(24);
  private static final int MAX_REMEMBERED_FOREIGN = 10_000;
  private static final List<String> SWEEPABLE = List.of(SUCCESS, FAILURE, POSTMASTER);

  private final Path root;
  private final DurableFiles files;
  private final UniqueNames uniqueNames;
  private final Set<Path> foreignReported = ConcurrentHashMap.newKeySet();
  /** The file system of storage.root, looked up on first use (see usableSpace); benign race. */
  private volatile FileStore fileStore;

  private Maildir(Path root, DurableFiles files, UniqueNames uniqueNames) {
    this.root = root;
    this.files = files;
    this.uniqueNames = uniqueNames;
  }

  /**
   * Opens the store at {@code storageRoot}: creates the missing directories of the layout
   * (mode 0750), makes their names durable and checks that replyd can write there, so a
   * misconfigured root stops the daemon at start-up rather than at the first message.
   */
  public static Maildir open(Path storageRoot) throws IOException {
    return open(storageRoot, UniqueNames.PROCESS);
  }

  /**
   * As {@link #open(Path)}, naming new files {@code <secs>.M<usec>P<pid>Q<n>.<node>}: with one name
   * per node, names (and the delivery ids made of them) stay unique across nodes whatever their host
   * names. Files already stored keep their names.
   */
  public static Maildir open(Path storageRoot, String node) throws IOException {
    return open(storageRoot, UniqueNames.PROCESS.forNode(node));
  }

  /** The kernel's host name, as new file names carry it when no node name is given. */
  public static String defaultNodeName() {
    return UniqueNames.hostName();
  }

  private static Maildir open(Path storageRoot, UniqueNames uniqueNames) throws IOException {
    Path root = storageRoot.toAbsolutePath().normalize();
    boolean posix = root.getFileSystem().supportedFileAttributeViews().contains("posix");
    DurableFiles files = new DurableFiles(root, posix);
    if (Files.exists(root) && !Files.isDirectory(root)) {
      throw files.explain("open storage.root", root, new FileSystemException(root.toString(), null, "Not a directory"));
    }
    for (String state : MaildirLayout.STATES) {
      files.createDirectories(root.resolve(state));
    }
    // A directory created just now is only durable once its parent is fsynced.
    for (Path parent : List.of(root, root.resolve("mail"), root.resolve("mail/reply"), root.resolve("incoming-mail"))) {
      files.forceDirectory(parent);
    }
    Maildir maildir = new Maildir(root, files, uniqueNames);
    maildir.checkWritable();
    return maildir;
  }

  /**
   * A real create and unlink in tmp/ (permission bits, ACLs, read-only mounts and full disks all
   * show up there), and access(2) for the other states, which only ever receive renames.
   */
  private void checkWritable() throws IOException {
    Path probe = path(TMP, uniqueNames.next());
    files.createNew(probe).close();
    try {
      Files.delete(probe);
    } catch (IOException e) {
      throw files.explain("remove probe file", probe, e);
    }
    for (String state : MaildirLayout.STATES) {
      Path directory = root.resolve(state);
      if (!Files.isWritable(directory)) {
        throw files.explain("open maildir directory", directory, new AccessDeniedException(directory.toString()));
      }
    }
  }

  /** The storage root, absolute. */
  public Path root() {
    return root;
  }

  /** Where {@code name} sits in {@code state} (a {@link MaildirLayout} constant); for logs and tests. */
  public Path path(String state, String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException("name: \"" + name + "\" (expected: a maildir file name without '/')");
    }
    return MaildirLayout.directory(root, state).resolve(name);
  }

  /**
   * Starts one message for {@code headerPrefixes.size()} recipients: one tmp/ file per prefix;
   * each file is its prefix, then the shared body. See {@link Delivery}.
   */
  public Delivery begin(List<byte[]> headerPrefixes) throws IOException {
    return Delivery.begin(files, uniqueNames, root.resolve(TMP), root.resolve(NEW), headerPrefixes);
  }

  /** Delivers one copy of {@code message} after {@code headerPrefix}; returns its name in new/. */
  public String deliver(InputStream message, byte[] headerPrefix) throws IOException {
    try (Delivery delivery = begin(List.of(headerPrefix))) {
      message.transferTo(delivery.body());
      return delivery.commit().get(0);
    }
  }

  /** Names of the messages in new/, oldest delivery first. */
  public List<String> pending() throws IOException {
    return messages(NEW);
  }

  /**
   * Claims a message for this worker: rename new/NAME to cur/NAME. Empty when the name is no
   * longer in new/ (another worker or process claimed it first): rename(2) lets exactly one win.
   */
  public Optional<Path> claim(String name) throws IOException {
    return moveIfPresent(name, NEW, CUR);
  }

  /** Files a claimed message as posted: cur → success; its retry state is removed. */
  public void succeed(String name) throws IOException {
    file(name, SUCCESS);
  }

  /**
   * Files a claimed message as not posted: writes failure/NAME.reason.json durably, then renames
   * cur/NAME beside it; its retry state is removed. {@code reasonJson} is a {@link FailureRecord}'s
   * {@link FailureRecord#toJson() toJson()}.
   */
  public void fail(String name, byte[] reasonJson) throws IOException {
    writeCompanion(name, FAILURE, REASON_SUFFIX, reasonJson);
    file(name, FAILURE);
  }

  /** Files a claimed message for the administrator: cur → postmaster. */
  public void postmaster(String name) throws IOException {
    file(name, POSTMASTER);
  }

  /**
   * Puts a claimed message aside for a later callback attempt: writes deferred/NAME.retry.json
   * durably (replacing an older one), then renames cur/NAME beside it. {@code retryState} is a
   * {@link RetryState}'s {@link RetryState#toJson() toJson()}.
   */
  public void defer(String name, byte[] retryState) throws IOException {
    writeCompanion(name, DEFERRED, RETRY_SUFFIX, retryState);
    moveClaimed(name, DEFERRED);
  }

  /**
   * Names of the messages in {@code state} (a {@link MaildirLayout} constant), oldest delivery
   * first; companion files and foreign names are left out. For listings (the console); the
   * transitions have their own methods.
   */
  public List<String> list(String state) throws IOException {
    MaildirLayout.directory(root, state);
    return messages(state);
  }

  /** When {@code name} was delivered, read from the name itself; empty for a name replyd did not create. */
  public static Optional<Instant> deliveredAt(String name) {
    return UniqueNames.deliveredMicros(name).map(micros -> Instant.EPOCH.plusNanos(micros * 1000));
  }

  /** Names of the messages waiting in deferred/, oldest delivery first. */
  public List<String> deferred() throws IOException {
    return messages(DEFERRED);
  }

  /** The retry state last written by {@link #defer}; empty if there is none. */
  public Optional<byte[]> retryState(String name) throws IOException {
    Path file = path(DEFERRED, name + RETRY_SUFFIX);
    try {
      return Optional.of(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw files.explain("read retry state", file, e);
    }
  }

  /** Claims a deferred message for a retry: deferred → cur. Empty if another claimer won. */
  public Optional<Path> claimDeferred(String name) throws IOException {
    return moveIfPresent(name, DEFERRED, CUR);
  }

  /**
   * Gives a failed message another chance: failure → new, then its reason file is removed.
   * False if the name is not in failure/. A name that is not a message name (its reason file,
   * say: in new/ it would be skipped for ever) is an interface violation.
   */
  public boolean requeue(String name) throws IOException {
    if (!MaildirLayout.isMessageName(name)) {
      throw new IllegalArgumentException("name: " + name + " (expected: a message name "
          + MaildirLayout.MESSAGE_NAME_FORM + ")");
    }
    if (!requeueWithoutSync(name)) {
      return false;
    }
    files.forceDirectory(root.resolve(NEW));
    removeCompanions(name);
    return true;
  }

  /** {@link #requeue} for every message in failure/, with one fsync of new/; returns how many. */
  public int requeueAll() throws IOException {
    List<String> requeued = new ArrayList<>();
    for (String name : messages(FAILURE)) {
      if (requeueWithoutSync(name)) {
        requeued.add(name);
      }
    }
    if (!requeued.isEmpty()) {
      files.forceDirectory(root.resolve(NEW));
    }
    for (String name : requeued) {
      removeCompanions(name);
    }
    return requeued.size();
  }

  private boolean requeueWithoutSync(String name) throws IOException {
    Path from = path(FAILURE, name);
    Path to = path(NEW, name);
    try {
      files.move(from, to);
    } catch (NoSuchFileException e) {
      return false;
    }
    LOG.debug("{}/{} => {}/{}", FAILURE, name, NEW, name);
    return true;
  }

  /**
   * Start-up recovery, before any worker runs (Postfix qmgr: active → incoming). Every message
   * left in cur/ by a crash goes back to new/, or to deferred/ when it has a retry state (it was
   * being retried). tmp/ files older than a day are removed: they are deliveries that never
   * reached commit, whose clients were never told 250. Fresh tmp/ files may belong to a delivery
   * still running in another process and are kept.
   */
  public Recovery recover() throws IOException {
    int toNew = 0;
    int toDeferred = 0;
    for (String name : messages(CUR)) {
      boolean retrying = Files.exists(path(DEFERRED, name + RETRY_SUFFIX));
      String target = retrying ? DEFERRED : NEW;
      try {
        files.move(path(CUR, name), path(target, name));
      } catch (NoSuchFileException e) {
        continue;
      }
      LOG.debug("{}/{} => {}/{} (recovered)", CUR, name, target, name);
      if (retrying) {
        toDeferred++;
      } else {
        toNew++;
      }
    }
    if (toNew > 0) {
      files.forceDirectory(root.resolve(NEW));
    }
    if (toDeferred > 0) {
      files.forceDirectory(root.resolve(DEFERRED));
    }
    int removed = 0;
    Instant staleBefore = Instant.now().minus(STALE_TMP_AGE);
    for (String name : messages(TMP)) {
      Path file = path(TMP, name);
      try {
        // A tmp/ file is dead when its writer (P<pid> on this host) has exited — a delivery cut by
        // a crash — or, whoever wrote it, when it is older than a day (the Maildir convention).
        boolean dead = uniqueNames.writerIsGone(name)
            || Files.getLastModifiedTime(file).toInstant().isBefore(staleBefore);
        if (dead && Files.deleteIfExists(file)) {
          LOG.debug("removed stale {}/{}", TMP, name);
          removed++;
        }
      } catch (NoSuchFileException e) {
        // committed or aborted while we looked: not stale
      } catch (IOException e) {
        throw files.explain("remove stale tmp file", file, e);
      }
    }
    return new Recovery(toNew, toDeferred, removed);
  }

  /** Messages in new/, cur/ and deferred/, and the age of the oldest of them. */
  public Backlog backlog() throws IOException {
    List<String> pending = messages(NEW);
    List<String> claimed = messages(CUR);
    List<String> deferred = messages(DEFERRED);
    long oldestMicros = Long.MAX_VALUE;
    for (List<String> names : List.of(pending, claimed, deferred)) {
      if (!names.isEmpty()) {
        oldestMicros = Math.min(oldestMicros, UniqueNames.deliveredMicros(names.get(0)).orElseThrow());
      }
    }
    Optional<Duration> oldestAge = Optional.empty();
    if (oldestMicros != Long.MAX_VALUE) {
      Instant now = Instant.now();
      Duration age = Duration.between(Instant.EPOCH.plusNanos(oldestMicros * 1000), now);
      oldestAge = Optional.of(age.isNegative() ? Duration.ZERO : age);
    }
    return new Backlog(pending.size(), claimed.size(), deferred.size(), oldestAge);
  }

  /**
   * Deletes filed messages of {@code state} (success, failure or postmaster) last modified
   * more than {@code olderThan} ago, with their reason files; returns how many messages. A
   * rename keeps the modification time, so the age counts from delivery. Queued states are
   * refused: sweeping never deletes mail that was not handled.
   */
  public int sweep(String state, Duration olderThan) throws IOException {
    if (!SWEEPABLE.contains(state)) {
      throw new IllegalArgumentException("state: " + state + " (expected: one of " + SWEEPABLE
          + "; mail not yet filed is never swept)");
    }
    if (olderThan.isNegative()) {
      throw new IllegalArgumentException("olderThan: " + olderThan + " (expected: >= 0)");
    }
    FileTime cutoff = FileTime.from(Instant.now().minus(olderThan));
    int swept = 0;
    for (String name : messages(state)) {
      Path file = path(state, name);
      try {
        if (Files.getLastModifiedTime(file).compareTo(cutoff) < 0) {
          Files.delete(file);
          Files.deleteIfExists(path(state, name + REASON_SUFFIX));
          LOG.debug("swept {}/{}", state, name);
          swept++;
        }
      } catch (NoSuchFileException e) {
        // requeued or swept by someone else meanwhile
      } catch (IOException e) {
        throw files.explain("sweep", file, e);
      }
    }
    return swept;
  }

  /**
   * Free bytes on the storage file system available to replyd. Asked at every MAIL FROM, so the
   * FileStore is looked up once: on Linux, Files.getFileStore parses /proc/self/mounts and stats
   * every parent directory (about 100-200 us of CPU on the SMTP event loop), whereas
   * getUsableSpace on a known store is one statfs(2) (about 1-2 us) and still reads live figures.
   */
  public long usableSpace() throws IOException {
    try {
      FileStore store = fileStore;
      if (store == null) {
        store = Files.getFileStore(root);
        fileStore = store;
      }
      return store.getUsableSpace();
    } catch (IOException e) {
      throw files.explain("measure free space of storage.root", root, e);
    }
  }

  // ---- transitions ------------------------------------------------------------------------

  private Optional<Path> moveIfPresent(String name, String fromState, String toState) throws IOException {
    Path to = path(toState, name);
    try {
      files.move(path(fromState, name), to);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    LOG.debug("{}/{} => {}/{}", fromState, name, toState, name);
    return Optional.of(to);
  }

  /** Removes the retry state and a stale reason, then cur → the final state, durably (see fail()). */
  private void file(String name, String state) throws IOException {
    // Companions go first, so a filed message is never seen beside a stale retry state. A crash
    // in between leaves the message in cur/ without one: recover() queues it again (at least once).
    requireClaimed(name);
    removeLeftover(path(DEFERRED, name + RETRY_SUFFIX));
    if (!state.equals(FAILURE)) {
      removeLeftover(path(FAILURE, name + REASON_SUFFIX));
    }
    moveClaimed(name, state);
  }

  /** cur/NAME → STATE/NAME, then fsync STATE so the filing survives a crash. */
  private void moveClaimed(String name, String state) throws IOException {
    Path from = path(CUR, name);
    Path to = path(state, name);
    try {
      files.move(from, to);
    } catch (NoSuchFileException e) {
      throw notClaimed(from, e);
    }
    files.forceDirectory(to.getParent());
    LOG.debug("{}/{} => {}/{}", CUR, name, state, name);
  }

  private void requireClaimed(String name) throws IOException {
    Path claimed = path(CUR, name);
    if (!Files.exists(claimed)) {
      throw notClaimed(claimed, new NoSuchFileException(claimed.toString()));
    }
  }

  private IOException notClaimed(Path claimed, NoSuchFileException cause) {
    return new DurableFiles.Explained("file " + claimed + ": No such file or directory; expected a name "
        + "returned by claim() or claimDeferred() (was recover() run while workers held files?)", cause);
  }

  /** Removes what requeue leaves behind: the reason file and any old retry state. */
  private void removeCompanions(String name) {
    removeLeftover(path(FAILURE, name + REASON_SUFFIX));
    removeLeftover(path(DEFERRED, name + RETRY_SUFFIX));
  }

  /**
   * Removes a companion file whose message has moved on. The move is what counts and has
   * happened, so failing here only warns: a leftover companion is harmless (listings skip it,
   * and the next defer or fail replaces it).
   */
  private void removeLeftover(Path companion) {
    // Usually there is none. java.io.File answers "no such file" with false, where
    // Files.deleteIfExists builds an exception internally: twice per filed message.
    File file = companion.toFile();
    if (file.delete()) {
      LOG.debug("removed {}", root.relativize(companion));
      return;
    }
    if (!file.exists()) {
      return;
    }
    try {
      Files.delete(companion); // only to learn why it cannot be removed
    } catch (IOException e) {
      LOG.warn("cannot remove {}: {}; left behind, harmless", companion, e.toString());
    }
  }

  /** Writes {@code state}/NAME{@code suffix} durably beside where claimed message NAME is going. */
  private void writeCompanion(String name, String state, String suffix, byte[] content) throws IOException {
    Objects.requireNonNull(content, "content");
    requireClaimed(name);
    files.writeDurably(path(TMP, uniqueNames.next()), path(state, name + suffix), content);
  }

  // ---- listing ----------------------------------------------------------------------------

  private record Listed(long micros, String name) {}

  private static final Comparator<Listed> OLDEST_FIRST =
      Comparator.comparingLong(Listed::micros).thenComparing(Listed::name);

  /** Message names in {@code state}, oldest first; foreign names are reported once and skipped. */
  private List<String> messages(String state) throws IOException {
    Path directory = root.resolve(state);
    List<Listed> found = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        Optional<Long> micros = UniqueNames.deliveredMicros(name);
        if (micros.isPresent()) {
          found.add(new Listed(micros.get(), name));
        } else if (!isCompanion(state, name)) {
          reportForeign(entry);
        }
      }
    } catch (IOException e) {
      throw files.explain("list maildir directory", directory, e);
    }
    found.sort(OLDEST_FIRST);
    List<String> names = new ArrayList<>(found.size());
    for (Listed listed : found) {
      names.add(listed.name());
    }
    return names;
  }

  private static boolean isCompanion(String state, String name) {
    String suffix = state.equals(DEFERRED) ? RETRY_SUFFIX : state.equals(FAILURE) ? REASON_SUFFIX : null;
    return suffix != null && name.endsWith(suffix)
        && UniqueNames.isMessage(name.substring(0, name.length() - suffix.length()));
  }

  private void reportForeign(Path entry) {
    if (foreignReported.size() >= MAX_REMEMBERED_FOREIGN) {
      foreignReported.clear();
    }
    if (foreignReported.add(entry)) {
      LOG.warn("skipping {}: not a name replyd creates (expected <secs>.M<usec>P<pid>Q<n>.<host>); left alone",
          entry);
    }
  }
}
