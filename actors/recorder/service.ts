/**
 * Recording on the main thread: the index (opened once, in eyrie's state
 * file), reconcile at start, the index updates that follow each recorder's
 * events, retention and the free-disk floor on a timer, pause and resume,
 * detector triggers cast to the recorders, and the health problems of it
 * all. The recorder Workers write files; only this writes the index.
 *
 * @module
 */
import { join } from "node:path";
import type { Config } from "../defs.ts";
import type { Logger } from "../log/logger.ts";
import type { ActorProcess } from "../runtime/actor.ts";
import type { CameraNode } from "../system/camera_node.ts";
import { freeDiskBytes } from "./disk.ts";
import { reconcile, sealSegment } from "./reconcile.ts";
import type { RecordingIndex } from "./recording_index.ts";
import { MAX_EVENT_KIND_LENGTH } from "./recording_index.ts";
import { openIndex } from "./index_file.ts";
import { removeSegment } from "./retention_apply.ts";
import { RetentionLoop } from "./retention_loop.ts";
import { floorMargin } from "./floor.ts";
import { recordingKbps } from "./bitrate.ts";
import { Exports } from "./exports.ts";
import { CopyCache } from "./copy_cache.ts";
import { thumbnailPath } from "./paths.ts";
import type { RetentionPolicy } from "./retention.ts";
import type { RecorderEvent, RecorderInit, RecorderProtocol, RecorderStats } from "./protocol.ts";
import { AUDIO_READER, READER } from "../system/rings.ts";
import { recordedAudio } from "./mux.ts";

export { STATE_FILE } from "../state/state_file.ts";

/** How often retention and the free-disk floor are checked, besides after each segment. */
export const CHECK_EVERY_MS = 10_000;

export interface RecordingsOptions {
  config: Config;
  log: Logger;
  /** Free bytes of the recordings disk (default: statfs). Tests inject a quota here. */
  freeBytes?: (dir: string) => Promise<number>;
  /** Default {@linkcode CHECK_EVERY_MS}. */
  checkEveryMs?: number;
}

/** A camera's recorder as the console sees it. */
export interface CameraRecording {
  camera: string;
  mode: string;
  paused: boolean;
  running: boolean;
  stats: RecorderStats | null;
}

interface Entry {
  node: CameraNode;
  actor: ActorProcess<RecorderProtocol> | undefined;
  paused: boolean;
  stats: RecorderStats | null;
  unsubscribe: () => void;
}

/** The recording side of a running eyrie. */
export class Recordings {
  readonly dir: string;
  readonly index: RecordingIndex;
  readonly #config: Config;
  /** Where recording logs go. */
  readonly log: Logger;
  readonly #cameras = new Map<string, Entry>();
  /** Transcoding exports: admission, progress, estimates (exports.ts). */
  readonly exports = new Exports();
  /** Segments copied into another container, served with ranges (copy_cache.ts). */
  readonly copies: CopyCache;
  readonly #retention: RetentionLoop;
  readonly #checkEveryMs: number;
  /** What health should say about the state file holding the index. */
  readonly #fileProblem: () => string | null;
  #closed = false;

  private constructor(
    options: RecordingsOptions,
    index: RecordingIndex,
    fileProblem: () => string | null,
  ) {
    this.#fileProblem = fileProblem;
    this.#checkEveryMs = options.checkEveryMs ?? CHECK_EVERY_MS;
    this.#config = options.config;
    this.log = options.log;
    this.dir = options.config.recording.dir;
    this.index = index;
    this.copies = new CopyCache(options.config.data_dir);
    this.#retention = new RetentionLoop({
      dir: this.dir,
      index,
      log: this.log,
      policy: () => this.policy(),
      freeBytes: options.freeBytes ?? freeDiskBytes,
      onDiskFull: (cause) => {
        for (const e of this.#cameras.values()) e.actor?.cast({ type: "disk", cause });
      },
    });
  }

  /**
   * Opens the index at `<data_dir>/eyrie.db` (recovering a corrupt file, or
   * in memory when the file cannot be opened: index_file.ts), reconciles it
   * with the recordings dir, applies retention once, and starts the
   * periodic check. Call before any recorder starts.
   */
  static async open(options: RecordingsOptions): Promise<Recordings> {
    const { config, log } = options;
    await Deno.mkdir(config.data_dir, { recursive: true });
    await Deno.mkdir(config.recording.dir, { recursive: true });
    const { index, problem } = openIndex({
      dataDir: config.data_dir,
      recordingsDir: config.recording.dir,
      log,
    });
    const r = new Recordings(options, index, problem);
    try {
      const report = await reconcile(r.dir, index);
      log.info("recordings reconciled", {
        dir: r.dir,
        added: report.added.length,
        removed: report.removed.length,
        repaired: report.repaired.length,
        remeasured: report.remeasured.length,
        discarded: report.discarded.length,
        orphan_thumbnails: report.orphans.length,
      });
      for (const p of report.problems) {
        log.warn("recordings dir", { path: p.path, reason: p.reason });
      }
      await r.check();
    } catch (e) {
      index.close();
      throw e;
    }
    r.#retention.start(r.#checkEveryMs);
    return r;
  }

  /** True while the free-disk floor holds recording back. */
  get diskFull(): boolean {
    return this.#retention.diskFull;
  }

  /** Free bytes on the recordings disk at the last check. */
  get freeBytes(): number | null {
    return this.#retention.freeBytes;
  }

  /** The retention limits from the config; 0 means no limit for sizes and ages. */
  policy(): RetentionPolicy {
    const limit = (n: number) => (n > 0 ? n : Infinity);
    const rec = this.#config.recording;
    return {
      maxBytes: limit(rec.max_bytes),
      // Cameras no longer configured fall under the total and the floor only.
      maxBytesPerCamera: Infinity,
      maxAgeS: Infinity,
      minFreeBytes: rec.min_free_bytes,
      freeMarginBytes: floorMargin(rec.min_free_bytes, this.#bytesPerCheck()),
      cameras: Object.fromEntries(this.#config.camera.map((c) => [c.id, {
        maxBytes: limit(c.recording.max_bytes),
        maxAgeS: limit(c.recording.max_age_s),
      }])),
    };
  }

  /** What the recording cameras write between two checks at their configured bitrate. */
  #bytesPerCheck(): number {
    const kbps = this.#config.camera
      .filter((c) => c.recording.mode !== "off")
      .reduce((sum, c) => sum + recordingKbps(c), 0);
    return (kbps * 1000 / 8) * (this.#checkEveryMs / 1000);
  }

  /** Registers a camera: its triggers go to its recorder from now on. */
  attach(node: CameraNode): void {
    if (this.#cameras.has(node.id)) return;
    const entry: Entry = {
      node,
      actor: undefined,
      paused: false,
      stats: null,
      unsubscribe: () => {},
    };
    entry.unsubscribe = node.triggers.subscribe((t) => {
      if (
        typeof t.kind !== "string" || t.kind.length === 0 || t.kind.length > MAX_EVENT_KIND_LENGTH
      ) {
        return;
      }
      if (!Number.isFinite(t.atNs)) return;
      entry.actor?.cast({ type: "trigger", atNs: t.atNs, kind: t.kind });
    });
    this.#cameras.set(node.id, entry);
  }

  /**
   * Before a camera's recorder (re)starts: closes the rows its previous
   * Worker left open (it crashed or was killed), and returns the new one's init.
   */
  async prepare(node: CameraNode): Promise<RecorderInit> {
    this.attach(node);
    for (const row of this.index.openSegments(node.id)) {
      const { outcome, problems } = await sealSegment(this.dir, this.index, row);
      this.log.info("sealed a segment left open", { path: row.path, outcome });
      for (const p of problems) this.log.warn("segment", { path: p.path, reason: p.reason });
    }
    return {
      camera: node.config,
      dir: this.dir,
      segmentS: this.#config.recording.segment_s,
      au: node.rings.au,
      reader: READER.recorder,
      raw: node.config.codec === "h264"
        ? { ring: node.rings.raw, reader: READER.thumbnail }
        : undefined,
      audio: node.config.audio === "none" ? undefined : {
        ring: node.rings.audio,
        reader: AUDIO_READER.recorder,
        codec: recordedAudio(node.config.recording.container, node.config.audio_codec),
      },
      paused: this.#cameras.get(node.id)!.paused,
      diskFull: this.#retention.cause,
      minFreeBytes: this.#config.recording.min_free_bytes,
    };
  }

  /** The running recorder of a camera, once started. */
  started(node: CameraNode, actor: ActorProcess<RecorderProtocol>): void {
    this.#cameras.get(node.id)!.actor = actor;
  }

  /** Applies one recorder event to the index. */
  handle(node: CameraNode, e: RecorderEvent): void {
    if (this.#closed) return;
    const entry = this.#cameras.get(node.id);
    try {
      this.#apply(node, entry, e);
    } catch (error) {
      this.log.error("index update failed", { event: e.type, error: (error as Error).message });
    }
  }

  #apply(node: CameraNode, entry: Entry | undefined, e: RecorderEvent): void {
    switch (e.type) {
      case "opened":
        this.index.openSegment(e.path, e.codec);
        return;
      case "closed": {
        const row = this.index.getByPath(e.path);
        if (row === undefined) return;
        if (e.discarded) {
          this.index.deleteSegment(row.id);
          return;
        }
        this.index.transaction(() => {
          this.index.closeSegment(row.id, e.stats);
          for (const ev of e.events) this.index.addEvent(row.id, ev);
        });
        this.check().catch(() => {});
        return;
      }
      case "thumbnail": {
        const row = this.index.getByPath(e.path);
        if (row !== undefined) this.index.setThumbnail(row.id, e.bytes);
        // Its segment is gone already (discarded, deleted): a thumbnail never outlives it.
        else Deno.remove(join(this.dir, ...thumbnailPath(e.path).split("/"))).catch(() => {});
        return;
      }
      case "keyframe_wanted":
        node.requestKeyframe();
        return;
      case "failed":
        // The Worker logged it; its stats carry it to health. A full disk: retention now,
        // not at the next tick (it may free room by its rules, and it updates the floor state).
        if (e.diskFull) this.check().catch(() => {});
        return;
      case "stats":
        if (entry !== undefined) entry.stats = e.stats;
        node.stats.set("recorder", e.stats);
        return;
    }
  }

  /** Pauses or resumes a camera's recording. False when the camera does not record. */
  setPaused(camera: string, paused: boolean): boolean {
    const entry = this.#cameras.get(camera);
    if (entry === undefined) return false;
    entry.paused = paused;
    entry.actor?.cast({ type: paused ? "pause" : "resume" });
    this.log.info(paused ? "recording paused" : "recording resumed", { camera });
    return true;
  }

  /** Every recording camera, with its recorder's latest stats. */
  cameras(): CameraRecording[] {
    return [...this.#cameras.values()].map((e) => ({
      camera: e.node.id,
      mode: e.node.config.recording.mode,
      paused: e.paused,
      running: e.actor !== undefined && e.actor.exit === undefined,
      stats: e.stats,
    }));
  }

  /** Asks each recorder for fresh stats (answered as "stats" events). */
  async refreshStats(): Promise<void> {
    await Promise.all([...this.#cameras.values()].map(async (e) => {
      if (e.actor === undefined || e.actor.exit !== undefined) return;
      try {
        e.stats = await e.actor.call("status", {}, { timeoutMs: 1000 });
      } catch { /* a restarting recorder: keep the last stats */ }
    }));
  }

  /** Why recording is not well, one sentence each (for /api/health). */
  problems(): string[] {
    const out: string[] = [];
    const file = this.#fileProblem();
    if (file !== null) out.push(file);
    if (this.#retention.diskFull) {
      out.push(
        `Recording paused: ${this.#retention.cause} (recording.min_free); ` +
          "free some space or lower the floor; it resumes by itself",
      );
    }
    for (const e of this.#cameras.values()) {
      const s = e.stats;
      if (s === null || s.cause === null) continue;
      // The floor's hold is said once above, not per camera.
      if (s.state === "disk_full" && s.retryAt === null) continue;
      const retry = s.retryAt === null ? "" : `; next try at ${new Date(s.retryAt).toISOString()}`;
      if (s.state === "disk_full") out.push(`Recording of ${e.node.id} paused: ${s.cause}${retry}`);
      else if (s.state === "failing") {
        out.push(`Recording of ${e.node.id} is failing: ${s.cause}${retry}`);
      }
    }
    return out;
  }

  /**
   * Deletes a closed segment (file, thumbnail, row). "open" for the segment
   * being written, which is never deleted.
   */
  async delete(id: number): Promise<"deleted" | "not_found" | "open"> {
    const row = this.index.get(id);
    if (row === undefined) return "not_found";
    if (row.endMs === null) return "open";
    await removeSegment(row, { dir: this.dir, index: this.index });
    this.log.info("recording deleted", { path: row.path });
    return "deleted";
  }

  /** Applies retention and the free-disk floor now (after a segment closes, in tests). */
  check(): Promise<void> {
    return this.#retention.check();
  }

  /** Stops the periodic check and closes the index. Call after the recorders have stopped. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#retention.stop();
    this.#closed = true;
    for (const e of this.#cameras.values()) e.unsubscribe();
    this.index.close();
    await this.copies.close();
  }
}
