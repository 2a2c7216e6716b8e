// `deno task bench audio_stamp [-- --runs 20]` (a few seconds). How late the
// audio actor's old stamp put a run's first Opus packet: the audio pipeline
// of a test camera (actors/audio/pipeline.ts: audiotestsrc → opusenc) is
// started `runs` times, and for the first packet of each the bench reads the
// pipeline's running time when the packet is pulled. The old stamp took that
// instant as the capture of the packet's first sample (ring time now − pts
// as if pts were now); the new one maps the running time to the ring clock
// (now − running time), so the difference, running time − pts, is how late
// the old stamp was. The anchor is the new stamp itself (0 by construction).
import { AUDIO_SINK, audioPipeline } from "../actors/audio/pipeline.ts";
import { Pipeline } from "../ffi/gst/mod.ts";

const runs = Number(Deno.args[Deno.args.indexOf("--runs") + 1] ?? 20) || 20;
const lates: number[] = [];
for (let i = 0; i < runs; i++) {
  using p = Pipeline.parse(audioPipeline({ kind: "test" }));
  p.setState("playing", { timeoutMs: 5000 });
  const s = await p.appSink(AUDIO_SINK).pullAsync({ timeoutMs: 5000 });
  const running = p.runningTimeNs();
  if (s === null || running === null) throw new Error("The audio pipeline gave no packet");
  lates.push((running - (s.pts ?? 0)) / 1e6);
}
lates.sort((a, b) => a - b);
const at = (q: number) => lates[Math.min(lates.length - 1, Math.floor(q * lates.length))];
const result = {
  runs,
  old_stamp_late_ms: { min: at(0), p50: at(0.5), p95: at(0.95), max: lates[lates.length - 1] },
};
console.log(JSON.stringify(result, null, 2));
console.log(
  `audio stamp: the old stamp of a run's first packet was ${at(0.5).toFixed(1)} ms late at p50 ` +
    `(${at(0).toFixed(1)}–${
      lates[lates.length - 1].toFixed(1)
    } ms over ${runs} runs); the new one maps the running time`,
);
