/**
 * Snapshot JPEGs of detector frames: one long-lived
 * `appsrc ! jpegenc ! appsink` pipeline per detector, fed an I420 frame and
 * pulled for its JPEG. Blocks the calling thread for the encode (about a
 * millisecond at 320x180): call it from the detector's Worker.
 *
 * @module
 */
import { type AppSink, type AppSrc, Pipeline } from "../../ffi/gst/mod.ts";
import { FrameFormat, rawFrameBytes } from "../defs.ts";
import { MAX_SNAPSHOT_BYTES } from "../events/store.ts";

/** How long one encode may take before it counts as failed. */
export const SNAPSHOT_TIMEOUT_MS = 1000;

/** JPEG quality of snapshots: small files, faces and plates still legible at the detector's size. */
export const SNAPSHOT_QUALITY = 80;

/**
 * The size of a snapshot of a `width × height` analysis frame taken from a
 * `frameWidth × frameHeight` camera: the analysis height, and the width that
 * gives back the camera's shape (the analysis frame is squeezed to its own
 * size whatever the camera's aspect), even for the JPEG's chroma.
 */
export function snapshotSize(
  analysis: { width: number; height: number },
  camera: { width: number; height: number },
): { width: number; height: number } {
  const width = Math.max(2, 2 * Math.round((analysis.height * camera.width) / camera.height / 2));
  return { width, height: analysis.height };
}

/** Encodes I420 frames of one size to JPEG, scaled to `options.out` when given. */
export class SnapshotEncoder implements Disposable {
  readonly width: number;
  readonly height: number;
  readonly #pipeline: Pipeline;
  readonly #src: AppSrc;
  readonly #sink: AppSink;
  readonly #frameBytes: number;
  #pts = 0;

  /** Builds and starts the pipeline; throws a GstError when jpegenc is missing. */
  constructor(
    width: number,
    height: number,
    options: { quality?: number; out?: { width: number; height: number } } = {},
  ) {
    const quality = options.quality ?? SNAPSHOT_QUALITY;
    if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
      throw new RangeError(`JPEG quality must be 1 to 100, got ${quality}`);
    }
    this.width = width;
    this.height = height;
    this.#frameBytes = rawFrameBytes(FrameFormat.I420, width, height);
    const caps = `video/x-raw,format=I420,width=${width},height=${height},framerate=0/1`;
    const out = options.out;
    const scale = out === undefined || (out.width === width && out.height === height)
      ? ""
      : ` ! videoscale add-borders=false ! video/x-raw,width=${out.width},height=${out.height}`;
    this.#pipeline = Pipeline.parse(
      `appsrc name=src format=time max-buffers=2 caps=${caps}` + scale +
        ` ! jpegenc quality=${quality} ! appsink name=out max-buffers=2 sync=false`,
    );
    try {
      this.#src = this.#pipeline.appSrc("src");
      this.#sink = this.#pipeline.appSink("out");
      this.#pipeline.setState("playing", { timeoutMs: 0 }); // "async" until the first frame
    } catch (e) {
      this.#pipeline[Symbol.dispose]();
      throw e;
    }
  }

  /** The JPEG of one I420 frame (the first `width × height × 1.5` bytes of `frame`). */
  encode(frame: Uint8Array): Uint8Array {
    if (frame.length < this.#frameBytes) {
      throw new RangeError(
        `A ${this.width}x${this.height} I420 frame needs ${this.#frameBytes} bytes, got ${frame.length}`,
      );
    }
    // Frames are independent pictures: a steadily increasing pts keeps every element content.
    this.#src.push(frame.subarray(0, this.#frameBytes), { pts: this.#pts, duration: 1 });
    this.#pts += 1;
    const sample = this.#sink.pull({ timeoutMs: SNAPSHOT_TIMEOUT_MS });
    if (sample === null) {
      const message = this.#pipeline.bus.pop({ timeoutMs: 0, types: ["error"] });
      if (message?.type === "error") throw message.error;
      throw new Error(`No JPEG within ${SNAPSHOT_TIMEOUT_MS} ms`);
    }
    if (sample.size > MAX_SNAPSHOT_BYTES) {
      throw new RangeError(`A ${sample.size}-byte JPEG is over ${MAX_SNAPSHOT_BYTES}`);
    }
    const jpeg = new Uint8Array(sample.size);
    sample.copyTo(jpeg);
    return jpeg;
  }

  [Symbol.dispose](): void {
    this.#pipeline[Symbol.dispose]();
  }
}
