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

/** Longest `next` kept. Reason: a console path with its query is well under this. */
const MAX_NEXT_CHARS = 2048;

/**
 * What a same-origin path may hold: "/" and then the characters RFC 3986
 * allows unencoded in a path, query and fragment, or a %XX escape. Nothing
 * else: no space, tab or line break (URL parsers drop tabs and newlines,
 * so "/\t/host" became "//host"), no backslash (read as "/"), no
 * quotes or angle brackets.
 */
const LOCAL_PATH = /^\/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#]|%[0-9A-Fa-f]{2})*$/;

/**
 * A local path to go to after signing in: `next` if it is a path on this
 * site ({@linkcode LOCAL_PATH}, not "//host"), otherwise "/".
 */
export function safeNext(next: string | undefined | null): string {
  if (next === undefined || next === null || next.length > MAX_NEXT_CHARS) return "/";
  if (!LOCAL_PATH.test(next) || next.startsWith("//")) return "/";
  return next;
}
