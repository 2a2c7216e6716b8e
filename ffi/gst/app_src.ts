import { capsFromString } from "./caps.ts";
import { Element } from "./element.ts";
import { GstError } from "./errors.ts";
import type { Handle } from "./_handle.ts";
import { lib } from "./_lib.ts";
import { BUFFER_FLAG_DELTA_UNIT, BUFFER_PTS, FLOW_OK, MEMORY_FLAG_READONLY } from "./_layout.ts";
import { borrowString } from "./_strings.ts";
import { writeBytes } from "../libc/mod.ts";

/** Timestamps and flags of a pushed buffer. Times are in ns; null means "none". */
export interface PushOptions {
  pts: number | null;
  /** Default null. */
  dts?: number | null;
  /** Default null. */
  duration?: number | null;
  /** False marks the buffer DELTA_UNIT (a non-IDR access unit). Default true. */
  keyframe?: boolean;
}

// pts, dts and duration are contiguous in GstBuffer (+72, +80, +88): one
// 24-byte write sets all three. Little-endian, as on x86_64 and aarch64.
const TIMES = new Uint8Array(24);
const TIMES_VIEW = new DataView(TIMES.buffer);
const TWO_32 = 2 ** 32;

function putClockTime(offset: number, ns: number | null | undefined, what: string): void {
  if (ns === null || ns === undefined) {
    TIMES_VIEW.setUint32(offset, 0xffffffff, true);
    TIMES_VIEW.setUint32(offset + 4, 0xffffffff, true);
    return;
  }
  if (!Number.isSafeInteger(ns) || ns < 0) {
    throw new RangeError(`${what} must be a whole number of nanoseconds ≥ 0, got ${ns}`);
  }
  TIMES_VIEW.setUint32(offset, ns % TWO_32, true);
  TIMES_VIEW.setUint32(offset + 4, Math.floor(ns / TWO_32), true);
}

/**
 * An appsrc: where JS hands buffers to a pipeline. Configure it in the
 * description: `appsrc name=src format=time is-live=true max-buffers=4
 * leaky-type=downstream` (format=time, or timestamps are ignored; a bounded
 * queue, or a stalled pipeline grows it without limit). Check
 * {@linkcode AppSrc.queuedBuffers} to cap frames in flight.
 */
export class AppSrc extends Element {
  #handle: Handle;

  /** @internal Wraps an owned reference; use {@linkcode Pipeline.appSrc}. */
  constructor(handle: Handle) {
    super(handle);
    this.#handle = handle;
  }

  /** Sets the caps of what will be pushed; SyntaxError when GStreamer cannot parse them. */
  setCaps(caps: string): void {
    const pointer = this.#handle.pointer;
    const g = lib();
    const parsed = capsFromString(caps);
    g.gst_app_src_set_caps(pointer, parsed);
    g.gst_mini_object_unref(parsed);
  }

  /**
   * Pushes a copy of `bytes` (which may be a view on a SharedArrayBuffer).
   * Does not block unless the appsrc has `block=true` and a full queue.
   * Throws GstError when the appsrc refuses it ("flushing" when the pipeline
   * is not running, "eos" after end-of-stream).
   */
  push(bytes: Uint8Array, options: PushOptions): void {
    const pointer = this.#handle.pointer;
    putClockTime(0, options.pts, "pts");
    putClockTime(8, options.dts, "dts");
    putClockTime(16, options.duration, "duration");
    const g = lib();
    const size = BigInt(bytes.byteLength);
    const buffer = g.gst_buffer_new_allocate(null, size, null);
    if (buffer === null) {
      throw new GstError(`Cannot allocate a ${bytes.byteLength}-byte buffer`, {
        element: this.name,
      });
    }
    if (size > 0n && g.gst_buffer_fill(buffer, 0n, bytes, size) !== size) {
      g.gst_mini_object_unref(buffer);
      throw new GstError(`Cannot fill a ${bytes.byteLength}-byte buffer`, { element: this.name });
    }
    // The new buffer is ours alone until pushed, so writing its header is safe.
    writeBytes(buffer, BUFFER_PTS, TIMES);
    if (options.keyframe === false) g.gst_buffer_set_flags(buffer, BUFFER_FLAG_DELTA_UNIT);
    this.#check(g.gst_app_src_push_buffer(pointer, buffer), "a buffer");
  }

  /**
   * Pushes `bytes` without copying them: the buffer GStreamer gets points
   * into `bytes` (typically a ring slot in a SharedArrayBuffer), read-only
   * and with no free function, so nothing calls back into JS (DESIGN: a
   * threadSafe free callback deadlocks while JS waits in a blocking call).
   *
   * The caller guarantees that `bytes` stays alive for as long as the
   * pipeline may hold the buffer, and checks afterwards that nobody wrote
   * into it meanwhile. That holds for an encoder that has finished with its
   * input once its output for that frame was pulled (x264enc, openh264enc,
   * jpegenc), fed from a ring whose writer is several slots away; not for
   * elements that queue input (hardware encoders, `queue`): use
   * {@linkcode push} there. An element that wants to write into the buffer
   * gets a copy (the memory is read-only). A buffer still queued when the
   * pipeline is disposed is dropped without touching `bytes`.
   */
  pushBorrowed(bytes: Uint8Array, options: PushOptions): void {
    const pointer = this.#handle.pointer;
    putClockTime(0, options.pts, "pts");
    putClockTime(8, options.dts, "dts");
    putClockTime(16, options.duration, "duration");
    const g = lib();
    const size = BigInt(bytes.byteLength);
    if (size === 0n) throw new RangeError("pushBorrowed() needs at least one byte");
    const buffer = g.gst_buffer_new_wrapped_full(
      MEMORY_FLAG_READONLY,
      bytes,
      size,
      0n,
      size,
      null,
      null,
    );
    if (buffer === null) {
      throw new GstError(`Cannot wrap a ${bytes.byteLength}-byte buffer`, { element: this.name });
    }
    // The new buffer is ours alone until pushed, so writing its header is safe.
    writeBytes(buffer, BUFFER_PTS, TIMES);
    if (options.keyframe === false) g.gst_buffer_set_flags(buffer, BUFFER_FLAG_DELTA_UNIT);
    this.#check(g.gst_app_src_push_buffer(pointer, buffer), "a buffer");
  }

  /** Signals end-of-stream: the pipeline drains and posts "eos" on its bus. */
  endOfStream(): void {
    this.#check(lib().gst_app_src_end_of_stream(this.#handle.pointer), "end-of-stream");
  }

  /** Buffers pushed but not yet taken by the pipeline. */
  get queuedBuffers(): number {
    return Number(lib().gst_app_src_get_current_level_buffers(this.#handle.pointer));
  }

  /** Bytes pushed but not yet taken by the pipeline. */
  get queuedBytes(): number {
    return Number(lib().gst_app_src_get_current_level_bytes(this.#handle.pointer));
  }

  #check(flow: number, what: string): void {
    if (flow === FLOW_OK) return;
    const name = borrowString(lib().gst_flow_get_name(flow)) ?? String(flow);
    throw new GstError(`The ${this.#handle.what} refused ${what}: ${name}`, {
      element: this.name,
      domain: "gst-flow",
      code: flow,
    });
  }
}
