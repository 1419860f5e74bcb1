/**
 * Reply addresses and webhook signatures: the pure, JDK-only part of replyd that the tracker's main app can
 * use too.
 *
 * <p>Public types: {@link dev.replyd.address.ReplyAddressCodec} mints and checks signed reply addresses
 * ({@code <prefix>+<kind>-<thread>-<sig>-<user>@<reply-domain>}, contract 1 of ARCHITECTURE.md),
 * {@link dev.replyd.address.ReplyToken} is what an address carries, {@link dev.replyd.address.AddressCheck} and
 * {@link dev.replyd.address.Refusal} say why an address was refused, and
 * {@link dev.replyd.address.WebhookSignature} signs and verifies the callback's {@code Replyd-Signature} header
 * (contract 3), {@link dev.replyd.address.HostNames} is the one host-name rule of the project, and
 * {@link dev.replyd.address.LoggableUrl} is the one way a configured URL is shown (no user info, no query
 * values). Everything else is package-private. No I/O, no logging, no third-party dependencies.
 */
package dev.replyd.address;
