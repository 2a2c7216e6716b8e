/**
 * Raw HTTP/1.1 requests for fuzzing the console: valid requests for every
 * route, built from the access table's samples (tests/ui/auth) and the body
 * table (ui/http/body_limit.ts) since eyrie has no OpenAPI document, then
 * mutated at the HTTP level (methods, targets, versions, headers, framing,
 * chunked encoding) and at the byte level. Each is sent on a connection of
 * its own, and the answer's status read.
 *
 * @module
 */
import fc from "fast-check";
import net from "node:net";
import tls from "node:tls";
import { ROUTE_SAMPLES } from "../ui/auth/_route_samples.ts";
import { offer } from "../actors/viewer/_offers.ts";
import { applyMutations } from "./_bytes.ts";
import { mutated } from "./_bytes.ts";

/** A request before it is written out. */
export interface RawRequest {
  method: string;
  target: string;
  version: string;
  headers: [string, string][];
  body: Uint8Array;
  /** How the body is framed: Content-Length (maybe wrong), chunked (maybe broken), or none. */
  framing:
    | { kind: "length"; delta: number }
    | { kind: "chunked"; sizes: number[]; breakage: ChunkBreakage }
    | { kind: "none" };
}

type ChunkBreakage = "none" | "bad hex" | "huge size" | "no last chunk" | "extension" | "trailer";

const enc = new TextEncoder();

/** A valid body for each route that takes one. */
function bodyFor(method: string, path: string): { type: string; body: string } | null {
  if (path.endsWith("/whep") && method === "POST") {
    return { type: "application/sdp", body: offer() };
  }
  if (path.includes("/whep/") && method === "PATCH") {
    return { type: "application/trickle-ice-sdpfrag", body: "a=ice-ufrag:Vzyu\r\na=mid:0\r\n" };
  }
  if (path.endsWith("/quality")) return { type: "application/json", body: '{"preset":"low"}' };
  if (path === "/api/auth/login") {
    return { type: "application/json", body: '{"name":"alice","password":"alice-password"}' };
  }
  if (path === "/api/auth/request") {
    return { type: "application/json", body: '{"cameras":["front"],"note":"hi"}' };
  }
  if (path.startsWith("/api/auth/grants/")) {
    return { type: "application/json", body: '{"cameras":"*","can_download":true}' };
  }
  return null;
}

/** One valid request per access-table sample. */
export const SEED_REQUESTS: readonly RawRequest[] = ROUTE_SAMPLES.map((s) => {
  const b = bodyFor(s.method, s.path);
  const headers: [string, string][] = [["Host", "localhost"], ["Accept", "*/*"]];
  if (b !== null) headers.push(["Content-Type", b.type]);
  return {
    method: s.method,
    target: s.path,
    version: "HTTP/1.1",
    headers,
    body: enc.encode(b?.body ?? ""),
    framing: b === null ? { kind: "none" } : { kind: "length", delta: 0 },
  };
});

const HEADER_POOL: [string, string][] = [
  ["Host", "localhost:99999"],
  ["Host", "[::1]:8080"],
  ["Host", "evil.example"],
  ["Host", ""],
  ["Content-Length", "-1"],
  ["Content-Length", "1, 2"],
  ["Content-Length", "99999999999999999999"],
  ["Content-Length", "0"],
  ["Transfer-Encoding", "chunked"],
  ["Transfer-Encoding", "gzip, chunked"],
  ["Transfer-Encoding", "identity"],
  ["Expect", "100-continue"],
  ["Expect", "200-ok"],
  ["Cookie", "eyrie_session=eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9."],
  ["Cookie", "eyrie_session=" + "A".repeat(5000)],
  ["Origin", "https://evil.example"],
  ["Origin", "null"],
  ["Sec-Fetch-Site", "cross-site"],
  ["Sec-Fetch-Site", "same-origin"],
  ["Range", "bytes=0-"],
  ["Range", "bytes=-0,1-2,99999999999999999-"],
  ["Content-Type", "application/json; charset=utf-16"],
  ["Content-Type", "multipart/form-data; boundary=x"],
  ["Content-Type", "application/x-www-form-urlencoded"],
  ["Accept", "text/html"],
  ["Last-Event-ID", "99999999999999999999"],
  ["Connection", "keep-alive, Upgrade"],
  ["Upgrade", "websocket"],
  ["X-Long", "x".repeat(20_000)],
  ["X-Fold", "a\r\n  folded"],
  ["X Space", "v"],
  ["X-Nul", "a\u0000b"],
  ["X-Utf8", "\u00e9\u{1f600}"],
];

const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT"];
const TARGET_EDITS = [
  "%",
  "%00",
  "%2F..%2F",
  "/..",
  "//",
  "?x=%ff%fe",
  "?camera=front&camera=back",
  "?from=-1&to=NaN&limit=0",
  "#frag",
  "\\",
  ";a=b",
  "/" + "a".repeat(9000),
  "?next=/%09/evil.example",
];

/** `arb` one time in `1 + rest`, else null: each kind of change is rare, so several rarely meet. */
function sometimes<T>(arb: fc.Arbitrary<T>, rest = 4): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: rest, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });
}

const request: fc.Arbitrary<RawRequest> = fc.tuple(
  fc.constantFrom(...SEED_REQUESTS),
  fc.record({
    method: sometimes(
      fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...METHODS) },
        { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z!#$%&'*+.^_`|~-]{1,12}$/) },
      ),
    ),
    target: sometimes(
      fc.oneof(
        fc.constantFrom(...TARGET_EDITS).map((e) => (t: string) => t + e),
        fc.constantFrom("*", "http://evil.example/api/health", "/api/cameras/%2e%2e/x", "")
          .map((t) => () => t),
        fc.nat().map((n) => (t: string) => t.slice(0, n % (t.length + 1))),
      ),
    ),
    version: sometimes(fc.constantFrom("HTTP/1.0", "HTTP/2.0", "HTTP/1.1x", "HTTP/0.9", ""), 8),
    addHeaders: fc.oneof(
      { weight: 2, arbitrary: fc.constant([]) },
      { weight: 1, arbitrary: fc.array(fc.constantFrom(...HEADER_POOL), { maxLength: 3 }) },
    ),
    dropHeaders: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, {
      weight: 1,
      arbitrary: fc.nat({ max: 3 }),
    }),
    body: sometimes(fc.oneof(
      mutated(SEED_REQUESTS.map((r) => r.body).filter((b) => b.length > 0)),
      fc.uint8Array({ maxLength: 600 }),
      fc.constant(enc.encode('{"preset": {"__proto__": {"x": 1}}, "name": [], "password": 1e999}')),
    )),
    framing: sometimes(fc.oneof(
      fc.integer({ min: -5, max: 5 }).map((delta) => ({ kind: "length" as const, delta })),
      fc.record({
        kind: fc.constant("chunked" as const),
        sizes: fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 4 }),
        breakage: fc.constantFrom<ChunkBreakage>(
          "none",
          "none",
          "bad hex",
          "huge size",
          "no last chunk",
          "extension",
          "trailer",
        ),
      }),
      fc.constant({ kind: "none" as const }),
    )),
  }),
).map(([seed, m]) => ({
  method: m.method ?? seed.method,
  target: m.target === null ? seed.target : m.target(seed.target),
  version: m.version ?? seed.version,
  headers: [...seed.headers.slice(m.dropHeaders), ...m.addHeaders],
  body: m.body ?? seed.body,
  framing: m.framing ?? seed.framing,
}));

function chunked(body: Uint8Array, sizes: number[], breakage: ChunkBreakage): string[] {
  const out: string[] = [];
  const text = new TextDecoder("latin1").decode(body);
  for (let at = 0, i = 0; at < text.length; i++) {
    const n = sizes[i % sizes.length];
    const part = text.slice(at, at + n);
    const size = breakage === "bad hex" && i === 0
      ? "zz"
      : breakage === "huge size" && i === 0
      ? "fffffffffffffff"
      : part.length.toString(16);
    out.push(`${size}${breakage === "extension" ? ";name=value" : ""}\r\n${part}\r\n`);
    at += n;
  }
  if (breakage !== "no last chunk") {
    out.push(breakage === "trailer" ? "0\r\nX-Trailer: 1\r\n\r\n" : "0\r\n\r\n");
  }
  return out;
}

/** The bytes of `r` on the wire (latin1 for the head, so any byte can be written). */
export function encodeRequest(r: RawRequest): Uint8Array {
  const headers = [...r.headers];
  let body = new TextDecoder("latin1").decode(r.body);
  switch (r.framing.kind) {
    case "length":
      headers.push(["Content-Length", String(Math.max(0, r.body.length + r.framing.delta))]);
      break;
    case "chunked":
      headers.push(["Transfer-Encoding", "chunked"]);
      body = chunked(r.body, r.framing.sizes, r.framing.breakage).join("");
      break;
  }
  headers.push(["Connection", "close"]);
  const head = `${r.method} ${r.target} ${r.version}\r\n` +
    headers.map(([k, v]) => `${k}: ${v}\r\n`).join("") + "\r\n";
  const text = head + body;
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return bytes;
}

const byteOps = fc.array(
  fc.tuple(fc.constantFrom(...["flip", "truncate", "insert", "delete", "byte"] as const), fc.nat()),
  { maxLength: 3 },
);

/** Requests on the wire: HTTP-level mutations, and a quarter of them mutated byte by byte too. */
export const wireRequests: fc.Arbitrary<Uint8Array> = fc.tuple(
  request,
  sometimes(fc.tuple(byteOps, fc.uint8Array({ minLength: 1, maxLength: 8 })), 3),
).map(([r, bytes]) => {
  const wire = encodeRequest(r);
  if (bytes === null) return wire;
  const [ops, fill] = bytes;
  return applyMutations(
    wire,
    ops.map(([kind, at]) =>
      kind === "flip"
        ? { kind, at, bits: fill[0] | 1 }
        : kind === "truncate"
        ? { kind, at }
        : kind === "insert"
        ? { kind, at, bytes: fill }
        : kind === "delete"
        ? { kind, at, n: 1 + (fill[0] % 16) }
        : { kind: "byte" as const, at, value: fill[0] }
    ),
    [wire],
  );
});

/** Where to send requests. */
export interface Target {
  port: number;
  /** TLS client options (CA, certificate) for HTTPS; absent for HTTP. */
  tls?: tls.ConnectionOptions;
}

/**
 * Longest wait for an answer. Reason: the console under test runs with
 * 300/500 ms header and request timeouts, so even a request it must wait
 * on (a body shorter than its Content-Length) is answered 408 in about
 * 0.6 s; 10 s of silence is a hang.
 */
export const ANSWER_TIMEOUT_MS = 10_000;

/** What came back: the final status (1xx skipped) or why there is none, and what was read. */
export interface Answer {
  status: number | "closed" | "timeout";
  text: string;
}

/**
 * Sends `bytes` on a new connection and reads the answer's status. A 5xx is
 * read to its end (the server closes: Connection: close) for its reason.
 */
export function send(target: Target, bytes: Uint8Array): Promise<Answer> {
  return new Promise((resolve) => {
    let text = "";
    let done = false;
    let status: number | null = null;
    const finish = (v: number | "closed" | "timeout") => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: v, text });
    };
    const onConnect = () => socket.write(bytes);
    const socket: net.Socket = target.tls === undefined
      ? net.connect(target.port, "127.0.0.1", onConnect)
      : tls.connect({ ...target.tls, host: "127.0.0.1", port: target.port }, onConnect);
    const timer = setTimeout(() => finish(status ?? "timeout"), ANSWER_TIMEOUT_MS);
    let head = "";
    socket.on("data", (chunk: Uint8Array) => {
      const piece = new TextDecoder("latin1").decode(chunk);
      text += piece;
      if (status !== null) return;
      head += piece;
      for (;;) {
        const m = /^HTTP\/1\.[01] (\d{3})[^\r\n]*\r\n/.exec(head);
        if (m === null) return;
        const code = Number(m[1]);
        if (code >= 200 || code < 100) {
          status = code;
          if (code < 500) finish(code);
          return;
        }
        // An interim answer (100 Continue): the final one follows its blank line.
        const end = head.indexOf("\r\n\r\n");
        if (end < 0) return;
        head = head.slice(end + 4);
      }
    });
    socket.on("error", () => finish(status ?? "closed"));
    socket.on("close", () => finish(status ?? "closed"));
  });
}
