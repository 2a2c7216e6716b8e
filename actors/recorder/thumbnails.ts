/**
 * The recorder's thumbnails: one per segment, from its first keyframe, one
 * at a time (a segment that opens while one is under way goes without),
 * remembered by segment path until written, so a segment that is discarded
 * can wait for its own and take it away: a thumbnail never outlives its
 * segment. A decoder that cannot make one turns thumbnails off, said once.
 *
 * @module
 */
import type { Codec, RawFormat } from "../defs.ts";
import type { Logger } from "../log/logger.ts";
import { isDiskFull } from "./disk_hold.ts";
import { writeThumbnail } from "./thumbnail.ts";

/** How long one thumbnail may take. */
const THUMBNAIL_TIMEOUT_MS = 5000;

export interface ThumbnailsOptions {
  dir: string;
  width: number;
  height: number;
  codec: Codec;
  log: Logger;
  /** A thumbnail was written for the segment at `path`. */
  written: (path: string, bytes: number) => void;
  /** Aborted when the recorder stops: a thumbnail under way is dropped. */
  signal: AbortSignal;
}

function diskFull(e: unknown): boolean {
  return typeof (e as Error)?.message === "string" &&
    isDiskFull(e as { message: string; debug?: string; domain?: string; code?: number });
}

/** The thumbnails of one recorder. */
export class Thumbnails {
  readonly #o: ThumbnailsOptions;
  readonly #underWay = new Map<string, Promise<void>>();
  #on = true;

  constructor(options: ThumbnailsOptions) {
    this.#o = options;
  }

  /** Whether a thumbnail would start now (none under way, thumbnails on). */
  get ready(): boolean {
    return this.#on && this.#underWay.size === 0;
  }

  /**
   * Starts the thumbnail of the segment at `path` from `keyframe` (with its
   * SPS and PPS; kept, not copied), or from a raw frame of the camera
   * (`raw`: its format and size). Returns the work to wait for on stop, or
   * null when none starts (one under way, or thumbnails are off).
   */
  start(
    path: string,
    keyframe: Uint8Array,
    raw?: { format: RawFormat; width: number; height: number },
  ): Promise<void> | null {
    if (!this.ready) return null;
    const { dir, codec, signal, log } = this.#o;
    const writing = writeThumbnail(dir, path, keyframe, {
      width: raw?.width ?? this.#o.width,
      height: raw?.height ?? this.#o.height,
      raw: raw?.format,
      codec,
      timeoutMs: THUMBNAIL_TIMEOUT_MS,
      signal,
    }).then(
      (bytes) => this.#o.written(path, bytes),
      (e) => {
        if (signal.aborted) return;
        // A full disk costs this thumbnail only; the segment's own failure says why.
        if (diskFull(e)) return;
        // Recording goes on without thumbnails (no H.264 decoder, say); say so once.
        this.#on = false;
        log.warn("no thumbnails", { error: (e as Error).message });
      },
    ).finally(() => this.#underWay.delete(path));
    this.#underWay.set(path, writing);
    return writing;
  }

  /** Resolves once the thumbnail of `path` under way, if any, is written or given up. */
  async settled(path: string): Promise<void> {
    await this.#underWay.get(path);
  }
}
