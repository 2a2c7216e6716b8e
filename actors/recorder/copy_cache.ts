/**
 * Copies of whole segments into another container (`GET
 * /api/recordings/:id?format=mp4|mkv|mov`), kept for a while as files so
 * they are served with ranges: a browser seeks in a file it can ask ranges
 * of, not in a stream (Chromium's `seekable` is empty without them). The
 * player uses this for a container the browser does not play (MOV in
 * Chromium, Matroska elsewhere). A copy reads and writes at disk speed.
 *
 * @module
 */
import { join } from "node:path";
import type { FromStitcher, ToStitcher } from "./stitch.ts";
import type { ExportJob } from "./stitch_run.ts";

const STITCH_WORKER = new URL("./stitch_worker.ts", import.meta.url);

/**
 * Bytes of copies kept. Reason: a few segments' worth (a 60 s segment at
 * 8 Mbit/s is 60 MB) without taking a Pi's SD card for a cache; the least
 * recently used go first.
 */
export const MAX_COPY_CACHE_BYTES = 256 * 2 ** 20;

/** How long an unused copy stays. Reason: a person watching one segment seeks within minutes. */
export const COPY_TTL_MS = 10 * 60_000;

interface Copy {
  path: string;
  bytes: number;
  usedAt: number;
  making: Promise<string> | null;
}

/** The copies of one eyrie, under `<data_dir>/cache/copies`. */
export class CopyCache {
  readonly #dir: string;
  readonly #copies = new Map<string, Copy>();
  #cleared: Promise<void> | null = null;

  constructor(dataDir: string) {
    this.#dir = join(dataDir, "cache", "copies");
  }

  /**
   * The file of `job` (one segment) as `key` names it (segment id, size and
   * format: a file that changed is copied again), made now if needed.
   */
  async get(key: string, job: ExportJob, extension: string): Promise<string> {
    // What an earlier run left is not known to this one: start empty.
    this.#cleared ??= Deno.remove(this.#dir, { recursive: true }).catch(() => {});
    await this.#cleared;
    const now = Date.now();
    this.#expire(now);
    const known = this.#copies.get(key);
    if (known !== undefined) {
      known.usedAt = now;
      return known.making ?? known.path;
    }
    const path = join(this.#dir, `${key}${extension}`);
    const copy: Copy = { path, bytes: 0, usedAt: now, making: null };
    copy.making = this.#make(job, path).then(
      async () => {
        copy.bytes = (await Deno.stat(path)).size;
        copy.making = null;
        this.#fit();
        return path;
      },
      async (e) => {
        this.#copies.delete(key);
        await Deno.remove(path).catch(() => {});
        throw e;
      },
    );
    this.#copies.set(key, copy);
    return await copy.making;
  }

  async #make(job: ExportJob, path: string): Promise<void> {
    await Deno.mkdir(this.#dir, { recursive: true });
    const worker = new Worker(STITCH_WORKER, { type: "module", name: "copy" });
    try {
      await new Promise<void>((resolve, reject) => {
        worker.onmessage = (e: MessageEvent<FromStitcher>) => {
          if (e.data.type === "done") resolve();
          else if (e.data.type === "error") reject(new Error(e.data.message));
        };
        worker.onerror = (e) => {
          e.preventDefault();
          reject(new Error(e.message));
        };
        worker.postMessage({ type: "file", job, path } satisfies ToStitcher);
      });
    } finally {
      worker.terminate();
    }
  }

  #expire(now: number): void {
    for (const [key, c] of this.#copies) {
      if (c.making === null && now - c.usedAt > COPY_TTL_MS) this.#drop(key, c);
    }
  }

  /** Drops the least recently used copies while they take more than the cap. */
  #fit(): void {
    const done = [...this.#copies].filter(([, c]) => c.making === null)
      .sort((a, b) => a[1].usedAt - b[1].usedAt);
    let total = done.reduce((n, [, c]) => n + c.bytes, 0);
    // The newest stays even alone over the cap: it is the one being asked for.
    for (const [key, c] of done.slice(0, -1)) {
      if (total <= MAX_COPY_CACHE_BYTES) break;
      total -= c.bytes;
      this.#drop(key, c);
    }
  }

  #drop(key: string, c: Copy): void {
    this.#copies.delete(key);
    // A response still reading it keeps its open file (Linux unlinks, the data stays until closed).
    Deno.remove(c.path).catch(() => {});
  }

  /** Removes every copy (eyrie is stopping). */
  async close(): Promise<void> {
    await Promise.all([...this.#copies.values()].map((c) => c.making?.catch(() => {})));
    this.#copies.clear();
    await Deno.remove(this.#dir, { recursive: true }).catch(() => {});
  }
}
