/**
 * opusPacketSamples() against libopus (GStreamer's opusenc) at every frame
 * size it makes, and against malformed packets.
 */
import assert from "node:assert/strict";
import { opusPacketSamples } from "../../../../transports/rtp/opus/toc.ts";
import { Pipeline } from "../../../../ffi/gst/mod.ts";

/** The first packets libopus makes from a tone, in frames of `frameMs`. */
function encode(frameMs: string, extra = ""): Uint8Array[] {
  using p = Pipeline.parse(
    "audiotestsrc num-buffers=20 samplesperbuffer=960 ! audio/x-raw,rate=48000,channels=1 " +
      `! opusenc frame-size=${frameMs} ${extra} ! appsink name=out sync=false`,
  );
  p.setState("playing", { timeoutMs: 0 });
  const sink = p.appSink("out");
  const out: Uint8Array[] = [];
  for (let s = sink.pull({ timeoutMs: 5000 }); s !== null; s = sink.pull({ timeoutMs: 5000 })) {
    const b = new Uint8Array(s.size);
    s.copyTo(b);
    out.push(b);
    if (out.length === 4) break;
  }
  return out;
}

Deno.test("opusPacketSamples() reads libopus packets of 2.5 to 60 ms, CELT and SILK", () => {
  const cases: [string, string, number][] = [
    ["2.5", "", 120],
    ["5", "", 240],
    ["10", "", 480],
    ["20", "", 960],
    ["40", "", 1920],
    ["60", "", 2880],
    ["20", "audio-type=voice bitrate=8000", 960],
    ["60", "audio-type=voice bitrate=8000", 2880],
  ];
  for (const [ms, extra, samples] of cases) {
    const packets = encode(ms, extra);
    assert.ok(packets.length > 0, `${ms} ms: packets came`);
    for (const p of packets) assert.equal(opusPacketSamples(p), samples, `${ms} ms ${extra}`);
  }
});

Deno.test("opusPacketSamples() is 0 for an empty packet, a code-3 packet without its count, and over 120 ms", () => {
  assert.equal(opusPacketSamples(new Uint8Array(0)), 0);
  assert.equal(opusPacketSamples(new Uint8Array([0x03])), 0);
  // SILK 60 ms (config 3), code 3 with 3 frames: 180 ms.
  assert.equal(opusPacketSamples(new Uint8Array([(3 << 3) | 3, 3])), 0);
  // The same with 2 frames: 120 ms, the most a packet holds.
  assert.equal(opusPacketSamples(new Uint8Array([(3 << 3) | 3, 2])), 5760);
  // A TOC byte alone (code 0): one frame, as eyrie's empty fill packets are.
  assert.equal(opusPacketSamples(new Uint8Array([31 << 3])), 960);
});
