/**
 * JPEG pictures of a camera for snapshots and MJPEG streams, made on the
 * main thread only while someone asks: an MJPEG camera's own frames from its
 * access-unit ring, or an H.264 camera's raw frames through
 * `appsrc ! jpegenc ! appsink` (pulled on Deno's blocking pool, so the event
 * loop keeps running). One feed per camera serves every client; it stops and
 * releases its pipeline and ring reader when nobody has asked for a while.
 *
 * @module
 */
import { type AppSink, type AppSrc, Pipeline } from "../../ffi/gst/mod.ts";
import { RingReader } from "../../actors/ring/mod.ts";
import { type CameraNode, READER } from "../../actors/system/mod.ts";

/** Pictures per second a feed makes at most. Reason: it serves humans, not the recorder. */
export const FEED_FPS = 5;
/** A feed with no client for this long stops. */
export const FEED_IDLE_MS = 5_000;
/** JPEG quality of pictures made from raw frames. */
export const FEED_QUALITY = 85;

export type Listener = (jpeg: Uint8Array<ArrayBuffer>) => void;

interface Encoder {
  pipeline: Pipeline;
  src: AppSrc;
  sink: AppSink;
}

export class JpegFeed {
  readonly node: CameraNode;
  readonly #listeners = new Set<Listener>();
  #running = false;
  #lastUse = 0;

  constructor(node: CameraNode) {
    this.node = node;
  }

  /** Clients now. */
  get clients(): number {
    return this.#listeners.size;
  }

  /** Calls `listener` with each new picture until the returned function is called. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    this.#lastUse = performance.now();
    if (!this.#running) this.#start();
    return () => {
      this.#listeners.delete(listener);
      this.#lastUse = performance.now();
    };
  }

  /** The next picture, or null when none comes within `timeoutMs` (the camera is down). */
  next(timeoutMs: number): Promise<Uint8Array<ArrayBuffer> | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        off();
        resolve(null);
      }, timeoutMs);
      const off = this.subscribe((jpeg) => {
        clearTimeout(timer);
        off();
        resolve(jpeg);
      });
    });
  }

  #start(): void {
    this.#running = true;
    const mjpeg = this.node.config.codec === "mjpeg";
    const ring = mjpeg ? this.node.rings.au : this.node.rings.raw;
    const reader = new RingReader(ring, mjpeg ? READER.snapshot : READER.jpegFeed, {
      start: "latest",
    });
    let encoder: Encoder | undefined;
    const frameMs = 1000 / Math.min(FEED_FPS, this.node.config.fps);
    (async () => {
      try {
        while (this.#listeners.size > 0 || performance.now() - this.#lastUse < FEED_IDLE_MS) {
          const started = performance.now();
          if (this.#listeners.size > 0 && (await reader.wait(frameMs)) === "ready") {
            // Only the newest frame matters.
            let got = false;
            while (reader.next()) got = true;
            if (got) {
              const jpeg = mjpeg
                ? this.#copy(reader)
                : await this.#encode(reader, encoder ??= this.#encoder());
              if (jpeg !== null) { for (const l of [...this.#listeners]) l(jpeg); }
            }
          }
          const left = frameMs - (performance.now() - started);
          if (left > 0) await new Promise((r) => setTimeout(r, left));
        }
      } finally {
        reader.close();
        encoder?.pipeline[Symbol.dispose]();
        this.#running = false;
        // A client that came in the last moment starts a new loop.
        if (this.#listeners.size > 0) this.#start();
      }
    })().catch((e) => {
      this.node.ctx.log({
        ts: new Date().toISOString(),
        level: "warn",
        actor: `${this.node.id}/jpeg`,
        msg: "JPEG feed failed",
        fields: { error: (e as Error).message },
      });
    });
  }

  #copy(reader: RingReader): Uint8Array<ArrayBuffer> | null {
    const out = new Uint8Array(reader.size);
    return reader.copyTo(out) < 0 ? null : out;
  }

  #encoder(): Encoder {
    const c = this.node.config;
    const pipeline = Pipeline.parse(
      `appsrc name=src format=time caps=video/x-raw,format=${c.format},width=${c.width},height=${c.height},framerate=${c.fps}/1` +
        ` ! jpegenc quality=${FEED_QUALITY} ! appsink name=out max-buffers=1 drop=true sync=false`,
    );
    pipeline.setState("playing", { timeoutMs: 0 });
    return { pipeline, src: pipeline.appSrc("src"), sink: pipeline.appSink("out") };
  }

  async #encode(reader: RingReader, e: Encoder): Promise<Uint8Array<ArrayBuffer> | null> {
    e.src.push(reader.view(), { pts: null });
    if (!reader.valid()) return null; // overwritten while copied: skip this one
    const s = await e.sink.pullAsync({ timeoutMs: 2000 });
    if (s === null) return null;
    const out = new Uint8Array(s.size);
    s.copyTo(out);
    return out;
  }
}

const feeds = new WeakMap<CameraNode, JpegFeed>();

/** The feed of a camera (a new one after the camera's subtree was replaced). */
export function jpegFeed(node: CameraNode): JpegFeed {
  let f = feeds.get(node);
  if (f === undefined) feeds.set(node, f = new JpegFeed(node));
  return f;
}
