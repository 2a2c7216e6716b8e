/**
 * Fuzzing what anyone who reaches the console sends before being known:
 * the session cookie and its token, the Cookie header, the Origin and
 * Sec-Fetch-Site checks, paths against the access table, the fields of
 * sign-in and grant requests, and where a sign-in sends the browser next. Tokens: a forged or mangled one never
 * reads as a session with other claims than the signer wrote; a real one
 * reads back. Everything else: no error but the documented ones.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { parse as parseCookies } from "hono/utils/cookie";
import { ACCESS_TABLE, matchAccess, matchPattern } from "../../ui/auth/access_table.ts";
import { crossOriginProblem } from "../../ui/auth/csrf.ts";
import { checkUserName, parseCameraList, parseQuality, parseRole } from "../../ui/auth/grant.ts";
import { safeNext } from "../../ui/auth/pages/login.ts";
import { issueSession, readSession, sessionCryptoKey } from "../../ui/auth/session.ts";
import { documented, fuzz, fuzzAsync } from "./_runs.ts";

const KEY = "k".repeat(43);
const OTHER_KEY = "o".repeat(43);
const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

const user = fc.record({
  name: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/),
  generation: fc.nat(),
});

/** A token edited the way an attacker would: characters changed, parts swapped or dropped, none alg. */
function mangle(token: string, edits: [number, number, number][]): string {
  let t = token;
  for (const [kind, a, b] of edits) {
    const parts = t.split(".");
    switch (kind % 5) {
      case 0: {
        const i = a % Math.max(1, t.length);
        t = t.slice(0, i) + B64URL[b % B64URL.length] + t.slice(i + 1);
        break;
      }
      case 1:
        t = parts.slice(0, a % 4).join(".");
        break;
      case 2: // alg: none, and no signature
        t = `${btoa('{"alg":"none","typ":"JWT"}').replace(/=+$/, "")}.${parts[1] ?? ""}.`;
        break;
      case 3: // claims of another user under the old signature
        t = `${parts[0]}.${
          btoa(`{"sub":"admin","gen":${b},"exp":9999999999}`).replace(/=+$/, "")
        }.${parts[2] ?? ""}`;
        break;
      default:
        t = t + ".".repeat(1 + (b % 3));
    }
  }
  return t;
}

Deno.test("fuzz: a real session token reads back, and a mangled or foreign one never reads as other claims", async () => {
  const key = await sessionCryptoKey(KEY);
  const other = await sessionCryptoKey(OTHER_KEY);
  const edits = fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat()), { maxLength: 4 });
  await fuzzAsync("session token", fc.tuple(user, edits, fc.boolean()), async ([u, e, foreign]) => {
    const nowMs = Date.now();
    const token = await issueSession(foreign ? other : key, u, nowMs);
    const claims = await readSession(key, mangle(token, e));
    if (claims === null) return;
    // Accepted: it can only be this installation's own token for this user (base64url has
    // spellings that decode alike, so an edit may leave the token valid).
    assert.equal(foreign, false);
    assert.deepEqual({ name: claims.name, generation: claims.generation }, { ...u });
  }, 2_000);
});

Deno.test("fuzz: any cookie value is no session, and never an error", async () => {
  const key = await sessionCryptoKey(KEY);
  const value = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.string({ unit: "binary", maxLength: 3000 }),
    fc.array(fc.stringMatching(/^[A-Za-z0-9_-]{0,60}$/), { maxLength: 5 }).map((p) => p.join(".")),
  );
  await fuzzAsync("session cookie value", value, async (v) => {
    assert.equal(await readSession(key, v), null);
  }, 5_000);
});

Deno.test("fuzz: any Cookie header parses without an error, into strings", () => {
  const pair = fc.tuple(
    fc.constantFrom("eyrie_session", "a", "", " ", "eyrie_session ", "__proto__", "constructor"),
    fc.constantFrom("=", "", "=="),
    fc.string({ maxLength: 30 }),
  ).map((p) => p.join(""));
  const header = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.tuple(fc.array(pair, { maxLength: 6 }), fc.constantFrom("; ", ";", ",", " "))
      .map(([pairs, sep]) => pairs.join(sep)),
  );
  fuzz("cookie header", header, (h) => {
    const jar = parseCookies(h);
    for (const v of Object.values(jar)) assert.equal(typeof v, "string");
    const one = parseCookies(h, "eyrie_session");
    const v = one["eyrie_session"];
    assert.ok(v === undefined || typeof v === "string");
  }, 10_000);
});

Deno.test("fuzz: the cross-origin check answers any method, URL, Origin and Sec-Fetch-Site without an error", () => {
  const request = fc.record({
    method: fc.oneof(
      fc.constantFrom("GET", "POST", "PUT", "DELETE", "OPTIONS", "get"),
      fc.string(),
    ),
    url: fc.oneof(fc.constantFrom("http://127.0.0.1:8080/api", "https://cam.lan/x"), fc.string()),
    secFetchSite: fc.option(
      fc.oneof(fc.constantFrom("same-origin", "same-site", "cross-site", "none"), fc.string()),
      { nil: undefined },
    ),
    origin: fc.option(
      fc.oneof(
        fc.constantFrom("null", "http://127.0.0.1:8080", "https://evil.example"),
        fc.string(),
      ),
      { nil: undefined },
    ),
  });
  fuzz("csrf check", request, (r) => {
    const problem = crossOriginProblem(r);
    if (["GET", "HEAD", "OPTIONS"].includes(r.method)) assert.equal(problem, null);
    if (r.secFetchSite === "cross-site" && !["GET", "HEAD", "OPTIONS"].includes(r.method)) {
      assert.notEqual(problem, null);
    }
  }, 10_000);
});

Deno.test("fuzz: any path matches exactly one access rule, and a path under /api never falls to the page rule", () => {
  const segment = fc.oneof(
    fc.constantFrom(
      "api",
      "cameras",
      "front",
      "whep",
      "recordings",
      "auth",
      "..",
      ".",
      "",
      "%2F",
      "%",
      "*",
    ),
    fc.string({ maxLength: 8 }),
  );
  const path = fc.array(segment, { maxLength: 7 }).map((s) => "/" + s.join("/"));
  const method = fc.constantFrom("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "X");
  fuzz("access table match", fc.tuple(method, path), ([m, p]) => {
    const hit = matchAccess(m, p);
    if (p === "/api" || p.startsWith("/api/")) assert.notEqual(hit.rule.pattern, "/*");
    for (const value of Object.values(hit.params)) assert.equal(typeof value, "string");
    for (const rule of ACCESS_TABLE) matchPattern(rule.pattern, p);
  }, 10_000);
});

Deno.test("fuzz: user names, roles, qualities and camera lists are accepted or refused with TypeError/RangeError", () => {
  const text = fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: "binary", maxLength: 80 }));
  const list = fc.oneof(text, fc.array(text, { maxLength: 80 }));
  fuzz("grant fields", fc.tuple(text, list), ([t, l]) => {
    for (const f of [checkUserName, parseRole, parseQuality]) {
      try {
        assert.equal(f(t), t);
      } catch (e) {
        documented(e, [TypeError]);
      }
    }
    try {
      const cams = parseCameraList(l);
      if (cams !== "*") { for (const c of cams) assert.match(c, /^[a-z0-9][a-z0-9-]{0,31}$/); }
    } catch (e) {
      documented(e, [TypeError, RangeError]);
    }
  }, 10_000);
});

/** Strings built to look like paths, from the characters that have fooled redirect checks. */
const tricky = fc.array(
  fc.constantFrom(
    "/",
    "\\",
    "\t",
    "\n",
    "\r",
    " ",
    "%",
    "2F",
    "5C",
    "09",
    ".",
    "..",
    "@",
    ":",
    "?",
    "#",
    "evil.example",
    "a",
    "\u0000",
    "\u00a0",
    "\u3000",
    "\uff0f",
    "%2f",
  ),
  { maxLength: 12 },
).map((parts) => parts.join(""));

Deno.test('fuzz: safeNext() of any string is that string or "/", and resolves to this origin', () => {
  const base = new URL("https://cam.local:8443/api/auth/login");
  const input = fc.oneof(fc.string({ unit: "binary" }), tricky, tricky.map((s) => `/${s}`));
  fuzz("redirect target (next)", input, (s) => {
    const next = safeNext(s);
    assert.ok(next === s || next === "/");
    // Resolved as browsers and fetch resolve a Location: always this origin.
    assert.equal(new URL(next, base).origin, base.origin, JSON.stringify(s));
    new Headers({ location: next });
  }, 20_000);
});
