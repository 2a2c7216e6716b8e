/**
 * What to do with a request body the handler did not read in full (it
 * answered 413, 401 or 404 first): read and drop what the client still
 * sends, briefly, then close the connection unless the body ended.
 *
 * Why not close at once: closing a socket with unread bytes in its receive
 * queue makes the kernel send a reset, and a client still uploading may
 * then lose the answer it was about to read (curl printed 000 or 100 for
 * about one request in sixteen). Why not drain it all: a hostile client
 * sends forever. This is nginx's lingering close, bounded twice over.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * Longest a connection lingers after its answer. Reason: a client that
 * reads answers during its upload (curl, browsers) stops sending within a
 * round trip; a second is hundreds of them on a LAN.
 */
export const LINGER_MS = 1_000;
/**
 * Most bytes dropped while lingering. Reason: 100 ms of a gigabit link; a
 * client that sends this much after its answer is not reading it.
 */
export const LINGER_BYTES = 16 * 1024 * 1024;

/**
 * Arranges for `req`'s unread body to be dropped once `res` is finished
 * (node's own clean-up of the request runs first), then the socket closed
 * unless the body ended within the bounds; a body that ended leaves the
 * connection open for the next request.
 */
export function lingerAfter(req: IncomingMessage, res: ServerResponse): void {
  res.once("finish", () => {
    if (req.complete || req.socket.destroyed) return;
    let dropped = 0;
    const stop = () => {
      clearTimeout(timer);
      req.off("data", onData);
      req.socket.destroy();
    };
    const onData = (chunk: Uint8Array) => {
      dropped += chunk.length;
      if (dropped > LINGER_BYTES) stop();
    };
    const timer = setTimeout(stop, LINGER_MS);
    req.on("data", onData);
    req.once("end", () => {
      clearTimeout(timer);
      req.off("data", onData);
    });
    req.once("close", () => clearTimeout(timer));
    req.on("error", () => {});
    req.resume();
  });
}
