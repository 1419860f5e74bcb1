package dev.replyd.bench;

/**
 * The messages the extraction benchmark and the SMTP harness send: replies to an issue-tracker
 * notification as common mail clients write them. Synthetic (written here, not copied from
 * anyone's mail), so they can live in the repository.
 *
 * <p>Contract: every message's reply starts with {@link #EXPECTED_REPLY_START} and carries none of
 * the quoted notification; {@link #requireReplyOnly} checks that.
 *
 * <p>Thread-safety: constants only.
 */
final class SyntheticMessages {
  static final String EXPECTED_REPLY_START = "Thanks, that fixes it for me.";

  private static final String QUOTED_NOTIFICATION =
      "Alice commented on issue #42 (Crash when the config file is empty):\n\n"
          + "I pushed a fix in 3f2a9c1: the loader now treats an empty file as the defaults\n"
          + "instead of failing with a NullPointerException. Could you check whether it\n"
          + "also fixes the start-up crash you reported?\n\n"
          + "-- \nReply to this email directly or view it on the tracker:\n"
          + "https://tracker.example.com/acme/widget/issues/42#comment-1187\n";

  static final String PLAIN_TOP_POST_BODY =
      EXPECTED_REPLY_START + " I tested 2.3.1 on two machines and the\n"
          + "crash at start-up is gone.\n\n"
          + "One more thing: the log still prints the deprecation warning for\n"
          + "the old key name. Should I open a separate issue for that?\n\n"
          + "Regards,\nBob\n\n"
          + "On Tue, 4 Mar 2025 at 09:15, Alice (Tracker) <reply+i-42-0123456789abcdef0123456789abcdef01234567-5@reply.tracker.example.com> wrote:\n"
          + quote(QUOTED_NOTIFICATION);

  private static final String HEADERS =
      "Return-Path: <bob@example.org>\r\n"
          + "From: Bob Example <bob@example.org>\r\n"
          + "To: Alice (Tracker) <reply+i-42-0123456789abcdef0123456789abcdef01234567-5@reply.tracker.example.com>\r\n"
          + "Subject: Re: [acme/widget] Crash when the config file is empty (#42)\r\n"
          + "Date: Tue, 4 Mar 2025 10:02:11 +0100\r\n"
          + "Message-ID: <CAB1234567890abcdef@mail.example.org>\r\n"
          + "In-Reply-To: <acme/widget/issues/42/1187@tracker.example.com>\r\n"
          + "References: <acme/widget/issues/42@tracker.example.com> <acme/widget/issues/42/1187@tracker.example.com>\r\n"
          + "MIME-Version: 1.0\r\n";

  static final String PLAIN_TOP_POST =
      HEADERS + "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
          + crlf(PLAIN_TOP_POST_BODY);

  private static final String HTML_BODY =
      "<html><head><meta charset=\"utf-8\"></head><body>\r\n"
          + "<div dir=\"ltr\"><div>" + EXPECTED_REPLY_START + " I tested 2.3.1 on two machines and the crash at"
          + " start-up is gone.</div><div><br></div><div>One more thing: the log still prints the deprecation"
          + " warning for the old key name. Should I open a separate issue for that?</div><div><br></div>"
          + "<div>Regards,<br>Bob</div></div><br>\r\n"
          + "<div class=\"gmail_quote\"><div dir=\"ltr\" class=\"gmail_attr\">On Tue, 4 Mar 2025 at 09:15, Alice"
          + " (Tracker) &lt;reply+i-42-0123456789abcdef0123456789abcdef01234567-5@reply.tracker.example.com&gt;"
          + " wrote:<br></div><blockquote class=\"gmail_quote\" style=\"margin:0px 0px 0px 0.8ex;border-left:1px"
          + " solid rgb(204,204,204);padding-left:1ex\">"
          + QUOTED_NOTIFICATION.replace("\n", "<br>\r\n") + "</blockquote></div>\r\n</body></html>\r\n";

  static final String MULTIPART_ALTERNATIVE =
      HEADERS + "Content-Type: multipart/alternative; boundary=\"000000000000b1c2d3e4f5\"\r\n\r\n"
          + "--000000000000b1c2d3e4f5\r\nContent-Type: text/plain; charset=\"UTF-8\"\r\n"
          + "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
          + crlf(PLAIN_TOP_POST_BODY).replace("=", "=3D")
          + "\r\n--000000000000b1c2d3e4f5\r\nContent-Type: text/html; charset=\"UTF-8\"\r\n"
          + "Content-Transfer-Encoding: 8bit\r\n\r\n"
          + HTML_BODY
          + "\r\n--000000000000b1c2d3e4f5--\r\n";

  static final String HTML_OUTLOOK =
      HEADERS + "Content-Type: text/html; charset=\"utf-8\"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
          + "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"></head>"
          + "<body><div class=\"WordSection1\"><p class=\"MsoNormal\">" + EXPECTED_REPLY_START
          + " I tested 2.3.1 on two machines and the crash at start-up is gone.</p>"
          + "<p class=\"MsoNormal\">One more thing: the log still prints the deprecation warning for the old key"
          + " name. Should I open a separate issue for that?</p><p class=\"MsoNormal\">Regards,<br>Bob</p>\r\n"
          + "<div id=\"divRplyFwdMsg\" dir=\"ltr\"><hr style=\"display:inline-block;width:98%\" tabindex=\"-1\">"
          + "<font face=\"Calibri, sans-serif\" style=\"font-size:11pt\" color=\"#000000\"><b>From:</b> Alice"
          + " (Tracker) &lt;reply+i-42-0123456789abcdef0123456789abcdef01234567-5@reply.tracker.example.com&gt;<br>"
          + "<b>Sent:</b> Tuesday, March 4, 2025 9:15 AM<br><b>To:</b> Bob Example &lt;bob@example.org&gt;<br>"
          + "<b>Subject:</b> [acme/widget] Crash when the config file is empty (#42)</font><div>&nbsp;</div></div>"
          + "<div>" + QUOTED_NOTIFICATION.replace("\n", "<br>\r\n") + "</div></div></body></html>\r\n";

  private SyntheticMessages() {}

  /** The message named by the benchmark parameter; unknown names are a benchmark setup error. */
  static String byName(String name) {
    switch (name) {
      case "plain-top-post":
        return PLAIN_TOP_POST;
      case "multipart-alternative":
        return MULTIPART_ALTERNATIVE;
      case "html-outlook":
        return HTML_OUTLOOK;
      default:
        throw new IllegalArgumentException("message: " + name
            + " (expected: plain-top-post, multipart-alternative or html-outlook)");
    }
  }

  /** Fails unless {@code reply} is the reply alone: a broken extractor must not yield a figure. */
  static void requireReplyOnly(String what, String reply) {
    String text = reply.strip();
    if (!text.startsWith(EXPECTED_REPLY_START) || text.contains("wrote:") || text.contains("Alice commented")
        || text.contains("From:")) {
      throw new IllegalStateException(what + " extracted as [" + text + "] (expected: the reply only, starting with \""
          + EXPECTED_REPLY_START + "\")");
    }
  }

  private static String quote(String text) {
    StringBuilder quoted = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      quoted.append(line.isEmpty() ? ">" : "> " + line).append('\n');
    }
    return quoted.toString();
  }

  private static String crlf(String text) {
    return text.replace("\n", "\r\n");
  }
}
