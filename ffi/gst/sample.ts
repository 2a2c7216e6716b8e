import type { VideoInfo } from "./caps.ts";
import { GstError } from "./errors.ts";
import { lib } from "./_lib.ts";
import {
  BUFFER_DTS,
  BUFFER_DURATION,
  BUFFER_FLAG_DELTA_UNIT,
  BUFFER_FLAG_DISCONT,
  BUFFER_FLAG_HEADER,
  BUFFER_HEADER_BYTES,
  BUFFER_PTS,
  MINI_OBJECT_FLAGS,
} from "./_layout.ts";
import { clockTime } from "./_time.ts";

let arm: (sample: Sample, pointer: Deno.PointerObject, info: VideoInfo) => void;

/**
 * One sample pulled from an {@linkcode AppSink}: a buffer plus its caps.
 * The sink owns this object and reuses it: it stays valid until the next
 * pull from the same sink or until released, whichever comes first. Copy the
 * bytes out with {@linkcode Sample.copyTo}; nothing here allocates per frame.
 */
export class Sample {
  #sample: Deno.PointerObject | null = null;
  #buffer: Deno.PointerObject | null = null;
  #size = 0;
  #sizeBig = 0n;
  #info: VideoInfo | null = null;
  // A copy of the GstBuffer header (see _layout.ts), refreshed per sample.
  #header = new Uint8Array(BUFFER_HEADER_BYTES);
  #view = new DataView(this.#header.buffer);
  #owner: string;

  static {
    arm = (sample, pointer, info) => sample.#arm(pointer, info);
  }

  /** @internal Made by an AppSink. */
  constructor(owner: string) {
    this.#owner = owner;
  }

  /** Presentation time in ns, or null when the buffer has none. */
  get pts(): number | null {
    this.#armed();
    return clockTime(this.#view, BUFFER_PTS);
  }

  /** Decoding time in ns, or null. */
  get dts(): number | null {
    this.#armed();
    return clockTime(this.#view, BUFFER_DTS);
  }

  /** Duration in ns, or null. */
  get duration(): number | null {
    this.#armed();
    return clockTime(this.#view, BUFFER_DURATION);
  }

  /** The GstBufferFlags. */
  get flags(): number {
    this.#armed();
    return this.#view.getUint32(MINI_OBJECT_FLAGS, true);
  }

  /** True unless the buffer is marked DELTA_UNIT: an IDR access unit, or any raw frame. */
  get keyframe(): boolean {
    return (this.flags & BUFFER_FLAG_DELTA_UNIT) === 0;
  }

  /**
   * True when the buffer carries codec configuration: h264parse marks the
   * access units into which it put SPS and PPS.
   */
  get header(): boolean {
    return (this.flags & BUFFER_FLAG_HEADER) !== 0;
  }

  /** True when the buffer follows a gap in the stream. */
  get discont(): boolean {
    return (this.flags & BUFFER_FLAG_DISCONT) !== 0;
  }

  /** Bytes in the buffer. */
  get size(): number {
    this.#armed();
    return this.#size;
  }

  /** The stream's format, from the sample's caps (cached by the sink while the caps stay). */
  get video(): VideoInfo {
    this.#armed();
    return this.#info!;
  }

  /**
   * Copies the buffer's bytes to the start of `destination` (which may be a
   * view on a SharedArrayBuffer, such as a ring slot) and returns the count.
   * Throws RangeError when it does not fit.
   */
  copyTo(destination: Uint8Array): number {
    const buffer = this.#armed();
    if (destination.byteLength < this.#size) {
      throw new RangeError(
        `A ${this.#size}-byte sample does not fit in a ${destination.byteLength}-byte destination`,
      );
    }
    if (this.#size === 0) return 0;
    const copied = lib().gst_buffer_extract(buffer, 0n, destination, this.#sizeBig);
    if (copied !== this.#sizeBig) {
      throw new GstError(`Copied ${copied} of ${this.#size} bytes from a sample of ${this.#owner}`);
    }
    return this.#size;
  }

  /** True when the sample holds no buffer (released, or never pulled). */
  get released(): boolean {
    return this.#sample === null;
  }

  /** Releases the sample's reference now instead of at the next pull; later calls do nothing. */
  release(): void {
    const sample = this.#sample;
    if (sample === null) return;
    this.#sample = null;
    this.#buffer = null;
    this.#info = null;
    lib().gst_mini_object_unref(sample);
  }

  /** Same as {@linkcode Sample.release}. */
  [Symbol.dispose](): void {
    this.release();
  }

  #arm(pointer: Deno.PointerObject, info: VideoInfo): void {
    this.release();
    const g = lib();
    const buffer = g.gst_sample_get_buffer(pointer);
    if (buffer === null) {
      g.gst_mini_object_unref(pointer);
      throw new GstError(`A sample from ${this.#owner} has no buffer`);
    }
    this.#sample = pointer;
    this.#buffer = buffer;
    this.#info = info;
    this.#sizeBig = g.gst_buffer_get_size(buffer);
    this.#size = Number(this.#sizeBig);
    Deno.UnsafePointerView.copyInto(buffer, this.#header);
  }

  #armed(): Deno.PointerObject {
    if (this.#buffer === null) {
      throw new Deno.errors.BadResource(`The sample from ${this.#owner} was released`);
    }
    return this.#buffer;
  }
}

/** Loads an owned GstSample into the sink's reusable Sample. */
export function armSample(sample: Sample, pointer: Deno.PointerObject, info: VideoInfo): void {
  arm(sample, pointer, info);
}
