/**
 * The transcoding exports (WebM) of a running eyrie: who may start one, how
 * far each has come, and how long it will take. A transcode decodes and
 * encodes every frame, so it is bounded — one at a time per camera, and
 * {@linkcode MAX_TRANSCODES} in all — and runs at low priority (the child
 * process, ui/http/_transcode.ts). Copies (mp4, mkv, mov) read and write at
 * disk speed and are not tracked here.
 *
 * The estimate: before a transcode has made a second of progress, the speed
 * of the last one that finished (media seconds per second of work, per
 * megapixel-frame), else none; after, its own speed so far.
 *
 * @module
 */
import type { ExportFormat } from "./container.ts";

/** Transcodes one camera may run at once. Reason: the issue's bound; a second would only halve both. */
export const MAX_TRANSCODES_PER_CAMERA = 1;

/**
 * Transcodes running at once, all cameras together. Reason: each is a
 * process of ~70 MB and takes every idle core it can get; a Pi has 1–8 GB
 * and four cores that encode the cameras first.
 */
export const MAX_TRANSCODES = 2;

/** Finished transcodes the console still lists. Reason: a screenful. */
export const KEEP_FINISHED = 10;

/** Progress needed before a transcode's own speed is trusted for its estimate (ms of work). */
export const ESTIMATE_AFTER_MS = 1000;

export type ExportState = "running" | "done" | "failed" | "cancelled";

/** One transcode as the console shows it. */
export interface ExportEntry {
  id: number;
  camera: string;
  format: ExportFormat;
  fromMs: number;
  toMs: number;
  /** Media the export will make, ms (the recorded part of the range). */
  mediaMs: number;
  /** Pixels per second of the input (width × height × fps): what the work scales with. */
  pixelRate: number;
  startedAtMs: number;
  /** Media made so far, ms. */
  doneMs: number;
  bytes: number;
  state: ExportState;
  error: string | null;
  endedAtMs: number | null;
}

/** What the API says of an export. */
export interface ExportView {
  id: number;
  camera: string;
  format: ExportFormat;
  from: string;
  to: string;
  state: ExportState;
  /** 0..1 */
  progress: number;
  done_s: number;
  total_s: number;
  elapsed_s: number;
  /** Seconds left, or null before there is anything to estimate from. */
  eta_s: number | null;
  bytes: number;
  error: string | null;
}

/** Whether a transcode may start, and if not, the answer. */
export type Admission =
  | { ok: true }
  | { ok: false; status: 429 | 503; message: string; retryAfterS: number };

/**
 * Decides whether `camera` may start a transcode while `running` run. Pure.
 * A camera with one running gets 429 (its own request is the one too many);
 * a full machine gets 503. `etaS` gives the seconds left of a running one.
 */
export function admitTranscode(
  running: readonly ExportEntry[],
  camera: string,
  etaS: (e: ExportEntry) => number | null,
): Admission {
  const retry = (list: readonly ExportEntry[]) =>
    Math.max(1, Math.min(...list.map((e) => Math.ceil(etaS(e) ?? 60))));
  const mine = running.filter((e) => e.camera === camera);
  if (mine.length >= MAX_TRANSCODES_PER_CAMERA) {
    const e = mine[0];
    const eta = etaS(e);
    return {
      ok: false,
      status: 429,
      retryAfterS: retry(mine),
      message:
        `An export of ${camera} to ${e.format} is already running (${
          Math.floor(progressOf(e) * 100)
        }% done${eta === null ? "" : `, about ${Math.ceil(eta)} s left`}); ` +
        `${camera} transcodes one export at a time: try again when it ends`,
    };
  }
  if (running.length >= MAX_TRANSCODES) {
    return {
      ok: false,
      status: 503,
      retryAfterS: retry(running),
      message: `${running.length} exports are transcoding already (at most ${MAX_TRANSCODES} ` +
        `at once, so recording keeps its CPU): try again when one ends`,
    };
  }
  return { ok: true };
}

function progressOf(e: ExportEntry): number {
  return e.mediaMs <= 0 ? 0 : Math.min(1, e.doneMs / e.mediaMs);
}

/** The transcodes of this eyrie, running and recently finished. */
export class Exports {
  readonly #now: () => number;
  readonly #entries: ExportEntry[] = [];
  #nextId = 1;
  /** Media ms made per ms of work per pixel/s, from the last transcode that finished. */
  #speedPerPixel: number | null = null;

  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
  }

  /** Those running now. */
  running(): ExportEntry[] {
    return this.#entries.filter((e) => e.state === "running");
  }

  /**
   * Starts tracking a transcode if {@linkcode admitTranscode} lets it:
   * the entry, or the refusal.
   */
  begin(
    request: Pick<ExportEntry, "camera" | "format" | "fromMs" | "toMs" | "mediaMs" | "pixelRate">,
  ): { ok: true; entry: ExportEntry } | Exclude<Admission, { ok: true }> {
    const admission = admitTranscode(this.running(), request.camera, (e) => this.etaS(e));
    if (!admission.ok) return admission;
    const entry: ExportEntry = {
      ...request,
      id: this.#nextId++,
      startedAtMs: this.#now(),
      doneMs: 0,
      bytes: 0,
      state: "running",
      error: null,
      endedAtMs: null,
    };
    this.#entries.push(entry);
    return { ok: true, entry };
  }

  /** Records progress of a running transcode. */
  progress(entry: ExportEntry, update: { doneMs?: number; bytes?: number }): void {
    if (entry.state !== "running") return;
    if (update.doneMs !== undefined) entry.doneMs = Math.min(entry.mediaMs, update.doneMs);
    if (update.bytes !== undefined) entry.bytes = update.bytes;
  }

  /** Ends a transcode; a whole one teaches the next estimate its speed. */
  end(entry: ExportEntry, state: Exclude<ExportState, "running">, error: string | null = null) {
    if (entry.state !== "running") return;
    const now = this.#now();
    entry.state = state;
    entry.error = error;
    entry.endedAtMs = now;
    const workMs = now - entry.startedAtMs;
    if (state === "done") {
      entry.doneMs = entry.mediaMs;
      if (workMs > 0 && entry.pixelRate > 0 && entry.mediaMs > 0) {
        this.#speedPerPixel = (entry.mediaMs / workMs) * entry.pixelRate;
      }
    }
    const finished = this.#entries.filter((e) => e.state !== "running");
    for (const old of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) {
      this.#entries.splice(this.#entries.indexOf(old), 1);
    }
  }

  /** Seconds left of a running transcode, or null when there is nothing to go on yet. */
  etaS(e: ExportEntry): number | null {
    if (e.state !== "running") return 0;
    const workMs = this.#now() - e.startedAtMs;
    const left = e.mediaMs - e.doneMs;
    if (workMs >= ESTIMATE_AFTER_MS && e.doneMs > 0) return (left * workMs) / e.doneMs / 1000;
    if (this.#speedPerPixel !== null && e.pixelRate > 0) {
      const speed = this.#speedPerPixel / e.pixelRate;
      return Math.max(0, e.mediaMs / speed - workMs) / 1000;
    }
    return null;
  }

  /** Every tracked transcode, newest first, as the API shows it. */
  list(): ExportView[] {
    const now = this.#now();
    return [...this.#entries].reverse().map((e) => {
      const eta = this.etaS(e);
      return {
        id: e.id,
        camera: e.camera,
        format: e.format,
        from: new Date(e.fromMs).toISOString(),
        to: new Date(e.toMs).toISOString(),
        state: e.state,
        progress: Math.round(progressOf(e) * 1000) / 1000,
        done_s: e.doneMs / 1000,
        total_s: e.mediaMs / 1000,
        elapsed_s: Math.round(((e.endedAtMs ?? now) - e.startedAtMs) / 100) / 10,
        eta_s: eta === null ? null : Math.round(eta * 10) / 10,
        bytes: e.bytes,
        error: e.error,
      };
    });
  }
}
