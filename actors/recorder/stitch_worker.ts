/**
 * The stitch Worker: one per download. Each segment is demuxed by GStreamer
 * (`filesrc ! qtdemux ! h264parse ! appsink`), its access units are trimmed
 * to the range ({@linkcode RangeTrimmer}) and pushed, on one continuous
 * timeline, into `appsrc ! h264parse ! mp4mux ! appsink`; the muxed bytes go
 * to the main thread in chunks, one chunk per "more" (backpressure from the
 * HTTP response). Two pipelines at a time, whatever the number of files.
 *
 * @module
 */
import { type AppSink, Pipeline } from "../../ffi/gst/mod.ts";
import { APPSRC_CAPS, APPSRC_NAME, quoteGst } from "./mux.ts";
import { type FromStitcher, RangeTrimmer, type StitchFile, type ToStitcher } from "./stitch.ts";

/** Bytes sent per chunk. */
const CHUNK_BYTES = 512 * 1024;
/** Largest access unit copied. Reason: a 4K keyframe at high quality is ~2 MB; 16 MiB is past any. */
const MAX_AU_BYTES = 16 * 2 ** 20;
/** Most bytes held from before the range start. Reason: one GOP; 64 MiB is 8 s at 64 Mbit/s. */
const MAX_HELD_BYTES = 64 * 2 ** 20;
const PULL_TIMEOUT_MS = 10_000;
const STATE_TIMEOUT_MS = 5000;

interface Scope {
  postMessage(m: FromStitcher, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<ToStitcher>) => void) | null;
  close(): void;
}
const scope = self as unknown as Scope;

let credit: (() => void) | null = null;
let credits = 0;
let cancelled = false;

function waitForCredit(): Promise<void> {
  if (credits > 0 || cancelled) {
    credits = Math.max(0, credits - 1);
    return Promise.resolve();
  }
  return new Promise((resolve) => (credit = resolve));
}

class Output {
  #sink: AppSink;
  #buf = new Uint8Array(CHUNK_BYTES * 2);
  #size = 0;
  constructor(sink: AppSink) {
    this.#sink = sink;
  }

  /** Takes what the muxer has produced; sends full chunks (waiting for the reader). */
  async drain(waitMs: number): Promise<void> {
    for (let wait = waitMs;; wait = 0) {
      const s = this.#sink.pull({ timeoutMs: wait });
      if (s === null) return;
      if (this.#size + s.size > this.#buf.length) {
        const bigger = new Uint8Array(Math.max(this.#buf.length * 2, this.#size + s.size));
        bigger.set(this.#buf.subarray(0, this.#size));
        this.#buf = bigger;
      }
      s.copyTo(this.#buf.subarray(this.#size));
      this.#size += s.size;
      if (this.#size >= CHUNK_BYTES) await this.flush();
    }
  }

  async flush(): Promise<void> {
    if (this.#size === 0 || cancelled) return;
    await waitForCredit();
    const bytes = this.#buf.slice(0, this.#size);
    this.#size = 0;
    scope.postMessage({ type: "chunk", bytes }, [bytes.buffer]);
  }
}

function demuxPipeline(file: string): string {
  return `filesrc location=${quoteGst(file)} ! qtdemux ! h264parse config-interval=-1 ` +
    "! video/x-h264,stream-format=byte-stream,alignment=au " +
    "! appsink name=out sync=false max-buffers=16";
}

async function stitch(files: StitchFile[], range: { fromMs: number; toMs: number }) {
  using mux = Pipeline.parse(
    `appsrc name=${APPSRC_NAME} format=time caps=${APPSRC_CAPS} ! h264parse ` +
      "! mp4mux fragment-duration=1000 streamable=true ! appsink name=out sync=false",
  );
  const src = mux.appSrc(APPSRC_NAME);
  const out = new Output(mux.appSink("out"));
  mux.setState("playing", { timeoutMs: 0 });
  const trimmer = new RangeTrimmer(range);
  const au = new Uint8Array(MAX_AU_BYTES);
  let held: { bytes: Uint8Array; atNs: number; key: boolean }[] = [];
  let heldBytes = 0;
  let baseNs = -1;
  let lastPts = -1;
  let frames = 0;
  const push = (bytes: Uint8Array, atNs: number, key: boolean) => {
    if (baseNs < 0) baseNs = atNs;
    // Segments follow each other; keep time moving forward if two overlap.
    const pts = Math.max(Math.round(atNs - baseNs), lastPts + 1);
    src.push(bytes, { pts, keyframe: key });
    lastPts = pts;
    frames++;
  };
  files: for (const f of files) {
    if (cancelled) break;
    using demux = Pipeline.parse(demuxPipeline(f.file));
    const sink = demux.appSink("out");
    demux.setState("playing", { timeoutMs: STATE_TIMEOUT_MS });
    for (;;) {
      const s = await sink.pullAsync({ timeoutMs: PULL_TIMEOUT_MS });
      if (cancelled) break files;
      if (s === null) {
        const m = demux.bus.pop({ timeoutMs: 0, types: ["error"] });
        if (m?.type === "error") throw m.error;
        if (sink.eos) break;
        throw new Error(`Reading ${f.file} stalled`);
      }
      if (s.size > MAX_AU_BYTES) throw new RangeError(`An access unit of ${s.size} bytes`);
      const atNs = f.startMs * 1e6 + (s.pts ?? 0);
      const key = s.keyframe;
      const n = s.copyTo(au);
      switch (trimmer.next(atNs / 1e6, key)) {
        case "end":
          break files;
        case "restart":
          held = [];
          heldBytes = 0;
          // falls through
        case "hold":
          if (held.length === 0 && !key) break;
          if (heldBytes + n > MAX_HELD_BYTES) {
            held = [];
            heldBytes = 0;
            break;
          }
          held.push({ bytes: au.slice(0, n), atNs, key });
          heldBytes += n;
          break;
        case "emit":
          for (const h of held) push(h.bytes, h.atNs, h.key);
          held = [];
          heldBytes = 0;
          push(au.subarray(0, n), atNs, key);
          await out.drain(0);
          break;
      }
    }
  }
  if (cancelled) return;
  if (frames > 0) {
    src.endOfStream();
    for (;;) {
      await out.drain(100);
      const m = mux.bus.pop({ timeoutMs: 0, types: ["eos", "error"] });
      if (m?.type === "error") throw m.error;
      if (m?.type === "eos") break;
    }
    await out.drain(0);
    await out.flush();
  }
  scope.postMessage({ type: "done", frames });
}

scope.onmessage = (e) => {
  const m = e.data;
  switch (m.type) {
    case "more":
      credits++;
      if (credit !== null) {
        const c = credit;
        credit = null;
        credits--;
        c();
      }
      return;
    case "cancel":
      cancelled = true;
      credit?.();
      return;
    case "start":
      stitch(m.files, m)
        .catch((error) => scope.postMessage({ type: "error", message: (error as Error).message }))
        .finally(() => scope.close());
      return;
  }
};
