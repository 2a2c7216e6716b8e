/**
 * The AU ring's hand-over between the encoder and a camera passing its
 * source through (actors/camera/stream_mode.ts), against the real encoder
 * actor (x264): the ring keeps one writer at a time, the encoder encodes for
 * WebRTC viewers only when asked and watched, and a ring handed back starts
 * again at a keyframe marked as a discontinuity.
 */
import assert from "node:assert/strict";
import {
  createStreamMode,
  PassthroughWish,
  setWatched,
} from "../../../actors/camera/stream_mode.ts";
import { FrameFlags, FrameFormat, nowNs, rawFrameBytes } from "../../../actors/defs.ts";
import { ENCODER_WORKER, type EncoderProtocol } from "../../../actors/encoder/protocol.ts";
import {
  createByteRing,
  createFrameRing,
  RingReader,
  ringStats,
  RingWriter,
} from "../../../actors/ring/mod.ts";
import { spawnActor } from "../../../actors/runtime/mod.ts";
import { cameraConfig } from "../_camera_tree.ts";

const W = 160;
const H = 96;
const FRAME = rawFrameBytes(FrameFormat.I420, W, H);

async function until<T>(what: string, f: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The flags of every entry written to `sab` since `reader` last looked. */
function drain(reader: RingReader): number[] {
  const flags: number[] = [];
  while (reader.next()) flags.push(reader.flags);
  return flags;
}

Deno.test("the encoder lets go of the AU ring for a camera passing through, encodes for watched viewers only, and takes the ring back at a keyframe", async () => {
  const raw = createFrameRing({ slots: 4, slotBytes: FRAME });
  const au = createByteRing({ entries: 512, dataBytes: 4 << 20 });
  const viewerAu = createByteRing({ entries: 512, dataBytes: 4 << 20 });
  const mode = createStreamMode();
  const cam = cameraConfig({ source: "test", width: W, height: H, fps: 30, encoder: "x264" });
  const encoder = await spawnActor<EncoderProtocol>({
    id: "cam/encoder",
    url: ENCODER_WORKER,
    init: { camera: cam, raw, au, reader: 0, mode, viewerAu },
    log: () => {},
  });
  const frames = new RingWriter(raw);
  let n = 0;
  const timer = setInterval(() => {
    const slot = frames.reserve(FRAME);
    slot.fill(16 + (n++ % 200), 0, W * H);
    slot.fill(128, W * H, FRAME);
    frames.commit(FRAME, {
      pts: n,
      captureNs: nowNs(),
      durationNs: 33_333_333,
      flags: FrameFlags.KEYFRAME,
      format: FrameFormat.I420,
      width: W,
      height: H,
      aux: 0,
    });
  }, 33);
  const main = new RingReader(au, 1, { start: "latest" });
  const forViewers = new RingReader(viewerAu, 1, { start: "latest" });
  try {
    await until("10 access units in the AU ring", () => ringStats(au).written >= 10 || undefined);

    // The camera asks for the ring: the encoder answers, and from then on writes nothing.
    const wish = new PassthroughWish(mode);
    wish.set(true);
    await until("the ring granted", () => wish.granted || undefined);
    drain(main);
    const framesAtGrant = n;
    await until("30 more raw frames", () => n >= framesAtGrant + 30 || undefined);
    assert.deepEqual(drain(main), [], "the encoder wrote while the camera held the ring");
    assert.equal(ringStats(viewerAu).written, 0, "nobody asked for a viewers' encode");

    // B-frames: encode for viewers, but only while someone watches.
    wish.viewers = true;
    const askedAt = n;
    await until("30 more raw frames", () => n >= askedAt + 30 || undefined);
    assert.equal(ringStats(viewerAu).written, 0, "encoded for viewers while nobody watched");
    setWatched(mode, true);
    await until(
      "10 access units for viewers",
      () => ringStats(viewerAu).written >= 10 || undefined,
    );
    const viewerFlags = drain(forViewers);
    assert.equal(viewerFlags[0] & FrameFlags.KEYFRAME, FrameFlags.KEYFRAME);
    assert.deepEqual(drain(main), [], "the viewers' encode went into the AU ring");
    assert.equal((await encoder.call("describe", {})).element, "x264enc");

    // The camera hands the ring back: the encoder resumes there, first with a keyframe marked
    // as a discontinuity, and stops encoding for viewers.
    wish.set(false);
    const back: number[] = [];
    await until("5 access units after the hand-back", () => {
      back.push(...drain(main));
      return back.length >= 5 || undefined;
    });
    assert.equal(
      back[0] & (FrameFlags.KEYFRAME | FrameFlags.DISCONT),
      FrameFlags.KEYFRAME | FrameFlags.DISCONT,
    );
    const viewerWritten = ringStats(viewerAu).written;
    const backAt = n;
    await until("30 more raw frames", () => n >= backAt + 30 || undefined);
    assert.ok(ringStats(viewerAu).written - viewerWritten <= 1, "still encoding for viewers");
  } finally {
    clearInterval(timer);
    main.close();
    forViewers.close();
    await encoder.stop("shutdown", 2000);
  }
});
