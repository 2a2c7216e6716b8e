import { GstError } from "./errors.ts";
import { factoryExists } from "./_parse.ts";
import { Pipeline } from "./pipeline.ts";

const PROBE_SLICE_MS = 50;

/** True when GStreamer has an element factory named `factoryName`. */
export function elementAvailable(factoryName: string): boolean {
  return factoryExists(factoryName);
}

/** The outcome of {@linkcode probeEncoder}. */
export type EncoderProbe = { ok: true } | { ok: false; error: GstError };

/** Options for {@linkcode probeEncoder}. */
export interface ProbeOptions {
  /** How long the test may take in all. Default 5000. */
  timeoutMs?: number;
}

/**
 * Proves that an encoder really works here: runs `videotestsrc num-buffers=2
 * ! videoconvert ! <encoder> ! appsink` to end-of-stream and checks that output came out. `encoder` is one
 * element with optional properties ("x264enc speed-preset=ultrafast"). A
 * hardware encoder whose device is missing fails here, not at run time.
 * Resolves with the GstError instead of throwing it; waits on other threads.
 */
export async function probeEncoder(
  encoder: string,
  options: ProbeOptions = {},
): Promise<EncoderProbe> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const deadline = performance.now() + timeoutMs;
  // The factory name, for the errors the probe makes itself ("x264enc speed-preset=…" → "x264enc").
  const element = encoder.trim().split(/\s+/)[0];
  let pipeline: Pipeline;
  try {
    pipeline = Pipeline.parse(
      "videotestsrc num-buffers=2 ! video/x-raw,width=320,height=240,framerate=30/1" +
        ` ! videoconvert ! ${encoder} ! appsink name=sink sync=false`,
    );
  } catch (e) {
    if (e instanceof GstError) return { ok: false, error: e };
    throw e;
  }
  using p = pipeline;
  const sink = p.appSink("sink");
  let samples = 0;
  try {
    await p.setStateAsync("playing", { timeoutMs });
    for (;;) {
      const message = p.bus.pop({ timeoutMs: 0, types: ["error"] });
      if (message?.type === "error") return { ok: false, error: message.error };
      const left = deadline - performance.now();
      if (left <= 0) {
        const error = new GstError(`Encoder "${encoder}" did not finish within ${timeoutMs} ms`, {
          element,
        });
        return { ok: false, error };
      }
      // Short waits, so that an error on the bus ends the probe early.
      const sample = await sink.pullAsync({ timeoutMs: Math.min(left, PROBE_SLICE_MS) });
      if (sample !== null) samples++;
      else if (sink.eos) break;
    }
  } catch (e) {
    if (e instanceof GstError) return { ok: false, error: e };
    throw e;
  }
  if (samples > 0) return { ok: true };
  return {
    ok: false,
    error: new GstError(`Encoder "${encoder}" produced no output`, { element }),
  };
}
