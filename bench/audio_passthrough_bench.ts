// What passing a camera's own Opus through saves against decoding and encoding it again.
// gst-rtsp-server sends a 440 Hz tone as Opus (20 ms frames, as eyrie's own encoder makes);
// the audio actor's two pipelines for it (actors/audio/pipeline.ts) take turns, each
// pulling every packet for `--seconds` of sound, `--rounds` times. The CPU of this process
// (all its threads: rtspsrc, the depayloader, the decoder and encoder) per second of sound,
// and passthrough as a ratio to the re-encode (the anchor, measured in the same run).
//
//   deno task bench audio_passthrough [-- --rounds 3 --seconds 10]
import process from "node:process";
import { parseArgs } from "node:util";
import { Pipeline } from "../ffi/gst/mod.ts";
import { audioPipeline, passthroughPipeline } from "../actors/audio/pipeline.ts";
import type { AudioSource } from "../actors/audio/plan.ts";
import { closedPort, startRtspCamera } from "../tests/faults/_faults.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { rounds: { type: "string", default: "3" }, seconds: { type: "string", default: "10" } },
});
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);

/** CPU ms of this process while `description` delivers `seconds` of sound, and its packets. */
function measure(description: string): { cpuMs: number; packets: number; bytes: number } {
  using p = Pipeline.parse(description);
  p.setState("playing", { timeoutMs: 0 });
  const sink = p.appSink("audio");
  // The first packet after the session's setup: only the steady state is counted.
  const deadline = Date.now() + 20_000;
  while (sink.pull({ timeoutMs: 200 }) === null) {
    if (Date.now() > deadline) throw new Error("No first packet within 20 s");
  }
  const before = process.cpuUsage();
  let soundNs = 0;
  let packets = 0;
  let bytes = 0;
  while (soundNs < seconds * 1e9) {
    const s = sink.pull({ timeoutMs: 2000 });
    if (s === null) throw new Error("The stream stalled");
    soundNs += s.duration ?? 20e6;
    packets++;
    bytes += s.size;
  }
  const used = process.cpuUsage(before);
  return { cpuMs: (used.user + used.system) / 1000, packets, bytes };
}

await using cam = await startRtspCamera(closedPort(), { audio: "opus" });
const plan: AudioSource = { kind: "rtsp", url: cam.url, optional: true };
const load = () => Deno.loadavg()[0].toFixed(1);
console.log(`load average ${load()} at the start; ${rounds} rounds of ${seconds} s each\n`);
console.log("| round | passthrough CPU ms/s | re-encode CPU ms/s | ratio | kb/s pass / enc |");
console.log("| ----- | -------------------- | ------------------ | ----- | --------------- |");
const ratios: number[] = [];
for (let r = 1; r <= rounds; r++) {
  const pass = measure(passthroughPipeline(plan as AudioSource & { kind: "rtsp" }));
  const enc = measure(audioPipeline(plan));
  const ratio = pass.cpuMs / enc.cpuMs;
  ratios.push(ratio);
  const kbps = (m: { bytes: number }) => (m.bytes * 8 / seconds / 1000).toFixed(0);
  console.log(
    `| ${r} | ${(pass.cpuMs / seconds).toFixed(1)} | ${(enc.cpuMs / seconds).toFixed(1)} | ` +
      `${ratio.toFixed(2)} | ${kbps(pass)} / ${kbps(enc)} |`,
  );
}
ratios.sort((a, b) => a - b);
console.log(
  `\nmedian ratio ${ratios[ratios.length >> 1].toFixed(2)}; load average ${load()} at the end`,
);
