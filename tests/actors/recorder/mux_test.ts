import assert from "node:assert/strict";
import { join } from "node:path";
import {
  APPSRC_CAPS,
  cutDecision,
  FRAGMENT_DURATION_MS,
  hasParameterSets,
  opusCaps,
  quoteGst,
  recordedAudio,
  scanMp4,
  segmentPipeline,
} from "../../../actors/recorder/mod.ts";
import { makeSegment, run, sourceArgs } from "./_media.ts";
import { Pipeline } from "../../../ffi/gst/mod.ts";

Deno.test("segmentPipeline() feeds byte-stream AUs from appsrc into fragmented mp4mux and an unbuffered filesink", () => {
  const p = segmentPipeline("/rec/front/2026-11-22/x.mp4");
  assert.equal(
    p,
    `appsrc name=src format=time caps=${APPSRC_CAPS} ! h264parse ! mp4mux name=mux fragment-duration=${FRAGMENT_DURATION_MS} ! filesink location="/rec/front/2026-11-22/x.mp4" buffer-mode=unbuffered`,
  );
});

Deno.test("segmentPipeline() with sound links an Opus appsrc to the muxer's audio pad, or decodes it to AAC-LC, and refuses Opus in AVI", () => {
  const format = { container: "mp4", codec: "h264", fps: 30 } as const;
  const opus = segmentPipeline("/r/x.mp4", { ...format, audio: "opus" });
  assert.match(opus, / buffer-mode=unbuffered appsrc name=asrc format=time ! mux\.audio_%u$/);
  const aac = segmentPipeline("/r/x.mp4", { ...format, audio: "aac" });
  assert.match(
    aac,
    /appsrc name=asrc format=time ! opusdec .* ! voaacenc bitrate=64000 ! aacparse ! mux\.audio_%u$/,
  );
  // AVI: AAC whatever is asked, and frames repeated where the camera lost some.
  assert.equal(recordedAudio("avi", "opus"), "aac");
  assert.equal(recordedAudio("mkv", "opus"), "opus");
  assert.equal(recordedAudio("mp4", "aac"), "aac");
  const avi = segmentPipeline("/r/x.avi", {
    container: "avi",
    codec: "mjpeg",
    fps: 30,
    audio: "aac",
  });
  assert.match(avi, /jpegparse ! videorate ! avimux/);
  for (
    const text of [
      opus,
      aac,
      avi,
      segmentPipeline("/r/x.mkv", { ...format, container: "mkv", audio: "opus" }),
    ]
  ) {
    Pipeline.parse(text)[Symbol.dispose]();
  }
  assert.throws(
    () => segmentPipeline("/r/x.avi", { container: "avi", codec: "mjpeg", fps: 30, audio: "opus" }),
    { name: "TypeError", message: /avi segment cannot hold opus sound/ },
  );
  assert.match(
    opusCaps(312),
    /streamheader=\(buffer\)<4f707573486561640101380180bb0000000000,4f70757354616773/,
  );
  assert.throws(() => opusCaps(70_000), RangeError);
});

Deno.test("quoteGst() escapes quotes and backslashes and refuses control characters", () => {
  assert.equal(quoteGst('a "b" \\c'), '"a \\"b\\" \\\\c"');
  assert.throws(() => quoteGst("a\nb"), { name: "TypeError", message: /"a\\nb"/ });
});

Deno.test("the mux chain writes to a path with spaces and quotes through gst-launch-1.0", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, 'odd "dir" \\ name', "seg.mp4");
    await makeSegment(path, 20);
    assert.equal((await scanMp4(path)).frames, 20);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cutDecision() ends a segment only before a keyframe, and calls a late keyframe overdue", () => {
  const opts = { segmentNs: 60e9 };
  const cases: [number, boolean, string][] = [
    [0, true, "continue"],
    [59.9e9, true, "continue"],
    [60e9, false, "continue"],
    [60e9, true, "cut"],
    [119e9, false, "continue"],
    [120e9, false, "overdue"],
    [130e9, true, "cut"],
  ];
  for (const [pts, keyframe, expected] of cases) {
    assert.equal(
      cutDecision(1e9, { ptsNs: 1e9 + pts, keyframe }, opts),
      expected,
      `${pts} ${keyframe}`,
    );
  }
});

Deno.test("hasParameterSets() finds SPS and PPS in x264's first access unit", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "a.h264");
    const r = await run("gst-launch-1.0", [
      "-q",
      ...sourceArgs({ frames: 1 }),
      "!",
      "filesink",
      `location=${path}`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(hasParameterSets(await Deno.readFile(path)), true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("hasParameterSets() wants both an SPS and a PPS, with 3- or 4-byte start codes", () => {
  const sps = [0, 0, 0, 1, 0x67, 0x42, 0xc0, 0x1f];
  const pps = [0, 0, 1, 0x68, 0xce, 0x3c, 0x80];
  const idr = [0, 0, 0, 1, 0x65, 0x88, 0x84, 0x00];
  assert.equal(hasParameterSets(new Uint8Array([...sps, ...pps, ...idr])), true);
  assert.equal(hasParameterSets(new Uint8Array([...sps, ...idr])), false);
  assert.equal(hasParameterSets(new Uint8Array([...pps, ...idr])), false);
  assert.equal(hasParameterSets(new Uint8Array(idr)), false);
  assert.equal(hasParameterSets(new Uint8Array([0, 0, 1])), false);
});
