/**
 * A request body as a web `ReadableStream`, read from a node:http
 * `IncomingMessage` with backpressure, in place of `Readable.toWeb(req)`.
 *
 * Why not `Readable.toWeb`: Deno's adapter (2.9.6) keeps its `data`
 * listener after the web side is cancelled, and the next chunk's
 * `controller.enqueue()` throws "The stream controller cannot close or
 * enqueue" from an event callback, which ends the process. A route that
 * stops reading an oversized body (any bounded reader does) cancels the
 * stream, so one chunked upload stopped eyrie.
 *
 * Here no node event reaches the controller once the stream has settled
 * (closed, errored or cancelled). Nothing is read until the handler reads:
 * the queue's high-water mark is 0, so `pull` runs only for a pending
 * read, resumes the message, and the next chunk pauses it again. A body
 * nobody reads, or one cancelled halfway, stays unread in the socket
 * (paused); the adapter then closes the connection after the response
 * instead of draining it.
 *
 * @module
 */
import type { IncomingMessage } from "node:http";

type State = "unread" | "reading" | "complete" | "cancelled" | "failed";

/** The client went away, or was cut off by a timeout, before its body was all in. */
export class BodyCutOffError extends Error {
  override name = "BodyCutOffError";
}

/**
 * The body of `req` as a web stream (see the module comment). `onFirstRead`
 * runs when the handler first reads: the adapter sends "100 Continue" then,
 * so a client that asked first uploads nothing a route does not read.
 */
export function bodyStream(
  req: IncomingMessage,
  onFirstRead: () => void = () => {},
): ReadableStream<Uint8Array> {
  let state: State = "unread";
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  const settled = () => state !== "unread" && state !== "reading";

  const onData = (chunk: Uint8Array | string) => {
    if (settled() || controller === undefined) return;
    const bytes = typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk;
    try {
      // A copy: node may reuse the chunk's memory, and the reader keeps it.
      controller.enqueue(new Uint8Array(bytes));
    } catch {
      // Unreachable while `settled` is right; if not, stop reading rather than throw from an event.
      state = "failed";
      detach();
      req.pause();
      return;
    }
    if ((controller.desiredSize ?? 0) <= 0) req.pause();
  };
  const onEnd = () => {
    if (settled()) return;
    state = "complete";
    detach();
    controller?.close();
  };
  const onAbort = (error?: unknown) => {
    if (settled()) return;
    state = "failed";
    detach();
    const why = error instanceof Error ? `: ${error.message}` : "";
    controller?.error(new BodyCutOffError(`The request body was cut off${why}`));
  };
  const onClose = () => {
    // "close" after "end" is normal; before it, the body was cut short.
    if (!req.complete) onAbort();
  };
  function detach() {
    req.off("data", onData);
    req.off("end", onEnd);
    req.off("error", onAbort);
    req.off("close", onClose);
    // Keep an error listener: an error after this point has nobody else to hear it.
    req.on("error", () => {});
  }

  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    pull() {
      if (settled()) return;
      if (state === "unread") {
        state = "reading";
        onFirstRead();
        req.on("data", onData);
        req.on("end", onEnd);
        req.on("error", onAbort);
        req.on("close", onClose);
      }
      req.resume();
    },
    cancel() {
      if (settled()) return;
      state = "cancelled";
      detach();
      req.pause();
    },
  }, { highWaterMark: 0 });
}
