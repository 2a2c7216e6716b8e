/**
 * The main thread's LL-HLS stream of one camera: while someone plays it, one
 * reader of the camera's access-unit ring feeds a {@linkcode Segmenter}, and
 * requests wait for the part or segment they name. The first request starts
 * it (from the newest keyframe still in the ring, so a player has a part at
 * once); no request for {@linkcode HLS_IDLE_MS} stops it and frees its
 * parts. One stream serves every player of the camera. No GStreamer: muxing
 * fMP4 is copying bytes (transports/mp4/).
 *
 * @module
 */
import { RingReader } from "../ring/mod.ts";
import type { CameraNode } from "../system/camera_node.ts";
import { READER } from "../system/rings.ts";
import { FrameFlags } from "../defs.ts";
import { Segmenter, targetDurationFor } from "../../transports/hls/segmenter.ts";

/** A stream nobody asked anything of for this long stops. */
export const HLS_IDLE_MS = 30_000;
/** Parts last about this long, seconds. Reason: three parts of hold-back (0.6 s) keep glass to glass near one second. */
export const PART_S = 0.2;
/**
 * The declared PART-TARGET over the nominal part. Reason: parts are whole
 * frames whose capture times jitter by a few ms, and no part may be longer
 * than the target, nor (but for a segment's last) shorter than 85 % of it.
 */
const PART_SLACK = 1.1;

/** The segmenter's settings for a camera at `fps` with a keyframe every `gop` frames. */
export function segmenterOptions(fps: number, gop: number) {
  const frames = Math.max(1, Math.round(PART_S * fps));
  return {
    partTarget: Math.round(frames / fps * PART_SLACK * 1000) / 1000,
    targetDuration: targetDurationFor(gop / fps),
    window: HLS_WINDOW,
    fps,
  };
}
/** Complete segments kept, the playlist's window. Reason: six seconds at one keyframe a second covers a player's buffer; more is memory for nothing. */
export const HLS_WINDOW = 6;
const WAIT_MS = 250;

interface Waiter {
  ready: () => boolean;
  resolve: (ok: boolean) => void;
}

export class HlsStream {
  readonly node: CameraNode;
  #seg: Segmenter | null = null;
  #running = false;
  #lastUse = 0;
  readonly #waiters = new Set<Waiter>();

  constructor(node: CameraNode) {
    this.node = node;
  }

  /** Whether a reader runs. */
  get running(): boolean {
    return this.#running;
  }

  /** The segmenter (started by this call if it was not running). */
  use(): Segmenter {
    this.#lastUse = performance.now();
    if (this.#seg === null || !this.#running) {
      const c = this.node.config;
      this.#seg = new Segmenter(segmenterOptions(c.fps, c.gop));
      this.#running = true;
      this.#run(this.#seg);
    }
    return this.#seg;
  }

  /**
   * Resolves true once `ready()` holds (checked now and after each new
   * part), false after `timeoutMs`.
   */
  until(ready: () => boolean, timeoutMs: number): Promise<boolean> {
    this.use();
    if (ready()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const w: Waiter = {
        ready,
        resolve: (ok) => {
          clearTimeout(timer);
          this.#waiters.delete(w);
          resolve(ok);
        },
      };
      const timer = setTimeout(() => w.resolve(false), timeoutMs);
      this.#waiters.add(w);
    });
  }

  async #run(seg: Segmenter): Promise<void> {
    const reader = new RingReader(this.node.rings.au, READER.hls, { start: "keyframe" });
    const { width, height } = this.node.config;
    try {
      while (this.#waiters.size > 0 || performance.now() - this.#lastUse < HLS_IDLE_MS) {
        if ((await reader.wait(WAIT_MS)) !== "ready") continue;
        let changed = false;
        while (reader.next()) {
          const au = reader.view().slice();
          if (!reader.valid()) continue;
          changed = seg.push({
            au,
            ptsNs: reader.pts,
            keyframe: (reader.flags & FrameFlags.KEYFRAME) !== 0,
            width: reader.width || width,
            height: reader.height || height,
          }) || changed;
        }
        if (changed) {
          for (const w of [...this.#waiters]) if (w.ready()) w.resolve(true);
        }
      }
    } catch (error) {
      this.node.ctx.log({
        ts: new Date().toISOString(),
        level: "warn",
        actor: `${this.node.id}/hls`,
        msg: "LL-HLS stream failed",
        fields: { error: error instanceof Error ? error.message : String(error) },
      });
    } finally {
      reader.close();
      this.#running = false;
      if (this.#seg === seg) this.#seg = null;
    }
  }
}

const streams = new WeakMap<CameraNode, HlsStream>();

/** The LL-HLS stream of a camera (a new one after the camera's subtree was replaced). */
export function hlsStream(node: CameraNode): HlsStream {
  let s = streams.get(node);
  if (s === undefined) streams.set(node, s = new HlsStream(node));
  return s;
}
