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
