/**
 * The main thread's side of a camera's JPEG pictures (snapshots, MJPEG
 * streams): one feed per camera serves every client. The first client starts
 * the JPEG actor (in the camera's shared Worker, see JPEG_FEED_HOST); when no
 * client has asked for {@linkcode FEED_IDLE_MS} the actor stops and its
 * pipeline and ring reader go with it. Nothing of GStreamer runs on the main
 * thread.
 *
 * @module
 */
import { type ActorProcess, spawnActor } from "../runtime/actor.ts";
import type { CameraNode } from "../system/camera_node.ts";
import { JPEG_FEED_HOST } from "../system/children.ts";
import { ACTOR_SHUTDOWN_MS } from "../system/flags.ts";
import { READER } from "../system/rings.ts";
import {
  FEED_FPS,
  FEED_QUALITY,
  JPEG_WORKER,
  type JpegInit,
  type JpegProtocol,
} from "./protocol.ts";

/** A feed with no client for this long stops its actor. */
export const FEED_IDLE_MS = 5_000;
/** How long to wait before starting again an actor that crashed while clients watch. */
const RESTART_DELAY_MS = 1_000;

export type Listener = (jpeg: Uint8Array<ArrayBuffer>) => void;

export class JpegFeed {
  readonly node: CameraNode;
  readonly #listeners = new Set<Listener>();
  #actor: Promise<ActorProcess<JpegProtocol> | null> | undefined;
  #lastUse = 0;

  constructor(node: CameraNode) {
    this.node = node;
  }

  /** Clients now. */
  get clients(): number {
    return this.#listeners.size;
  }

  /** Whether the JPEG actor runs (or is starting). */
  get running(): boolean {
    return this.#actor !== undefined;
  }

  /** Calls `listener` with each new picture until the returned function is called. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    this.#lastUse = performance.now();
    this.#actor ??= this.#start();
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

  #init(): JpegInit {
    const c = this.node.config;
    const mjpeg = c.codec === "mjpeg";
    return {
      source: mjpeg
        ? { kind: "jpeg" }
        : { kind: "raw", format: c.format, width: c.width, height: c.height, fps: c.fps },
      ring: mjpeg ? this.node.rings.au : this.node.rings.raw,
      reader: mjpeg ? READER.snapshot : READER.jpegFeed,
      fps: Math.min(FEED_FPS, c.fps),
      quality: FEED_QUALITY,
    };
  }

  async #start(): Promise<ActorProcess<JpegProtocol> | null> {
    const id = `${this.node.id}/jpeg`;
    let actor: ActorProcess<JpegProtocol>;
    try {
      actor = await spawnActor<JpegProtocol>({
        id,
        url: JPEG_WORKER,
        host: this.node.hosts.get(JPEG_FEED_HOST),
        init: this.#init(),
        log: this.node.ctx.log,
        onEvent: (e) => {
          for (const l of [...this.#listeners]) l(e.jpeg);
        },
      });
    } catch (error) {
      this.#warn("JPEG feed failed to start", error);
      this.#actor = undefined;
      return null;
    }
    const idle = setInterval(() => {
      if (this.#listeners.size > 0 || performance.now() - this.#lastUse < FEED_IDLE_MS) return;
      actor.stop("shutdown", ACTOR_SHUTDOWN_MS);
    }, FEED_IDLE_MS / 5);
    actor.exited.then((exit) => {
      clearInterval(idle);
      this.#actor = undefined;
      if (exit.kind !== "normal") {
        this.#warn("JPEG feed ended", exit.kind === "crashed" ? exit.error.message : exit.kind);
      }
      if (this.#listeners.size === 0) return;
      // A client came while it stopped: start again. After a crash, not at once (a broken
      // camera would spin).
      if (exit.kind === "normal") this.#actor ??= this.#start();
      else {
        setTimeout(() => {
          if (this.#listeners.size > 0) this.#actor ??= this.#start();
        }, RESTART_DELAY_MS);
      }
    });
    return actor;
  }

  #warn(msg: string, error: unknown): void {
    this.node.ctx.log({
      ts: new Date().toISOString(),
      level: "warn",
      actor: `${this.node.id}/jpeg`,
      msg,
      fields: { error: error instanceof Error ? error.message : String(error) },
    });
  }
}

const feeds = new WeakMap<CameraNode, JpegFeed>();

/** The feed of a camera (a new one after the camera's subtree was replaced). */
export function jpegFeed(node: CameraNode): JpegFeed {
  let f = feeds.get(node);
  if (f === undefined) feeds.set(node, f = new JpegFeed(node));
  return f;
}
