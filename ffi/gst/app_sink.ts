import { Element } from "./element.ts";
import { type VideoInfo, videoInfo } from "./caps.ts";
import type { Handle } from "./_handle.ts";
import { lib } from "./_lib.ts";
import { armSample, Sample } from "./sample.ts";
import { nanoseconds } from "./_time.ts";

/** Options for {@linkcode AppSink.pull} and {@linkcode AppSink.pullAsync}. */
export interface PullOptions {
  /** How long to wait for a sample; 0 returns at once. Finite, ≥ 0. */
  timeoutMs: number;
}

/**
 * An appsink: where a pipeline hands samples to JS. Configure it in the
 * description: `appsink name=out max-buffers=2 drop=true sync=false` (the
 * default queue is unbounded, and a sink that is not drained then grows
 * without limit).
 *
 * `pull` blocks the calling thread up to its timeout: call it from a Worker
 * that loops. `pullAsync` waits on a thread of Deno's blocking pool, so the
 * event loop keeps running. Both return the sink's one reusable
 * {@linkcode Sample}, valid until the next pull; null means timeout, EOS
 * (check {@linkcode AppSink.eos}) or a pipeline that is not running.
 */
export class AppSink extends Element {
  #handle: Handle;
  #sample: Sample;
  #pending = false;
  // The caps of the last sample, with a reference held so that their address
  // cannot be reused: equal pointers then mean equal caps.
  #caps: Deno.PointerObject | null = null;
  #info: VideoInfo | null = null;

  /** @internal Wraps an owned reference; use {@linkcode Pipeline.appSink}. */
  constructor(handle: Handle) {
    super(handle);
    this.#handle = handle;
    this.#sample = new Sample(handle.what);
    handle.onDispose(() => {
      this.#sample.release();
      if (this.#caps !== null) lib().gst_mini_object_unref(this.#caps);
      this.#caps = null;
      this.#info = null;
    });
  }

  /** True once the sink has received end-of-stream and every sample was pulled. */
  get eos(): boolean {
    return lib().gst_app_sink_is_eos(this.#handle.pointer) !== 0;
  }

  /** Waits up to `timeoutMs` for a sample; blocks the calling thread. */
  pull(options: PullOptions): Sample | null {
    const pointer = this.#handle.pointer;
    this.#assertIdle();
    this.#sample.release();
    const sample = lib().gst_app_sink_try_pull_sample(pointer, nanoseconds(options.timeoutMs));
    return sample === null ? null : this.#arm(sample);
  }

  /**
   * Like {@linkcode AppSink.pull}, but waits on another thread. One pull at a
   * time per sink. Disposing the pipeline meanwhile ends the wait with null.
   */
  async pullAsync(options: PullOptions): Promise<Sample | null> {
    this.#assertIdle();
    const timeout = nanoseconds(options.timeoutMs);
    this.#sample.release();
    const g = lib();
    const pointer = this.#handle.hold();
    this.#pending = true;
    let sample: Deno.PointerValue;
    try {
      sample = await g.gst_app_sink_try_pull_sample_nb(pointer, timeout);
    } finally {
      this.#pending = false;
      this.#handle.unhold();
    }
    if (sample === null) return null;
    if (this.#handle.disposed) {
      g.gst_mini_object_unref(sample);
      return null;
    }
    return this.#arm(sample);
  }

  #arm(sample: Deno.PointerObject): Sample {
    const g = lib();
    const caps = g.gst_sample_get_caps(sample);
    if (caps !== null && !Deno.UnsafePointer.equals(caps, this.#caps)) {
      if (this.#caps !== null) g.gst_mini_object_unref(this.#caps);
      this.#caps = g.gst_mini_object_ref(caps);
      this.#info = videoInfo(caps);
    }
    armSample(this.#sample, sample, this.#info ?? NO_CAPS);
    return this.#sample;
  }

  #assertIdle(): void {
    if (this.#pending) {
      throw new Error(`A pullAsync() is already waiting on the ${this.#handle.what}`);
    }
  }
}

const NO_CAPS: VideoInfo = Object.freeze({
  media: "",
  format: null,
  width: 0,
  height: 0,
  framerate: Object.freeze({ num: 0, den: 1 }),
  caps: "",
});
