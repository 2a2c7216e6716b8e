/**
 * The figures `eyrie view` draws over the picture and prints once a second.
 * Pure: the viewer passes in what its receiver counted and the delays it saw.
 *
 * @module
 */
import type { ReceiverInterval } from "../../transports/rtp/mod.ts";

/** One second's figures. */
export interface Figures {
  fps: number;
  kbps: number;
  /** Packets lost, 0..1. */
  loss: number;
  /** Median delay from the sender's clock to arrival (ms), from its sender reports; null without any. */
  latencyMs: number | null;
  decoder: string;
}

/** The figures of an interval and the delays (ms) of the frames in it. */
export function figuresOf(iv: ReceiverInterval, delaysMs: number[], decoder: string): Figures {
  return {
    fps: iv.fps,
    kbps: iv.kbps,
    loss: iv.loss,
    latencyMs: delaysMs.length === 0 ? null : median(delaysMs),
    decoder,
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The overlay's text: "29.9 fps  1987 kbit/s  loss 0.0%  latency 4 ms  avdec_h264". */
export function overlayText(f: Figures): string {
  const latency = f.latencyMs === null ? "latency ?" : `latency ${Math.round(f.latencyMs)} ms`;
  return `${f.fps.toFixed(1)} fps  ${Math.round(f.kbps)} kbit/s  loss ${
    (f.loss * 100).toFixed(1)
  }%  ${latency}  ${f.decoder}`;
}

/**
 * Counts access units that arrive whole (the mutual-TLS forward): frames,
 * bytes, and units the sender numbered but never sent (sequence gaps), for
 * the same interval figures an RTP receiver gives.
 */
export class AccessUnitMeter {
  #frames = 0;
  #bytes = 0;
  #lost = 0;
  #next = -1;
  #mark = { ns: -1, frames: 0, bytes: 0, lost: 0 };

  /** One access unit with the sender's sequence number (uint32). */
  add(seq: number, bytes: number, arrivalNs: number): void {
    if (this.#mark.ns < 0) this.#mark.ns = arrivalNs;
    if (this.#next >= 0) this.#lost += (seq - this.#next + 2 ** 32) % 2 ** 32;
    this.#next = (seq + 1) % 2 ** 32;
    this.#frames++;
    this.#bytes += bytes;
  }

  get frames(): number {
    return this.#frames;
  }

  /** Figures since the last call; loss is the share of numbered units that never came. */
  interval(nowNs: number): ReceiverInterval {
    const m = this.#mark;
    if (m.ns < 0) return { seconds: 0, fps: 0, kbps: 0, loss: 0, jitterMs: 0 };
    const seconds = Math.max(1e-9, (nowNs - m.ns) / 1e9);
    const frames = this.#frames - m.frames;
    const lost = this.#lost - m.lost;
    const out = {
      seconds,
      fps: frames / seconds,
      kbps: ((this.#bytes - m.bytes) * 8) / seconds / 1000,
      loss: frames + lost > 0 ? lost / (frames + lost) : 0,
      jitterMs: 0,
    };
    this.#mark = { ns: nowNs, frames: this.#frames, bytes: this.#bytes, lost: this.#lost };
    return out;
  }
}
