package dev.replyd.console;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's browser sessions, in memory: a random id (the cookie) and a random CSRF token that
 * every form of the session carries back.
 *
 * <p>Contract: ids and tokens are 32 bytes from {@link SecureRandom}, base64url. A session unused for
 * {@link #IDLE} is gone; at most {@link #MAX} live at once (when full, the least recently used pre-login
 * session is dropped first, then the least recently used one).
 * A login replaces the pre-login session by a new one (no session fixation). A restart forgets every
 * session: people sign in again.
 *
 * <p>Thread-safety: safe for concurrent requests (a concurrent map; last-seen times are volatile).
 */
final class Sessions {
  static final Duration IDLE = Duration.ofHours(8);
  static final int MAX = 1000;

  /** One session; {@code who} is null until signed in. */
  static final class Session {
    final String id;
    final String csrf;
    final String who;
    volatile Instant lastSeen;

    Session(String id, String csrf, String who, Instant now) {
      this.id = id;
      this.csrf = csrf;
      this.who = who;
      this.lastSeen = now;
    }

    boolean signedIn() {
      return who != null;
    }
  }

  private final SecureRandom random = new SecureRandom();
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Clock clock;

  Sessions(Clock clock) {
    this.clock = clock;
  }

  Session create(String who) {
    Instant now = clock.instant();
    sessions.values().removeIf(s -> s.lastSeen.isBefore(now.minus(IDLE)));
    while (sessions.size() >= MAX) {
      // Pre-login sessions go first, so that visits to the login page cannot push out people signed in.
      sessions.values().stream()
          .min(Comparator.comparing(Session::signedIn).thenComparing((Session s) -> s.lastSeen))
          .ifPresent(oldest -> sessions.remove(oldest.id));
    }
    Session session = new Session(token(), token(), who, now);
    sessions.put(session.id, session);
    return session;
  }

  Optional<Session> find(String id) {
    if (id == null) {
      return Optional.empty();
    }
    Session session = sessions.get(id);
    Instant now = clock.instant();
    if (session == null || session.lastSeen.isBefore(now.minus(IDLE))) {
      if (session != null) {
        sessions.remove(id);
      }
      return Optional.empty();
    }
    session.lastSeen = now;
    return Optional.of(session);
  }

  void remove(String id) {
    sessions.remove(id);
  }

  private String token() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
