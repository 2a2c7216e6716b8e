/**
 * The LL-HLS segmenter and playlist on synthetic access units: parts of
 * whole frames within the target, segments at keyframes, the preload hint,
 * the window, a new SPS as a discontinuity, jittered and broken timestamps,
 * and blocking-reload queries. ffprobe, ffmpeg and hls.js read the real
 * thing in tests/ui/http/hls_test.ts and tests/ui/console/hls_browser_test.ts.
 */
import assert from "node:assert/strict";
import { Segmenter, targetDurationFor } from "../../../transports/hls/segmenter.ts";
import { blockingRequest, renderPlaylist } from "../../../transports/hls/playlist.ts";
import { assertLowLatencyRules, parseMediaPlaylist } from "../../ui/http/_hls.ts";

const SPS = [0, 0, 0, 1, 0x67, 0x42, 0xc0, 0x1e, 0xda, 0x02, 0x80];
const PPS = [0, 0, 0, 1, 0x68, 0xce, 0x3c, 0x80];

function au(keyframe: boolean, sps = SPS): Uint8Array {
  const slice = [0, 0, 1, keyframe ? 0x65 : 0x41, 0x88, 0x80, 0x40];
  return Uint8Array.from(keyframe ? [...sps, ...PPS, ...slice] : slice);
}

const OPTIONS = { partTarget: 0.22, targetDuration: 1, window: 3, fps: 30 };
const FRAME_NS = 1e9 / 30;

/** Pushes `n` frames at 30 fps, a keyframe every 30, from frame `from`. */
function feed(seg: Segmenter, from: number, n: number, jitterNs = 0, sps = SPS): void {
  for (let i = from; i < from + n; i++) {
    const jitter = jitterNs * Math.sin(i * 7.3);
    seg.push({
      au: au(i % 30 === 0, sps),
      ptsNs: 1e12 + i * FRAME_NS + jitter,
      keyframe: i % 30 === 0,
      width: 640,
      height: 480,
    });
  }
}

Deno.test("Segmenter cuts parts of whole frames within the target and segments at keyframes", () => {
  const seg = new Segmenter(OPTIONS);
  feed(seg, 0, 95, 3e6);
  const p = parseMediaPlaylist(renderPlaylist(seg)!);
  assertLowLatencyRules(p, { partFloor: true });
  assert.equal(p.segments.filter((s) => s.duration !== null).length, 3);
  for (const s of seg.segments.filter((s) => s.complete)) {
    assert.equal(s.parts.length, 5, "30 frames in parts of 6");
    assert.ok(s.parts[0].independent);
    assert.ok(s.parts.slice(1).every((x) => !x.independent));
    assert.ok(Math.abs(s.duration - 1) < 0.01);
  }
  // The hint names the id the next part gets, whichever segment it opens.
  const hinted = seg.nextPartId;
  assert.equal(p.preloadHint, `part/${hinted}.mp4`);
  feed(seg, 95, 10);
  assert.ok(seg.part(hinted) !== undefined);
});

Deno.test("Segmenter keeps its window and lets older parts go", () => {
  const seg = new Segmenter(OPTIONS);
  feed(seg, 0, 30 * 10 + 1);
  assert.ok(seg.segments.length <= OPTIONS.window + 1);
  assert.equal(seg.part(0), undefined);
  assert.equal(seg.segment(0), undefined);
  const p = parseMediaPlaylist(renderPlaylist(seg)!);
  assert.equal(p.mediaSequence, seg.segments[0].msn);
  assert.ok(p.mediaSequence > 0);
});

Deno.test("Segmenter starts at the first keyframe with its parameter sets", () => {
  const seg = new Segmenter(OPTIONS);
  for (let i = 1; i < 30; i++) {
    assert.equal(
      seg.push({ au: au(false), ptsNs: i * FRAME_NS, keyframe: false, width: 640, height: 480 }),
      false,
    );
  }
  assert.equal(renderPlaylist(seg), null);
  assert.equal(seg.inits.length, 0);
});

Deno.test("A new SPS makes a new init segment behind a discontinuity", () => {
  const seg = new Segmenter(OPTIONS);
  feed(seg, 0, 61);
  const other = [...SPS.slice(0, 7), 0x1f, 0xda, 0x01, 0x40];
  feed(seg, 61, 61, 0, other);
  const text = renderPlaylist(seg)!;
  assert.match(text, /#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="init\/1\.mp4"/);
  assert.equal(seg.inits.at(-1)!.codec, "avc1.42c01f");
  // Once the discontinuity leaves the window it is counted, and init 0 is dropped.
  feed(seg, 122, 30 * 5, 0, other);
  assert.equal(seg.discontinuitySequence, 1);
  assert.deepEqual(seg.inits.map((i) => i.id), [1]);
  assert.match(
    renderPlaylist(seg)!,
    /#EXT-X-DISCONTINUITY-SEQUENCE:1\n#EXT-X-MAP:URI="init\/1\.mp4"/,
  );
});

Deno.test("A gap or a step back in capture times counts as one nominal frame", () => {
  const seg = new Segmenter(OPTIONS);
  // A 6 s jump forward, then back to the start (an encoder that restarted its clock).
  const times = [0, 1, 2, 200, 201, 1, 2, 3, 4, 5, 6, 7, 8].map((f) => 1e12 + f * FRAME_NS);
  times.forEach((t, i) =>
    seg.push({ au: au(i === 0), ptsNs: t, keyframe: i === 0, width: 64, height: 48 })
  );
  // 12 durations are known (the last frame waits for its successor): two parts of six frames.
  const parts = seg.segments.flatMap((s) => s.parts);
  assert.deepEqual(parts.map((p) => Math.round(p.duration * 1e5) / 1e5), [0.2, 0.2]);
});

Deno.test("A keyframe out of turn never makes a segment start without one", () => {
  // One a second, and one asked for at 0.3 s (a new WebRTC viewer): x264 counts its
  // interval from there, so the next comes at 1.3 s.
  const seg = new Segmenter({ ...OPTIONS, window: 6, targetDuration: targetDurationFor(1) });
  assert.equal(seg.options.targetDuration, 1);
  const keyframes = new Set([0, 9, 39, 69, 99, 129]);
  for (let i = 0; i < 140; i++) {
    const key = keyframes.has(i);
    seg.push({ au: au(key), ptsNs: 1e12 + i * FRAME_NS, keyframe: key, width: 64, height: 48 });
  }
  const done = seg.segments.filter((s) => s.complete);
  assert.deepEqual(done.map((s) => Math.round(s.duration * 10) / 10), [1.3, 1, 1, 1]);
  assert.ok(done.every((s) => s.parts[0].independent));
  assertLowLatencyRules(parseMediaPlaylist(renderPlaylist(seg)!), { partFloor: true });
});

Deno.test("has() answers what a blocking reload waits for", () => {
  const seg = new Segmenter(OPTIONS);
  feed(seg, 0, 45);
  const open = seg.open!;
  assert.equal(open.msn, 1);
  assert.ok(seg.has(0, null) && seg.has(0, 4));
  assert.ok(seg.has(1, open.parts.length - 1));
  assert.ok(!seg.has(1, open.parts.length));
  assert.ok(!seg.has(1, null));
  assert.ok(!seg.has(2, 0));
});

Deno.test("blockingRequest() reads _HLS_msn and _HLS_part, and says what is wrong", () => {
  const cases: [string, ReturnType<typeof blockingRequest>][] = [
    ["", { kind: "now" }],
    ["_HLS_msn=12", { kind: "wait", msn: 12, part: null }],
    ["_HLS_msn=12&_HLS_part=3", { kind: "wait", msn: 12, part: 3 }],
    ["_HLS_part=3", { kind: "invalid", reason: "_HLS_part needs _HLS_msn" }],
    ["_HLS_msn=-1", { kind: "invalid", reason: '_HLS_msn "-1" is not a number' }],
    ["_HLS_msn=1&_HLS_part=1e3", { kind: "invalid", reason: '_HLS_part "1e3" is not a number' }],
  ];
  for (const [query, want] of cases) {
    assert.deepEqual(blockingRequest(new URLSearchParams(query)), want, query);
  }
});

Deno.test("Segmenter refuses settings that cannot make a valid playlist", () => {
  assert.throws(() => new Segmenter({ ...OPTIONS, partTarget: 2 }), /part target of 2 s/);
  assert.throws(() => new Segmenter({ ...OPTIONS, targetDuration: 0.5 }), /whole seconds/);
  assert.throws(() => new Segmenter({ ...OPTIONS, window: 1 }), /at least 2 segments/);
});
