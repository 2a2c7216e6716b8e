/**
 * Typed, owning GStreamer bindings over Deno FFI. Nothing here hands out a
 * pointer: every wrapper owns its references, releases them once on
 * `Symbol.dispose`, and throws once disposed; C failures become
 * {@linkcode GstError}s with GStreamer's text.
 *
 * Threading: calls that wait (`AppSink.pull`, `Bus.pop`, `Pipeline.setState`)
 * block the calling thread up to their timeout, so make them from an actor's
 * Worker. Their `…Async` twins wait on a thread of Deno's blocking pool and
 * keep the event loop running. Each Worker loads the libraries itself on
 * first use. See docs/ffi.md.
 *
 * @example Pull raw frames into a SharedArrayBuffer
 * ```ts
 * using pipeline = Pipeline.parse(
 *   "videotestsrc is-live=true ! video/x-raw,format=I420,width=640,height=480" +
 *     " ! appsink name=out max-buffers=2 drop=true sync=false",
 * );
 * const sink = pipeline.appSink("out");
 * pipeline.setState("playing", { timeoutMs: 5000 });
 * const slot = new Uint8Array(new SharedArrayBuffer(640 * 480 * 3 / 2));
 * const sample = sink.pull({ timeoutMs: 1000 });
 * if (sample !== null) sample.copyTo(slot);
 * ```
 *
 * @module
 */
export { type GstVersion, gstVersion, initGstreamer, setApplicationName } from "./init.ts";
export { GstError, type GstErrorOptions } from "./errors.ts";
export { debianPackageFor } from "./packages.ts";
export {
  Pipeline,
  type SetStateOptions,
  type StateChange,
  stopLedgerPipelines,
} from "./pipeline.ts";
export { newPipelineLedger, usePipelineLedger } from "./ledger.ts";
export { Element, type ForceKeyUnitOptions, type Value } from "./element.ts";
export { Bus, type BusMessage, type MessageKind, type PopOptions, type State } from "./bus.ts";
export { AppSink, type PullOptions } from "./app_sink.ts";
export { Sample } from "./sample.ts";
export { AppSrc, type PushOptions } from "./app_src.ts";
export {
  type CapsStructure,
  type Fraction,
  type FractionRange,
  type IntRange,
  parseCaps,
  type VideoInfo,
} from "./caps.ts";
export { listVideoSources, type VideoSourceDevice } from "./device_monitor.ts";
export { elementAvailable, type EncoderProbe, probeEncoder, type ProbeOptions } from "./probe.ts";
export { probeDecoder } from "./probe_decoder.ts";
