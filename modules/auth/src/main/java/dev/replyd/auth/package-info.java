/**
 * Sender authentication of stored replies: SPF (RFC 7208, Apache jSPF), DKIM (RFC 6376, Apache jDKIM)
 * and DMARC (RFC 7489, implemented here), so the main app can tell a reply really sent by the person's
 * domain from a forged one.
 *
 * <p>Public types: {@link dev.replyd.auth.SenderAuthenticator} verifies a stored message file;
 * {@link dev.replyd.auth.AuthResults} with {@link dev.replyd.auth.SpfResult},
 * {@link dev.replyd.auth.DkimResult} and {@link dev.replyd.auth.DmarcResult} are the verdicts (the callback
 * payload's {@code auth}) and write the {@code Authentication-Results} field (RFC 8601);
 * {@link dev.replyd.auth.ForeignAuthResults} recognises forged fields claiming our host name.
 * Everything else is package-private. All DNS goes through one client with the configured servers and
 * timeout ({@code DnsClient}).
 */
package dev.replyd.auth;
