/**
 * Runs a fetch handler (Hono's `app.fetch`) behind a node:http(s) server:
 * the incoming message becomes a `Request` whose body streams (read only
 * as the handler reads it, _body_stream.ts) and whose signal aborts when
 * the client goes away; the `Response` body is written chunk by chunk as
 * it comes (server-sent events, long downloads), waiting for `drain` so a
 * slow client holds one socket buffer, not the whole body, and is
 * cancelled when the client disconnects, so the producer stops.
 *
 * Nothing a request does escapes it: a target or header that cannot make a
 * `Request` is a 400, a handler that throws (or a response that cannot be
 * written) a 500 for that request alone, reported to `onError`. A body
 * the handler did not read in full is dropped for a bounded time after
 * the answer, then the connection closed (_linger.ts).
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { bodyStream } from "./_body_stream.ts";
import { lingerAfter } from "./_linger.ts";

/** The handler: `app.fetch` with an env built per request. */
export type FetchHandler<E> = (request: Request, env: E) => Response | Promise<Response>;

/**
 * Headers that describe one hop, not the message: node:http writes its own
 * (a streamed body goes out chunked), and a copy from the handler would
 * contradict them (Hono's streamSSE sets Transfer-Encoding and Connection).
 */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "upgrade",
  "proxy-connection",
]);

/** A Host header eyrie accepts: a name or address and an optional port, nothing else. */
const HOST_PATTERN = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]{1,253})(:\d{1,5})?$/;

/**
 * A "." or ".." path segment, spelled as URL parsers read it ("%2e" is a
 * dot, "\" a slash). Browsers and curl resolve these before sending, so a
 * target that still has one is a probe; refused rather than resolved, so
 * that the path the app routes is the path that was sent.
 */
const DOT_SEGMENT = /(^|[/\\])(\.|%2e){1,2}([/\\]|$)/i;

/** Answers `status` with a line of text, or cuts the connection if the headers went out already. */
function plainResponse(res: ServerResponse, status: number, text: string): void {
  try {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
    res.end(`${text}\n`);
  } catch {
    res.destroy();
  }
}

/**
 * The `Request` for `req`, or a reason to refuse it: only origin-form
 * targets ("/path?query") and a well-formed Host are accepted, so a target
 * such as "//elsewhere/" or "http://elsewhere/" cannot change the origin
 * the app sees. Never throws: whatever the URL or header parser refuses is
 * the reason.
 */
export function toRequest(
  req: IncomingMessage,
  scheme: "http" | "https",
  fallbackHost: string,
  signal: AbortSignal,
  onFirstRead?: () => void,
): Request | string {
  const target = req.url ?? "";
  if (!target.startsWith("/")) return `Request target "${target.slice(0, 80)}" is not a path`;
  if (DOT_SEGMENT.test(target.split(/[?#]/, 1)[0] + "/")) {
    return `Request target "${target.slice(0, 80)}" has a "." or ".." segment`;
  }
  const host = req.headers.host ?? fallbackHost;
  if (!HOST_PATTERN.test(host)) return "Bad Host header";
  let url: URL;
  try {
    url = new URL(`${scheme}://${host}${target}`);
  } catch {
    // A port past 65535, for example: the pattern allows five digits.
    return "Bad Host header or request target";
  }
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      headers.append(raw[i], raw[i + 1]);
    } catch {
      return `Bad header "${raw[i].slice(0, 40)}"`;
    }
  }
  const method = req.method ?? "GET";
  try {
    return new Request(url, {
      method,
      headers,
      body: method === "GET" || method === "HEAD" ? null : bodyStream(req, onFirstRead),
      signal,
      // A streamed request body (fetch's rule for a ReadableStream body).
      duplex: "half",
    } as RequestInit);
  } catch (error) {
    // A method fetch forbids (CONNECT, TRACE, TRACK) or cannot carry.
    return `Cannot take this request: ${(error as Error).message.slice(0, 80)}`;
  }
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

/** Writes `response` to `res`, streaming its body; resolves when done or the client left. */
export async function writeResponse(
  res: ServerResponse,
  response: Response,
  method: string,
): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name) && name !== "set-cookie") headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  const body = method === "HEAD" ? null : response.body;
  if (body === null) {
    await response.body?.cancel().catch(() => {});
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  res.writeHead(response.status, headers);
  // Send the headers now: an event stream may not write its first chunk for a while.
  res.flushHeaders();
  const reader = body.getReader();
  const cancel = () => void reader.cancel().catch(() => {});
  res.once("close", cancel);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      if (res.destroyed) return;
      if (!res.write(value)) await drained(res);
    }
    res.end();
  } catch {
    // The producer failed mid-body: the client must not take a cut body for a whole one.
    res.destroy();
  } finally {
    res.off("close", cancel);
  }
}

/**
 * A node:http(s) request listener that runs `handler`. `env` builds the
 * handler's env from the request (its connection); `onError` hears about a
 * handler that threw or a response that could not be written (the client
 * gets a 500, or a cut connection once the headers went out).
 */
export function nodeListener<E>(
  handler: FetchHandler<E>,
  options: {
    scheme: "http" | "https";
    fallbackHost: string;
    env: (req: IncomingMessage) => E;
    onError?: (error: unknown) => void;
  },
): (req: IncomingMessage, res: ServerResponse) => void {
  const report = (error: unknown) => {
    try {
      options.onError?.(error);
    } catch {
      // A failing logger must not take the request down with it.
    }
  };
  const handle = async (req: IncomingMessage, res: ServerResponse, aborter: AbortController) => {
    // node:http leaves "100 Continue" to us (checkContinue): sent once the handler reads the body.
    const expects = /100-continue/i.test(req.headers.expect ?? "");
    const goOn = () => {
      if (expects && !res.headersSent && !res.destroyed) res.writeContinue();
    };
    const request = toRequest(req, options.scheme, options.fallbackHost, aborter.signal, goOn);
    if (typeof request === "string") {
      plainResponse(res, 400, request);
      return;
    }
    let response: Response;
    try {
      response = await handler(request, options.env(req));
    } catch (error) {
      report(error);
      plainResponse(res, 500, "Internal error");
      return;
    }
    await writeResponse(res, response, request.method);
  };
  return (req, res) => {
    lingerAfter(req, res);
    const aborter = new AbortController();
    // The client went away before the whole response was written: abort the request's signal.
    res.once("close", () => {
      if (!res.writableFinished) aborter.abort();
    });
    handle(req, res, aborter).catch((error) => {
      report(error);
      plainResponse(res, 500, "Internal error");
    });
  };
}
