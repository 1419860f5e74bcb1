/**
 * The operator console: {@link dev.replyd.console.Console} serves pages under {@code /console/} and a JSON
 * API under {@code /api/v1/} (docs/api.md) on the daemon's metrics listener when {@code console.enabled}.
 * It reads the store ({@code maildir}), the processor's reason files and retry states, and runs the
 * diagnostics module's checklist, support bundle and test email; it adds no second copy of any of them.
 *
 * <p>Public surface: {@link dev.replyd.console.Console} (with its settings and sources) and, for the
 * compiled templates only, {@link dev.replyd.console.Paths} and the view records. Everything else is
 * package-private.
 */
package dev.replyd.console;
