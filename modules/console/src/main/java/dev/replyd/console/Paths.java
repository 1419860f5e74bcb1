package dev.replyd.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Delivery ids in URLs and file names. Maildir names may hold characters a URL path must not carry
 * as they are (a backslash from the {@code \057} escapes would turn into a slash in a browser).
 *
 * <p>Thread-safety: stateless.
 */
public final class Paths {
  private Paths() {}

  /** {@code id} as one URL path segment. */
  public static String encode(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The console path of a delivery's detail page. */
  public static String delivery(String id) {
    return "/console/deliveries/" + encode(id);
  }

  /** {@code id} with anything but letters, digits, dot, dash and underscore replaced, for a download's name. */
  static String fileName(String id) {
    return id.replaceAll("[^A-Za-z0-9._-]", "_");
  }
}
