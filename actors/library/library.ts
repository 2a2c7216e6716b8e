/**
 * The video library: every `[[library]]` folder scanned at start and again
 * when it changes (Deno.watchFs, settled for a moment), each new or
 * changed file read by GStreamer's discoverer and given a thumbnail, all
 * kept in the index (index.ts); files gone are removed. Streams are
 * counted: past {@linkcode MAX_LIBRARY_STREAMS} at once a new one is
 * refused, for the caller to answer 503 with Retry-After. Copies of
 * remuxed items (remux.ts) are kept under `<data_dir>/cache/library`.
 *
 * A file that cannot be read gets a row with its error; one that is not a
 * file (a link out of the folder, a device) is skipped with its reason
 * (scan.ts). Nothing in a folder stops the scan.
 *
 * @module
 */
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Discoverer } from "../../ffi/gst/discoverer.ts";
import type { LibraryConfig } from "../defs.ts";
import type { LogFields } from "../log/logger.ts";
import { type ItemRow, LibraryIndex, type LibraryItem } from "./index.ts";
import { mediaFacts } from "./media.ts";
import { remuxToFile } from "./remux.ts";
import { type SkippedEntry, walkLibrary } from "./scan.ts";
import { libraryThumbnail } from "./thumbnail.ts";

/** Streams served at once. Reason: each is a disk reader (a remux also a pipeline); a Pi's disk and CPU share. */
export const MAX_LIBRARY_STREAMS = 6;

/** Retry-After for a refused stream, seconds. Reason: a viewer leaves within a minute or so. */
export const STREAM_RETRY_AFTER_S = 30;

/** How long one file may take to read. Reason: the discoverer reads headers; a slow NAS gets 15 s. */
export const DISCOVER_TIMEOUT_MS = 15_000;

/** Quiet time after a change before a rescan. Reason: a copy into the folder writes many times. */
export const RESCAN_SETTLE_MS = 2000;

/** Bytes of remuxed copies kept. Reason: a few films' worth, not the disk; least recently used go. */
export const MAX_COPY_BYTES = 8 * 2 ** 30;

/** What one scan of one library did. */
export interface ScanReport {
  library: string;
  files: number;
  /** Files read now (new or changed); the rest were unchanged. */
  read: number;
  removed: number;
  errors: number;
  skipped: SkippedEntry[];
  /** Set when the folder itself could not be read. */
  problem: string | null;
}

type Log = (level: "info" | "warn", message: string, fields?: LogFields) => void;

/** The first 16 bytes of a file (fewer when it is shorter). */
async function readHead(path: string): Promise<Uint8Array> {
  using f = await Deno.open(path, { read: true });
  const buf = new Uint8Array(16);
  let got = 0;
  while (got < buf.length) {
    const n = await f.read(buf.subarray(got));
    if (n === null) break;
    got += n;
  }
  return buf.subarray(0, got);
}

/** A held stream slot: release it when the response ends. */
export interface StreamSlot {
  release(): void;
}

/** The library of one eyrie. */
export class Library implements AsyncDisposable {
  readonly folders: readonly LibraryConfig[];
  readonly index: LibraryIndex;
  readonly #dataDir: string;
  readonly #log: Log;
  readonly #maxStreams: number;
  #streams = 0;
  #reports = new Map<string, ScanReport>();
  #scanning = new Map<string, Promise<ScanReport>>();
  #again = new Set<string>();
  #watchers: Deno.FsWatcher[] = [];
  #copies = new Map<string, Promise<string>>();
  #closed = false;

  constructor(
    folders: readonly LibraryConfig[],
    options: { dataDir: string; log?: Log; maxStreams?: number },
  ) {
    this.folders = folders;
    this.#dataDir = options.dataDir;
    this.#log = options.log ?? (() => {});
    this.#maxStreams = options.maxStreams ?? MAX_LIBRARY_STREAMS;
    Deno.mkdirSync(options.dataDir, { recursive: true });
    this.index = new LibraryIndex(join(options.dataDir, "library.db"));
    this.index.keepLibraries(folders.map((f) => f.id));
  }

  /** Scans every folder, then watches them; resolves when the first scans are done. */
  async start(): Promise<ScanReport[]> {
    const reports = await Promise.all(this.folders.map((f) => this.scan(f.id)));
    for (const f of this.folders) this.#watch(f);
    return reports;
  }

  /** The last report of each library. */
  reports(): ScanReport[] {
    return [...this.#reports.values()];
  }

  /** Scans one library (joining a scan under way, and running once more after it if asked). */
  scan(id: string): Promise<ScanReport> {
    const running = this.#scanning.get(id);
    if (running !== undefined) {
      this.#again.add(id);
      return running;
    }
    const folder = this.folders.find((f) => f.id === id);
    if (folder === undefined) throw new RangeError(`No library "${id}"`);
    const run = this.#scanFolder(folder).finally(() => {
      this.#scanning.delete(id);
      if (this.#again.delete(id) && !this.#closed) void this.scan(id);
    });
    this.#scanning.set(id, run);
    return run;
  }

  async #scanFolder(folder: LibraryConfig): Promise<ScanReport> {
    const report: ScanReport = {
      library: folder.id,
      files: 0,
      read: 0,
      removed: 0,
      errors: 0,
      skipped: [],
      problem: null,
    };
    let walked;
    try {
      walked = await walkLibrary(folder.path);
    } catch (e) {
      report.problem = `Cannot read the folder "${folder.path}": ${(e as Error).message}`;
      this.#log("warn", "library folder unreadable", { library: folder.id, error: report.problem });
      this.#reports.set(folder.id, report);
      return report;
    }
    report.files = walked.files.length;
    report.skipped = walked.skipped;
    for (const s of walked.skipped) {
      this.#log("warn", "library file skipped", {
        library: folder.id,
        file: s.rel,
        reason: s.reason,
      });
    }
    using discoverer = new Discoverer({ timeoutMs: DISCOVER_TIMEOUT_MS });
    for (const file of walked.files) {
      if (this.#closed) break;
      if (this.index.fresh(folder.id, file.rel, file.size, file.mtimeMs)) continue;
      const { row, thumbnail } = await this.#read(discoverer, folder.id, file);
      this.index.put(row, thumbnail);
      report.read++;
      if (row.error !== "") report.errors++;
    }
    report.removed = this.index.prune(folder.id, new Set(walked.files.map((f) => f.rel)));
    this.#reports.set(folder.id, report);
    this.#log("info", "library scanned", {
      library: folder.id,
      files: report.files,
      read: report.read,
      removed: report.removed,
      errors: report.errors,
      skipped: report.skipped.length,
    });
    return report;
  }

  async #read(
    discoverer: Discoverer,
    library: string,
    file: { rel: string; path: string; size: number; mtimeMs: number },
  ): Promise<{ row: ItemRow; thumbnail: Uint8Array | null }> {
    const row: ItemRow = {
      library,
      rel: file.rel,
      name: basename(file.rel),
      size: file.size,
      mtime_ms: file.mtimeMs,
      duration_s: 0,
      width: 0,
      height: 0,
      fps: 0,
      bitrate: 0,
      codecs: [],
      mime: "application/octet-stream",
      delivery: "unsupported",
      note: "",
      error: "",
      has_thumbnail: false,
      scanned_ms: Date.now(),
    };
    const found = await discoverer.discover(pathToFileURL(file.path).href);
    if (found.result !== "ok") {
      row.error = `GStreamer could not read it (${
        found.result.replace("_", " ")
      }): ${found.message}`;
      return { row, thumbnail: null };
    }
    const facts = mediaFacts({ ...found, head: await readHead(file.path) });
    if (facts === null) {
      row.error = "It has no video stream";
      return { row, thumbnail: null };
    }
    Object.assign(row, facts);
    row.duration_s = Number(found.durationNs) / 1e9;
    let thumbnail: Uint8Array | null = null;
    if (facts.width > 0 && facts.height > 0) {
      try {
        thumbnail = await libraryThumbnail(file.path, facts.width, facts.height);
      } catch (e) {
        this.#log("warn", "library thumbnail failed", {
          file: file.rel,
          error: (e as Error).message,
        });
      }
    }
    return { row, thumbnail };
  }

  #watch(folder: LibraryConfig): void {
    let watcher: Deno.FsWatcher;
    try {
      watcher = Deno.watchFs(folder.path, { recursive: true });
    } catch (e) {
      this.#log("warn", "library folder not watched", {
        library: folder.id,
        error: (e as Error).message,
      });
      return;
    }
    this.#watchers.push(watcher);
    let timer: ReturnType<typeof setTimeout> | undefined;
    (async () => {
      try {
        for await (const event of watcher) {
          if (event.kind === "access") continue;
          clearTimeout(timer);
          timer = setTimeout(() => void this.scan(folder.id), RESCAN_SETTLE_MS);
        }
      } catch { /* closed */ }
      clearTimeout(timer);
    })();
  }

  /** The item's real path, checked again to be a file (it may have gone since the scan). */
  async pathOf(item: LibraryItem): Promise<string | null> {
    const folder = this.folders.find((f) => f.id === item.library);
    if (folder === undefined) return null;
    try {
      const root = await Deno.realPath(folder.path);
      const real = await Deno.realPath(join(root, item.rel));
      if (!real.startsWith(root + "/")) return null; // changed into a link out since the scan
      return (await Deno.stat(real)).isFile ? real : null;
    } catch {
      return null;
    }
  }

  /** A stream slot, or null when {@linkcode MAX_LIBRARY_STREAMS} are in use. */
  openStream(): StreamSlot | null {
    if (this.#streams >= this.#maxStreams) return null;
    this.#streams++;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.#streams--;
      },
    };
  }

  /** Streams being served now. */
  get streams(): number {
    return this.#streams;
  }

  /**
   * The path of a finished MP4 copy of a remuxed item, or null while it is
   * being made (it starts on the first ask).
   */
  copyOf(item: LibraryItem, path: string): string | null {
    const dir = join(this.#dataDir, "cache", "library");
    const file = join(dir, `${item.id}-${item.size}-${Math.round(item.mtime_ms)}.mp4`);
    try {
      if (Deno.statSync(file).isFile) return file;
    } catch { /* not made yet */ }
    if (!this.#copies.has(file)) {
      const making = (async () => {
        Deno.mkdirSync(dir, { recursive: true });
        this.#trimCopies(dir);
        const partial = `${file}.partial`;
        await remuxToFile(path, partial, { mime: item.mime, audio: item.codecs.length > 1 });
        await Deno.rename(partial, file);
        return file;
      })();
      making.catch((e) =>
        this.#log("warn", "library copy failed", { item: item.id, error: e.message })
      )
        .finally(() => this.#copies.delete(file));
      this.#copies.set(file, making);
    }
    return null;
  }

  /** Waits for the copies under way (tests, shutdown). */
  async copiesSettled(): Promise<void> {
    await Promise.allSettled([...this.#copies.values()]);
  }

  #trimCopies(dir: string): void {
    const files = [...Deno.readDirSync(dir)].filter((e) => e.isFile && e.name.endsWith(".mp4"))
      .map((e) => {
        const st = Deno.statSync(join(dir, e.name));
        return { path: join(dir, e.name), bytes: st.size, at: st.atime?.getTime() ?? 0 };
      }).sort((a, b) => a.at - b.at);
    let total = files.reduce((n, f) => n + f.bytes, 0);
    for (const f of files) {
      if (total <= MAX_COPY_BYTES) break;
      Deno.removeSync(f.path);
      total -= f.bytes;
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#closed = true;
    for (const w of this.#watchers) w.close();
    await Promise.allSettled([...this.#scanning.values()]);
    await this.copiesSettled();
    this.index[Symbol.dispose]();
  }
}
