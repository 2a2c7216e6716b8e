/**
 * Proves that an H.264 decoder really works here, as probe.ts does for
 * encoders: decodes two 128x96 frames (an IDR and a P frame, made once with
 * x264 and kept here, so the probe needs no encoder) and checks that two
 * pictures came out. A hardware decoder whose device is missing, or that
 * cannot take constrained baseline, fails here rather than in front of a user.
 *
 * @module
 */
import { GstError } from "./errors.ts";
import { Pipeline } from "./pipeline.ts";
import type { EncoderProbe, ProbeOptions } from "./probe.ts";

/** Two frames of black, 128x96, constrained baseline, Annex-B. */
const PROBE_STREAM = Uint8Array.from(
  atob(
    "AAAAAQkQAAAAAWdCwBXaCDbAWoMDA1KAAAADAIAAAB5HixdQAAAAAWjOPIAAAAEGBf//pdxF6b3m2Ui3lizYINkj7u94MjY0IC0gY29yZSAxNjQgcjMwOTUgYmFlZTQwMCAtIEguMjY0L01QRUctNCBBVkMgY29kZWMgLSBDb3B5bGVmdCAyMDAzLTIwMjIgLSBodHRwOi8vd3d3LnZpZGVvbGFuLm9yZy94MjY0Lmh0bWwgLSBvcHRpb25zOiBjYWJhYz0wIHJlZj0xIGRlYmxvY2s9MDowOjAgYW5hbHlzZT0wOjAgbWU9ZGlhIHN1Ym1lPTAgcHN5PTEgcHN5X3JkPTEuMDA6MC4wMCBtaXhlZF9yZWY9MCBtZV9yYW5nZT0xNiBjaHJvbWFfbWU9MSB0cmVsbGlzPTAgOHg4ZGN0PTAgY3FtPTAgZGVhZHpvbmU9MjEsMTEgZmFzdF9wc2tpcD0xIGNocm9tYV9xcF9vZmZzZXQ9MCB0aHJlYWRzPTEgbG9va2FoZWFkX3RocmVhZHM9MSBzbGljZWRfdGhyZWFkcz0wIG5yPTAgZGVjaW1hdGU9MSBpbnRlcmxhY2VkPTAgYmx1cmF5X2NvbXBhdD0wIGNvbnN0cmFpbmVkX2ludHJhPTAgYmZyYW1lcz0wIHdlaWdodHA9MCBrZXlpbnQ9MzAga2V5aW50X21pbj0zIHNjZW5lY3V0PTAgaW50cmFfcmVmcmVzaD0wIHJjX2xvb2thaGVhZD0wIHJjPWNiciBtYnRyZWU9MCBiaXRyYXRlPTIwNDggcmF0ZXRvbD0xLjAgcWNvbXA9MC42MCBxcG1pbj0wIHFwbWF4PTY5IHFwc3RlcD00IHZidl9tYXhyYXRlPTIwNDggdmJ2X2J1ZnNpemU9MTIyOCBuYWxfaHJkPW5vbmUgZmlsbGVyPTAgaXBfcmF0aW89MS40MCBhcT0wAIAAAAFliIQGqJMKAAP78k8nJycnJyddddddddddddddddddddddddddddddddddddddddeAAAAAAQkwAAABQZogGqBj",
  ),
  (c) => c.charCodeAt(0),
);
const PROBE_SLICE_MS = 50;

/**
 * Runs `appsrc ! h264parse ! <decoder> ! appsink` over the probe stream.
 * Resolves with the GstError instead of throwing it; waits on other threads.
 */
export async function probeDecoder(
  decoder: string,
  options: ProbeOptions = {},
): Promise<EncoderProbe> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const deadline = performance.now() + timeoutMs;
  const element = decoder.trim().split(/\s+/)[0];
  let pipeline: Pipeline;
  try {
    pipeline = Pipeline.parse(
      "appsrc name=src format=time caps=video/x-h264,stream-format=byte-stream" +
        ` ! h264parse ! ${decoder} ! appsink name=sink sync=false`,
    );
  } catch (e) {
    if (e instanceof GstError) return { ok: false, error: e };
    throw e;
  }
  using p = pipeline;
  const sink = p.appSink("sink");
  let pictures = 0;
  try {
    // Not live: it prerolls only once data comes, so the state change stays async until then.
    await p.setStateAsync("playing", { timeoutMs: PROBE_SLICE_MS });
    const src = p.appSrc("src");
    src.push(PROBE_STREAM, { pts: 0 });
    src.endOfStream();
    for (;;) {
      const message = p.bus.pop({ timeoutMs: 0, types: ["error"] });
      if (message?.type === "error") return { ok: false, error: message.error };
      const left = deadline - performance.now();
      if (left <= 0) {
        const error = new GstError(`Decoder "${decoder}" did not finish within ${timeoutMs} ms`, {
          element,
        });
        return { ok: false, error };
      }
      const sample = await sink.pullAsync({ timeoutMs: Math.min(left, PROBE_SLICE_MS) });
      if (sample !== null) {
        sample[Symbol.dispose]();
        pictures++;
      } else if (sink.eos) break;
    }
  } catch (e) {
    if (e instanceof GstError) return { ok: false, error: e };
    throw e;
  }
  if (pictures >= 2) return { ok: true };
  return {
    ok: false,
    error: new GstError(`Decoder "${decoder}" made ${pictures} of 2 pictures`, { element }),
  };
}
