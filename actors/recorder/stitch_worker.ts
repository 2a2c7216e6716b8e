/**
 * The stitch Worker: one per download, copy for the player, or played
 * MJPEG stretch. It runs {@linkcode runExport} (or {@linkcode runFrames})
 * and posts what it makes to the main thread, one chunk or frame per "more"
 * (backpressure from the HTTP response), or writes it to a file.
 *
 * @module
 */
import { runExport, runFrames } from "./stitch_run.ts";
import type { FromStitcher, ToStitcher } from "./stitch.ts";

interface Scope {
  postMessage(m: FromStitcher, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<ToStitcher>) => void) | null;
  close(): void;
}
const scope = self as unknown as Scope;

let credit: (() => void) | null = null;
let credits = 0;
let cancelled = false;

function waitForCredit(): Promise<void> {
  if (credits > 0 || cancelled) {
    credits = Math.max(0, credits - 1);
    return Promise.resolve();
  }
  return new Promise((resolve) => (credit = resolve));
}

const isCancelled = () => cancelled;

function finish(work: Promise<{ frames: number }>): void {
  work
    .then(({ frames }) => {
      if (!cancelled) scope.postMessage({ type: "done", frames });
    })
    .catch((error) => scope.postMessage({ type: "error", message: (error as Error).message }))
    .finally(() => scope.close());
}

scope.onmessage = (e) => {
  const m = e.data;
  switch (m.type) {
    case "more":
      credits++;
      if (credit !== null) {
        const c = credit;
        credit = null;
        credits--;
        c();
      }
      return;
    case "cancel":
      cancelled = true;
      credit?.();
      return;
    case "start":
      finish(runExport(m.job, {
        write: async (bytes) => {
          await waitForCredit();
          if (!cancelled) {
            scope.postMessage({ type: "chunk", bytes }, [bytes.buffer as ArrayBuffer]);
          }
        },
        progress: (doneMs) => scope.postMessage({ type: "progress", doneMs }),
        cancelled: isCancelled,
      }));
      return;
    case "file":
      finish((async () => {
        using file = await Deno.open(m.path, { write: true, create: true, truncate: true });
        return await runExport(m.job, {
          write: async (bytes) => {
            for (let at = 0; at < bytes.length;) at += await file.write(bytes.subarray(at));
          },
          progress: () => {},
          cancelled: isCancelled,
        });
      })());
      return;
    case "frames":
      finish(runFrames(m, {
        frame: async (bytes, atMs) => {
          await waitForCredit();
          if (!cancelled) {
            scope.postMessage({ type: "frame", bytes, atMs }, [bytes.buffer as ArrayBuffer]);
          }
        },
        cancelled: isCancelled,
      }));
      return;
  }
};
