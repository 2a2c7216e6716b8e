/**
 * `/login`: a plain HTML form (no script) that posts to /api/auth/login,
 * which sets the session cookie and sends the browser on to `next`.
 *
 * @module
 */
import { escapeHtml, page } from "./_layout.ts";

/** The sign-in page, with an error line and the local path to return to. */
export function loginPage(options: { next: string; error?: string; name?: string }) {
  const error = options.error === undefined
    ? ""
    : `<p class="error" role="alert">${escapeHtml(options.error)}</p>`;
  return page(
    "Sign in",
    `<div class="card narrow">
<h1>eyrie: sign in</h1>${error}
<form method="post" action="/api/auth/login">
<input type="hidden" name="next" value="${escapeHtml(options.next)}">
<label>User <input name="name" autocomplete="username" required maxlength="64" value="${
      escapeHtml(options.name ?? "")
    }" autofocus></label>
<label>Password <input type="password" name="password" autocomplete="current-password" required maxlength="1024"></label>
<button type="submit">Sign in</button>
</form>
<p class="muted">A browser with a client certificate from this eyrie signs in by itself.</p>
</div>`,
  );
}

/** A local path to go to after signing in: "/" unless `next` is a path on this site. */
export function safeNext(next: string | undefined | null): string {
  if (next === undefined || next === null) return "/";
  if (!next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  if (next.length > 2048 || /[\r\n]/.test(next)) return "/";
  return next;
}
