/**
 * Server-sent events (the WHATWG EventSource format) of stored detection
 * events: one message per event with its id, so a client that reconnects
 * resumes after the last one it saw (Last-Event-ID). Live clients are
 * bounded in number and in what may wait for each of them.
 *
 * @module
 */
import type { EventHub, EventQuery, StoredEvent } from "../../actors/events/mod.ts";

/** Most live streams at once. Reason: each holds a listener and a queue; the console needs one per open tab. */
export const MAX_SSE_CLIENTS = 32;
/** Messages that may wait for one slow client before its stream is cut (it reconnects and resumes). */
export const MAX_SSE_BACKLOG = 256;
/** Most stored events replayed to a client that resumes. Reason: a client gone for hours lists the rest. */
export const MAX_SSE_REPLAY = 100;
/** A comment line this often keeps proxies and browsers from timing the stream out. */
export const SSE_KEEPALIVE_MS = 15_000;
/** How long an EventSource waits before it reconnects. */
export const SSE_RETRY_MS = 3000;

const encoder = new TextEncoder();
let clients = 0;

/** One event as an SSE message: `id`, `event` (the type) and `data` (the JSON). */
export function sseMessage(e: StoredEvent): string {
  // JSON.stringify never emits a raw newline, so `data` is one line.
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
}

/** Whether an event passes a stream's filters. */
export function matches(e: StoredEvent, query: EventQuery): boolean {
  if (query.camera !== undefined && e.camera !== query.camera) return false;
  return query.types === undefined || query.types.length === 0 || query.types.includes(e.type);
}

/** Live streams open now. */
export function sseClients(): number {
  return clients;
}

/**
 * A streaming response of `hub`'s events that pass `query`, starting with
 * the stored ones after `lastId` when given. Null when
 * {@linkcode MAX_SSE_CLIENTS} streams are already open.
 */
export function eventStream(
  hub: EventHub,
  options: { query: EventQuery; lastId: number | undefined },
): Response | null {
  if (clients >= MAX_SSE_CLIENTS) return null;
  // Read the missed events and subscribe in one synchronous run (the
  // ReadableStream calls start() at once): no event can slip between them.
  const missed = options.lastId === undefined
    ? []
    : hub.store.since(options.lastId, { ...options.query, limit: MAX_SSE_REPLAY });
  clients++;
  let stop = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        if ((controller.desiredSize ?? 0) < -MAX_SSE_BACKLOG) {
          stop();
          controller.error(new Error("The client fell too far behind"));
          return;
        }
        controller.enqueue(encoder.encode(text));
      };
      send(`retry: ${SSE_RETRY_MS}\n\n`);
      for (const e of missed) send(sseMessage(e));
      const unsubscribe = hub.stream.subscribe((e) => {
        if (matches(e, options.query)) send(sseMessage(e));
      });
      const keepalive = setInterval(() => send(": keep-alive\n\n"), SSE_KEEPALIVE_MS);
      let stopped = false;
      stop = () => {
        if (stopped) return;
        stopped = true;
        unsubscribe();
        clearInterval(keepalive);
        clients--;
      };
    },
    cancel() {
      stop();
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      "x-accel-buffering": "no",
    },
  });
}
