// The encoder actor's path end to end: appsrc (raw I420) ! encoder !
// h264parse ! appsink (one access unit per sample), checked with decoders
// that the bindings did not write.
import assert from "node:assert/strict";
import { type AppSink, type AppSrc, type Element, Pipeline } from "../../../ffi/gst/mod.ts";
import { isIdr, NAL, nalTypes } from "./_h264.ts";

const W = 320;
const H = 240;
const I420 = W * H * 3 / 2;
const FRAME_NS = 33_333_333;
const X264 = "x264enc name=enc speed-preset=ultrafast tune=zerolatency byte-stream=true " +
  "key-int-max=1000";
const OPENH264 = "openh264enc name=enc gop-size=1000";
const THOUSAND_HOURS_NS = 1000 * 3600 * 1e9;

function encoderPipeline(encoder: string): Pipeline {
  return Pipeline.parse(
    "appsrc name=src format=time is-live=true max-buffers=4 " +
      `caps=video/x-raw,format=I420,width=${W},height=${H},framerate=30/1 ! ${encoder} ` +
      "! h264parse config-interval=-1 ! video/x-h264,stream-format=byte-stream,alignment=au " +
      "! appsink name=out sync=false",
  );
}

/** A moving gradient, so that every frame differs from the last. */
function paint(frame: Uint8Array, n: number): void {
  for (let y = 0; y < H; y++) frame.fill((y + n * 3) & 0xff, y * W, (y + 1) * W);
  frame.fill(128, W * H);
}

interface Encoded {
  au: Uint8Array;
  pts: number | null;
  keyframe: boolean;
  header: boolean;
}

/** Pushes one frame and pulls the access unit it becomes (the encoders here have no delay). */
function encodeOne(src: AppSrc, sink: AppSink, frame: Uint8Array, n: number): Encoded {
  src.push(frame, { pts: n * FRAME_NS, duration: FRAME_NS });
  const s = sink.pull({ timeoutMs: 5000 });
  assert.ok(s !== null, `no access unit for frame ${n}`);
  const au = new Uint8Array(s.size);
  s.copyTo(au);
  return { au, pts: s.pts, keyframe: s.keyframe, header: s.header };
}

function forcedKeyframe(encoder: string) {
  using p = encoderPipeline(encoder);
  const src = p.appSrc("src");
  const sink = p.appSink("out");
  const enc: Element = p.element("enc");
  p.setState("playing", { timeoutMs: 0 });
  const frame = new Uint8Array(I420);
  const out: Encoded[] = [];
  for (let n = 0; n < 20; n++) {
    paint(frame, n);
    if (n === 10) enc.forceKeyUnit();
    out.push(encodeOne(src, sink, frame, n));
  }
  for (const [n, e] of out.entries()) {
    const idr = n === 0 || n === 10;
    assert.equal(isIdr(e.au), idr, `frame ${n}: NAL types ${nalTypes(e.au)}`);
    assert.equal(e.keyframe, idr, `frame ${n}: keyframe flag`);
    assert.equal(e.header, idr, `frame ${n}: header flag (SPS/PPS inside)`);
    if (idr) {
      assert.ok(nalTypes(e.au).includes(NAL.SPS), `frame ${n} repeats the SPS`);
      assert.ok(nalTypes(e.au).includes(NAL.PPS), `frame ${n} repeats the PPS`);
    }
  }
}

Deno.test("forceKeyUnit() makes x264enc's next access unit an IDR with SPS and PPS", () => {
  forcedKeyframe(X264);
});

Deno.test("forceKeyUnit() makes openh264enc's next access unit an IDR with SPS and PPS", () => {
  forcedKeyframe(OPENH264);
});

Deno.test("x264enc adds 1000 hours to every PTS; openh264enc keeps PTS as pushed", () => {
  for (const [encoder, offset] of [[X264, THOUSAND_HOURS_NS], [OPENH264, 0]] as const) {
    using p = encoderPipeline(encoder);
    const src = p.appSrc("src");
    const sink = p.appSink("out");
    p.setState("playing", { timeoutMs: 0 });
    const frame = new Uint8Array(I420);
    for (let n = 0; n < 5; n++) {
      paint(frame, n);
      assert.equal(encodeOne(src, sink, frame, n).pts, n * FRAME_NS + offset, encoder);
    }
  }
});

Deno.test("forceKeyUnit() throws for an element without a src pad", () => {
  using p = Pipeline.parse("videotestsrc ! fakesink name=sink");
  assert.throws(() => p.element("sink").forceKeyUnit(), /has no "src" pad/);
});

const AUS = 300;

/** 300 frames through x264enc, one access unit each, as one Annex B stream. */
function encode300(): { stream: Uint8Array; idrs: number } {
  using p = encoderPipeline(X264.replace("key-int-max=1000", "key-int-max=60"));
  const src = p.appSrc("src");
  const sink = p.appSink("out");
  p.setState("playing", { timeoutMs: 0 });
  const frame = new Uint8Array(I420);
  const chunks: Uint8Array[] = [];
  let idrs = 0;
  for (let n = 0; n < AUS; n++) {
    paint(frame, n);
    const e = encodeOne(src, sink, frame, n);
    assert.ok(
      nalTypes(e.au).some((t) => t === NAL.IDR || t === NAL.NON_IDR),
      `AU ${n} has a slice`,
    );
    if (isIdr(e.au)) idrs++;
    chunks.push(e.au);
  }
  const stream = new Uint8Array(chunks.reduce((sum, c) => sum + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    stream.set(c, at);
    at += c.length;
  }
  return { stream, idrs };
}

Deno.test("300 access units pulled from x264enc all decode with avdec_h264", () => {
  const { stream, idrs } = encode300();
  assert.equal(idrs, AUS / 60);
  // Decode in a second pipeline fed through an appsrc, whole stream at once.
  using p = Pipeline.parse(
    "appsrc name=src format=time caps=video/x-h264,stream-format=byte-stream " +
      "! h264parse ! avdec_h264 ! video/x-raw,format=I420 ! appsink name=out sync=false",
  );
  const src = p.appSrc("src");
  const sink = p.appSink("out");
  p.setState("playing", { timeoutMs: 0 });
  src.push(stream, { pts: null });
  src.endOfStream();
  let frames = 0;
  for (let s = sink.pull({ timeoutMs: 5000 }); s !== null; s = sink.pull({ timeoutMs: 5000 })) {
    assert.equal(s.size, I420);
    assert.equal(s.video.width, W);
    frames++;
  }
  assert.equal(sink.eos, true);
  assert.equal(frames, AUS);
  const errors = p.bus.pop({ timeoutMs: 0, types: ["error"] });
  assert.equal(errors, null);
});

function available(command: string): boolean {
  try {
    return new Deno.Command(command, { args: ["-version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

Deno.test({
  name: available("ffprobe")
    ? "300 access units pulled from x264enc all decode with FFmpeg (ffprobe -count_frames)"
    : "300 access units pulled from x264enc all decode with FFmpeg (skipped: no ffprobe)",
  ignore: !available("ffprobe"),
  async fn() {
    const { stream } = encode300();
    const dir = await Deno.makeTempDir({ prefix: "eyrie-h264-" });
    try {
      await Deno.writeFile(`${dir}/stream.h264`, stream);
      const probe = await new Deno.Command("ffprobe", {
        args: [
          "-v",
          "error",
          "-count_frames",
          "-select_streams",
          "v:0",
          "-show_entries",
          "stream=codec_name,width,height,nb_read_frames",
          "-of",
          "json",
          `${dir}/stream.h264`,
        ],
      }).output();
      assert.ok(probe.success, new TextDecoder().decode(probe.stderr));
      assert.equal(new TextDecoder().decode(probe.stderr), "", "ffprobe reported no errors");
      const [info] = JSON.parse(new TextDecoder().decode(probe.stdout)).streams;
      assert.equal(info.codec_name, "h264");
      assert.equal(info.width, W);
      assert.equal(info.height, H);
      assert.equal(Number(info.nb_read_frames), AUS);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
