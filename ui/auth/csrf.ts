/**
 * Cross-site request forgery protection for state-changing requests, from
 * the browser's own fetch metadata (the approach of Go's
 * net/http.CrossOriginProtection): a request is refused when its
 * `Sec-Fetch-Site` says it came from another site, or, without that header,
 * when its `Origin` names another origin. Requests with neither header do
 * not come from a browser page (curl, scripts) and carry no ambient
 * credentials a page could borrow. The session cookie is SameSite=Strict
 * as well. Pure.
 *
 * @module
 */

/** Methods that only read; everything else changes state. */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Null if the request may go on, else why not. */
export function crossOriginProblem(request: {
  method: string;
  url: string;
  secFetchSite: string | undefined;
  origin: string | undefined;
}): string | null {
  if (SAFE_METHODS.has(request.method)) return null;
  const site = request.secFetchSite;
  if (site !== undefined) {
    if (site === "same-origin" || site === "none") return null;
    return `Cross-origin ${request.method} refused (Sec-Fetch-Site: ${site})`;
  }
  if (request.origin === undefined) return null;
  let own: string;
  try {
    own = new URL(request.url).origin;
  } catch {
    return "Cross-origin request refused";
  }
  if (request.origin === own) return null;
  return `Cross-origin ${request.method} refused (Origin ${request.origin.slice(0, 100)})`;
}
