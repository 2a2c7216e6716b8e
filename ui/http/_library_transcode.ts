// `GET /api/library/items/:id?format=webm`: a library item whose codec
// browsers do not decode, re-encoded as it plays (actors/library/transcode.ts)
// in a nice-19 child process (_transcode.ts), like the recordings' WebM
// export. One transcode per client: a new one ends the client's previous one
// (a player that changes items leaves the old request behind, and its
// cancel may come after the new request). At most MAX_LIBRARY_TRANSCODES
// across clients; past it 503 with Retry-After.
import { startTranscode } from "./_transcode.ts";
import type { LibraryTranscodeJob } from "../../actors/library/transcode.ts";

/**
 * Transcodes at once across clients. Reason: a VP8 encode of 720p takes
 * most of a core; half the machine's cores leaves the rest to the cameras.
 */
export const MAX_LIBRARY_TRANSCODES = Math.max(1, Math.floor(navigator.hardwareConcurrency / 2));

/** Retry-After of a refused transcode. Reason: films run long; a slot frees when one is left. */
export const LIBRARY_TRANSCODE_RETRY_AFTER_S = 30;

/** The running transcodes, one per client. */
export class LibraryTranscodes {
  #running = new Map<string, { stop(): void }>();
  readonly max: number;

  constructor(max = MAX_LIBRARY_TRANSCODES) {
    this.max = max;
  }

  /** How many run. */
  get size(): number {
    return this.#running.size;
  }

  /**
   * Admits `client`'s transcode, ending its previous one first; null when
   * other clients hold every slot. `end()` gives the slot back (once).
   */
  begin(client: string, stop: () => void): { end(): void } | null {
    const previous = this.#running.get(client);
    if (previous !== undefined) {
      // Its slot becomes the new one's (its end() then finds another entry and frees nothing).
      this.#running.delete(client);
      previous.stop();
    }
    if (this.#running.size >= this.max) return null;
    const entry = { stop };
    this.#running.set(client, entry);
    let ended = false;
    return {
      end: () => {
        if (ended) return;
        ended = true;
        if (this.#running.get(client) === entry) this.#running.delete(client);
      },
    };
  }
}

/** Log lines of a transcode (the console's logger, or a test's). */
export interface TranscodeLog {
  info(message: string, fields: Record<string, unknown>): void;
  error(message: string, fields: Record<string, unknown>): void;
}

/**
 * 200 with the WebM as the child makes it, or 503 when every slot is
 * taken. `release` is called once when the response ends for any reason.
 */
export function libraryTranscodeResponse(
  transcodes: LibraryTranscodes,
  client: string,
  job: LibraryTranscodeJob,
  options: { item: number; release(): void; log?: TranscodeLog },
): Response {
  let t: ReturnType<typeof startTranscode> | null = null;
  let stopped = false;
  const admitted = transcodes.begin(client, () => {
    stopped = true;
    t?.kill();
  });
  if (admitted === null) {
    options.release();
    return Response.json({
      error: `${transcodes.max} library transcodes run already; try again later`,
    }, { status: 503, headers: { "retry-after": String(LIBRARY_TRANSCODE_RETRY_AFTER_S) } });
  }
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    admitted.end();
    options.release();
  };
  const running = startTranscode(job, { progress: () => {}, stderr: () => {} });
  t = running;
  options.log?.info("library transcode started", { item: options.item, niced: running.niced });
  // Ended for a newer one of the same client: its slot is free at once, read or not.
  running.finished.then(() => {
    if (stopped) finish();
  });
  const reader = running.stdout.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done: end } = await reader.read();
        if (value !== undefined) controller.enqueue(value);
        if (!end) return;
        const result = await running.finished;
        finish();
        if ("error" in result && !stopped) {
          options.log?.error("library transcode failed", {
            item: options.item,
            error: result.error,
          });
          controller.error(new Error(result.error));
        } else controller.close();
      } catch (e) {
        finish();
        running.kill();
        controller.error(e);
      }
    },
    cancel() {
      finish();
      running.kill();
      reader.cancel().catch(() => {});
    },
  }, { highWaterMark: 1 });
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "video/webm",
      "cache-control": "no-store",
      "x-eyrie-transcode": "vp8/opus",
    },
  });
}
