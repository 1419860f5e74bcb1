package dev.replyd.console;

import com.sun.net.httpserver.HttpExchange;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Who is asking the console, and whether a POST is theirs.
 *
 * <p>Contract, in this order: a request with {@code Authorization: Bearer <token>} is the token's
 * holder when the token is {@code console.token-file}'s (compared in constant time), and is refused
 * when it is not (a wrong token never falls through to a cookie); a request with the session cookie of
 * a signed-in session is that session's; with {@code console.allow-loopback-without-login} (only
 * accepted when the listener is on loopback), a request from a loopback address whose {@code Host} is a
 * loopback name gets a signed-in session without a login (the Host check keeps DNS-rebinding pages out).
 * Anyone else must sign in.
 *
 * <p>CSRF: a POST is accepted from a bearer-token request (browsers never add that header on their own)
 * or when it carries its session's CSRF token (form field {@code csrf} or header {@code X-CSRF-Token}).
 * The cookie is {@code HttpOnly; SameSite=Strict} besides.
 *
 * <p>Thread-safety: immutable apart from {@link Sessions}, which is thread-safe.
 */
final class Access {
  static final String COOKIE = "replyd_console";

  /** An identified requester; {@code session} is null for a bearer token, {@code fresh} when just created. */
  record Principal(String who, Sessions.Session session, boolean fresh) {
    boolean bearer() {
      return session == null;
    }
  }

  /** The request carried a bearer token that is not the console's. */
  static final class BadToken extends Exception {
    BadToken() {
      super("the bearer token is not the one in console.token-file");
    }
  }

  private final byte[] tokenDigest;
  private final boolean loopbackWithoutLogin;
  private final Sessions sessions;

  Access(byte[] token, boolean loopbackWithoutLogin, Sessions sessions) {
    this.tokenDigest = token == null ? null : sha256(token);
    this.loopbackWithoutLogin = loopbackWithoutLogin;
    this.sessions = sessions;
  }

  Optional<Principal> identify(HttpExchange ex) throws BadToken {
    String authorization = ex.getRequestHeaders().getFirst("Authorization");
    if (authorization != null) {
      if (authorization.regionMatches(true, 0, "Bearer ", 0, 7) && tokenMatches(authorization.substring(7).strip())) {
        return Optional.of(new Principal("API token from " + remote(ex), null, false));
      }
      throw new BadToken();
    }
    Optional<Sessions.Session> session = sessions.find(Http.cookie(ex, COOKIE)).filter(Sessions.Session::signedIn);
    if (session.isPresent()) {
      return Optional.of(new Principal(session.get().who, session.get(), false));
    }
    if (loopbackWithoutLogin && isLoopback(ex) && loopbackHost(ex.getRequestHeaders().getFirst("Host"))) {
      Sessions.Session fresh = sessions.create("loopback user from " + remote(ex));
      return Optional.of(new Principal(fresh.who, fresh, true));
    }
    return Optional.empty();
  }

  /** The session of the login page (signed in or not), or a new one for it. */
  Sessions.Session loginSession(HttpExchange ex) {
    return sessions.find(Http.cookie(ex, COOKIE)).orElseGet(() -> sessions.create(null));
  }

  /** True when {@code presented} is the console token; false when there is none (loopback-only consoles). */
  boolean tokenMatches(String presented) {
    return tokenDigest != null && presented != null
        && MessageDigest.isEqual(tokenDigest, sha256(presented.getBytes(StandardCharsets.UTF_8)));
  }

  boolean tokenConfigured() {
    return tokenDigest != null;
  }

  /** The signed-in session that replaces {@code before} after a good login. */
  Sessions.Session signIn(Sessions.Session before, String who) {
    sessions.remove(before.id);
    return sessions.create(who);
  }

  void signOut(Sessions.Session session) {
    sessions.remove(session.id);
  }

  static boolean csrfMatches(Sessions.Session session, String presented) {
    return session != null && presented != null
        && MessageDigest.isEqual(sha256(session.csrf.getBytes(StandardCharsets.UTF_8)),
            sha256(presented.getBytes(StandardCharsets.UTF_8)));
  }

  static void setCookie(HttpExchange ex, Sessions.Session session) {
    ex.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + session.id + "; Path=/; HttpOnly; SameSite=Strict");
  }

  static void clearCookie(HttpExchange ex) {
    ex.getResponseHeaders().add("Set-Cookie", COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  }

  static String remote(HttpExchange ex) {
    InetAddress address = ex.getRemoteAddress().getAddress();
    return address == null ? "unknown" : address.getHostAddress();
  }

  private static boolean isLoopback(HttpExchange ex) {
    InetAddress address = ex.getRemoteAddress().getAddress();
    return address != null && address.isLoopbackAddress();
  }

  /** {@code Host: 127.0.0.1:9465}, {@code localhost:9465}, {@code [::1]:9465} (port optional). */
  static boolean loopbackHost(String host) {
    if (host == null) {
      return false;
    }
    String h = host.strip().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end > 0 && h.substring(1, end).equals("::1");
    }
    int colon = h.indexOf(':');
    String name = colon < 0 ? h : h.substring(0, colon);
    return List.of("localhost", "127.0.0.1").contains(name);
  }

  private static byte[] sha256(byte[] value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }
}
