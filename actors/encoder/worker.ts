/**
 * The encoder actor: reads raw frames, pushes them through
 * `appsrc ! <encoder> ! parser ! appsink`, and writes access units (keyframe
 * flag, pts and capture time carried through) into the AU ring. A hardware
 * encoder that fails while running gives way to the next candidate.
 *
 * A software encoder reads the ring slot itself (`pushBorrowed`, no copy):
 * x264enc, openh264enc and jpegenc are done with a frame once its access
 * unit is out, so the slot is checked for a torn read then — still intact
 * means it was intact while encoded. A hardware encoder may hold frames in
 * its device queue for longer, so it gets a copy (`push`), checked at once.
 *
 * @module
 */
import { FrameFlags, FrameFormat } from "../defs.ts";
import {
  type AppSink,
  type AppSrc,
  type Element,
  elementAvailable,
  Pipeline,
} from "../../ffi/gst/mod.ts";
import { RingReader, ringStats, RingWriter } from "../ring/mod.ts";
import { runActor } from "../runtime/worker.ts";
import {
  candidatesFor,
  type EncoderCandidate,
  encoderPipeline,
  type EncoderSettings,
  framePts,
  pushPts,
} from "./candidates.ts";
import { LatencyWindow } from "./latency.ts";
import type { EncoderProtocol, EncoderStats } from "./protocol.ts";
import { noEncoderError, selectEncoder } from "./select.ts";
import { EncoderHold } from "../camera/stream_mode.ts";
import { Demand, waitForDemand } from "./demand.ts";

const STATS_EVERY_MS = 1000;
/** Frames pushed but not yet out, remembered by pts. Reason: a hardware encoder may hold a few. */
const MAX_IN_FLIGHT = 64;
/** How long to wait for the access unit of the frame just pushed. */
const FIRST_PULL_MS = 40;
/**
 * Raw slots a ring needs before frames are lent to the encoder instead of
 * copied: the slot being encoded must survive the camera writing the next
 * ones while the encoder works (about 3 ms for x264 at 720p, against 3 frame
 * intervals here). With fewer, every frame is copied.
 */
const BORROW_MIN_SLOTS = 4;
/** How long an idle encoder (nobody uses its stream) waits on the demand word before it looks again. */
const IDLE_WAIT_MS = 250;

interface Running {
  p: Pipeline;
  src: AppSrc;
  sink: AppSink;
  enc: Element;
  candidate: EncoderCandidate;
  text: string;
}

runActor<EncoderProtocol>(() => {
  let running = true;
  let loop: Promise<void> = Promise.resolve();
  let current: Running | undefined;
  let keyframeWanted = false;
  let report = () => {};
  let setBitrate = (_kbps: number) => {};
  return {
    async start(init, ctx) {
      const cam = init.camera;
      const input = init.input ?? { width: cam.width, height: cam.height, fps: cam.fps };
      const thin = input.fps > cam.fps;
      const candidates = candidatesFor(cam);
      const settings: EncoderSettings = {
        width: cam.width,
        height: cam.height,
        fps: cam.fps,
        bitrateKbps: cam.bitrate_kbps,
        gop: cam.gop,
        jpegQuality: cam.jpeg_quality,
      };
      // `auto` runs every candidate on two frames before trusting it (a broken install moves on
      // to the next); a named encoder is checked by building its pipeline.
      const picked = await selectEncoder(candidates, { probeSoftware: cam.encoder === "auto" });
      for (const r of picked.rejected) {
        ctx.log.debug("encoder unavailable", { element: r.element, reason: r.reason });
      }
      if (picked.index < 0) throw noEncoderError(picked.rejected);
      let index = picked.index;

      const open = (c: EncoderCandidate): Running => {
        // Frames of another size (the sub stream) are scaled by the hardware's own scaler when
        // it is here; one that fails hands over to the next candidate like its encoder.
        const hardwareScaler = c.scaler !== undefined && elementAvailable(c.scaler.element);
        const text = encoderPipeline(c, settings, cam.format, input, { hardwareScaler });
        const p = Pipeline.parse(text);
        p.setState("playing", { timeoutMs: 0 }); // "async" until the first push
        ctx.log.info("encoding", {
          element: c.element,
          hardware: c.hardware,
          ...(input.width !== cam.width || input.height !== cam.height
            ? { scaler: hardwareScaler ? c.scaler!.element : "videoscale" }
            : {}),
          kbps: settings.bitrateKbps,
        });
        return {
          p,
          src: p.appSrc("src"),
          sink: p.appSink("out"),
          enc: p.element("enc"),
          candidate: c,
          text,
        };
      };
      // A stream made on demand (the sub stream) starts idle: no pipeline until someone uses it.
      const demand = init.demand !== undefined ? new Demand(init.demand) : null;
      if (demand === null || demand.wanted(performance.now())) current = open(candidates[index]);

      const reader = new RingReader(init.raw, init.reader, { start: "latest" });
      let au = new RingWriter(init.au);
      const hold = new EncoderHold(init.mode);
      // The encoder is the only writer of the viewer ring.
      const viewerRing = init.viewerAu !== undefined ? new RingWriter(init.viewerAu) : null;
      /** Where access units go now: the AU ring, the viewer ring, or nowhere (passthrough). */
      let out: RingWriter | null = au;
      const format = cam.codec === "mjpeg" ? FrameFormat.JPEG : FrameFormat.H264;
      const frameNs = Math.round(1e9 / cam.fps);
      // Per frame in flight, by encoder pts: capture time, push time, torn (a copy found torn at
      // once), whether the encoder reads the ring slot itself, and the slot's ring sequence.
      const inFlight = new Map<
        number,
        { captureNs: number; pushedAt: number; torn: boolean; lent: boolean; seq: number }
      >();
      const lendable = ringStats(init.raw).entries >= BORROW_MIN_SLOTS;
      /** Whether ring entry `seq` is still intact (never overwritten since it was written). */
      const intact = (seq: number) => {
        if (seq === reader.seq) return reader.valid();
        // An access unit that came out after the reader moved on (rare): ask the ring.
        const r = ringStats(init.raw);
        return ((seq - ((r.written - r.available) | 0)) | 0) >= 0;
      };
      const latency = new LatencyWindow();
      let basePts = -1;
      /** Capture time of the last frame taken (thinning to `cam.fps`); -1: none yet. */
      let keptNs = -1;
      let discont = true;
      let awaitingKeyframe = false;
      const stats: EncoderStats = {
        element: candidates[index].element,
        hardware: candidates[index].hardware,
        framesIn: 0,
        accessUnits: 0,
        keyframes: 0,
        fps: 0,
        bitrateKbps: 0,
        targetKbps: settings.bitrateKbps,
        dropped: 0,
        latencyP50Ms: 0,
        latencyP95Ms: 0,
        fallbacks: 0,
        held: false,
        forViewers: false,
        idle: current === undefined,
      };
      let windowStart = performance.now();
      let windowAus = 0;
      let windowBytes = 0;
      let skipped = 0;
      report = () => {
        const now = performance.now();
        const secs = Math.max(0.001, (now - windowStart) / 1000);
        stats.fps = Math.round((windowAus / secs) * 10) / 10;
        stats.bitrateKbps = Math.round((windowBytes * 8) / 1000 / secs);
        stats.latencyP50Ms = Math.round(latency.percentile(50) * 100) / 100;
        stats.latencyP95Ms = Math.round(latency.percentile(95) * 100) / 100;
        stats.dropped = reader.drops + skipped;
        windowStart = now;
        windowAus = 0;
        windowBytes = 0;
        ctx.emit({ type: "stats", stats: { ...stats } });
      };
      setBitrate = (kbps) => {
        const k = Math.round(Math.min(cam.max_bitrate_kbps, Math.max(cam.min_bitrate_kbps, kbps)));
        settings.bitrateKbps = k;
        stats.targetKbps = k;
        if (current === undefined) return; // idle: the next pipeline opens at this rate
        const c = current.candidate;
        if (c.bitrateUnit === null) {
          ctx.log.warn("bitrate cannot change while running", { element: c.element });
          return;
        }
        current.enc.set("bitrate", c.bitrateUnit === "kbps" ? k : k * 1000);
      };

      /**
       * Pulls every access unit that is ready. A software encoder puts out a frame's access unit
       * while it encodes it, so the pulls wait (up to `waitMs` in all) until the frame just
       * pushed (`pushed`, its pts) is out: after a slow frame the next drain takes the late one
       * and its own, instead of staying one frame behind for good. A hardware encoder may hold
       * a few frames: only its first pull waits.
       */
      const drain = (waitMs: number, pushed: number) => {
        const c = current!;
        const deadline = performance.now() + waitMs;
        for (let first = true;; first = false) {
          const waitFor = first || (!c.candidate.hardware && inFlight.has(pushed));
          const wait = waitFor ? Math.max(0, Math.ceil(deadline - performance.now())) : 0;
          const s = c.sink.pull({ timeoutMs: wait });
          if (s === null) return;
          const pts = framePts(c.candidate, s.pts ?? 0);
          const frame = inFlight.get(pts);
          inFlight.delete(pts);
          const key = s.keyframe;
          if (frame !== undefined && frame.lent && !intact(frame.seq)) frame.torn = true;
          if (frame?.torn) {
            // Its picture mixed two frames: drop it and everything until a fresh keyframe.
            awaitingKeyframe = true;
            keyframeWanted = true;
            stats.dropped++;
            continue;
          }
          const target = route();
          // Passthrough without B-frames: nothing to write; start over when the ring comes back.
          if (target === null) continue;
          if (awaitingKeyframe && !key) continue;
          awaitingKeyframe = false;
          const size = s.size;
          s.copyTo(target.reserve(size));
          const captureNs = frame?.captureNs ?? 0;
          target.commit(size, {
            pts: captureNs > 0 ? captureNs : pts,
            captureNs,
            durationNs: frameNs,
            flags: (key ? FrameFlags.KEYFRAME : 0) | (s.header ? FrameFlags.CONFIG : 0) |
              (discont ? FrameFlags.DISCONT : 0),
            format,
            width: cam.width,
            height: cam.height,
            aux: 0,
          });
          discont = false;
          // Start-up is measured to this line (bench/footprint_bench.ts, bench/startup_bench.ts).
          if (stats.accessUnits++ === 0) ctx.log.info("first access unit", { bytes: size });
          if (key) stats.keyframes++;
          windowAus++;
          windowBytes += size;
          if (frame !== undefined) latency.record(performance.now() - frame.pushedAt);
        }
      };

      /**
       * Reads the camera's wish (stream_mode.ts) and picks where access units go. A change of
       * place starts a new run on a keyframe; taking the AU ring back continues its sequence.
       */
      const route = (): RingWriter | null => {
        const held = hold.held();
        let next: RingWriter | null;
        if (!held) {
          if (stats.held) au = new RingWriter(init.au); // the camera wrote it meanwhile
          next = au;
        } else next = viewerRing !== null && hold.viewers ? viewerRing : null;
        stats.held = held;
        stats.forViewers = next !== null && next === viewerRing;
        if (next !== out) {
          discont = true;
          awaitingKeyframe = true;
          keyframeWanted = true;
          out = next;
        }
        return next;
      };

      /** A hardware encoder that fails hands over to the next candidate; software failures crash. */
      const fallBack = (error: Error) => {
        const next = candidates.findIndex((_, i) => i > index);
        if (!current!.candidate.hardware || next < 0) throw error;
        const from = current!.candidate.element;
        current!.p[Symbol.dispose]();
        index = next;
        current = open(candidates[index]);
        stats.element = current.candidate.element;
        stats.hardware = current.candidate.hardware;
        stats.fallbacks++;
        inFlight.clear();
        discont = true;
        ctx.log.warn("encoder failed, falling back", {
          from,
          to: current.candidate.element,
          reason: error.message,
        });
        ctx.emit({ type: "fallback", from, to: current.candidate.element, reason: error.message });
      };

      /**
       * Nobody uses the stream: the pipeline goes (its encoder's memory and threads with it) and
       * the loop waits on the demand word instead of the ring. Readers of the access units see a
       * gap; the stream starts again on a keyframe (a new encoder's first picture is one).
       */
      const release = () => {
        current?.p[Symbol.dispose]();
        current = undefined;
        inFlight.clear();
        basePts = -1;
        keptNs = -1;
        discont = true;
        awaitingKeyframe = false;
        keyframeWanted = false;
      };
      const goIdle = () => {
        release();
        stats.idle = true;
        ctx.log.info("idle: nobody uses the stream");
      };
      const wake = () => {
        // Frames that came while idle are not late frames: start at the newest.
        while (reader.next()) continue;
        current = open(candidates[index]);
        keyframeWanted = false; // a new encoder's first picture is a keyframe
        stats.idle = false;
      };

      let lastReport = performance.now();
      loop = (async () => {
        try {
          while (running) {
            if (demand !== null) {
              const wanted = demand.wanted(performance.now());
              if (!wanted) {
                if (current !== undefined) goIdle();
                await waitForDemand(init.demand!, IDLE_WAIT_MS);
                while (reader.next()) continue;
                const now = performance.now();
                if (now - lastReport >= STATS_EVERY_MS) {
                  lastReport = now;
                  report();
                }
                continue;
              }
            }
            if (route() === null) {
              // The camera passes its source through and nobody needs an encode for viewers: no
              // pipeline either (bench/README.md#passthrough); one comes back, starting on a
              // keyframe, the moment there is something to encode.
              if (current !== undefined) release();
              while (reader.next()) continue;
              await reader.wait(100);
              const now = performance.now();
              if (now - lastReport >= STATS_EVERY_MS) {
                lastReport = now;
                report();
              }
              continue;
            }
            if (current === undefined) wake();
            const w = await reader.wait(100);
            if (route() === null) {
              // Passthrough: the raw frames are the camera's decoded few, for detection only.
              while (reader.next()) continue;
              basePts = -1;
              discont = true;
              keyframeWanted = true;
            } else if (w === "ready") {
              while (reader.next()) {
                // Stay live: when behind, skip to the newest frame.
                if (reader.lag > 0) {
                  skipped++;
                  continue;
                }
                if (reader.width !== input.width || reader.height !== input.height) {
                  skipped++;
                  continue;
                }
                // A stream at a lower rate than the camera's (a sub stream) takes every n-th
                // picture by time; 10 % slack so a late frame does not halve the rate.
                if (thin && keptNs >= 0 && reader.captureNs - keptNs < frameNs * 0.9) continue;
                keptNs = reader.captureNs;
                if (basePts < 0) basePts = reader.captureNs;
                const pts = Math.max(0, Math.round(reader.captureNs - basePts));
                if ((reader.flags & FrameFlags.DISCONT) !== 0) {
                  // The source started again (it was offline, or a file looped): readers of the
                  // access units see the gap, and the new run starts on a keyframe they can use.
                  discont = true;
                  keyframeWanted = true;
                }
                if (keyframeWanted) {
                  current!.enc.forceKeyUnit({ allHeaders: true });
                  keyframeWanted = false;
                }
                const lend = lendable && !current!.candidate.hardware;
                // At or past the element's min PTS, so what comes out is what went in (see
                // EncoderCandidate.ptsOffsetNs): `drain()` finds each frame by it.
                const at = { pts: pushPts(current!.candidate, pts), duration: frameNs };
                if (lend) current!.src.pushBorrowed(reader.view(), at);
                else current!.src.push(reader.view(), at);
                if (inFlight.size >= MAX_IN_FLIGHT) inFlight.delete(inFlight.keys().next().value!);
                inFlight.set(pts, {
                  captureNs: reader.captureNs,
                  pushedAt: performance.now(),
                  torn: !lend && !reader.valid(),
                  lent: lend,
                  seq: reader.seq,
                });
                stats.framesIn++;
                drain(FIRST_PULL_MS, pts);
              }
            }
            const m = current!.p.bus.pop({ timeoutMs: 0, types: ["error", "warning"] });
            if (m?.type === "error") fallBack(m.error);
            else if (m?.type === "warning") {
              ctx.log.warn("gstreamer warning", { message: m.message });
            }
            const now = performance.now();
            if (now - lastReport >= STATS_EVERY_MS) {
              lastReport = now;
              report();
            }
          }
        } finally {
          reader.close();
          // While the camera passes through, the AU ring is its to close.
          if (!stats.held) au.close();
          viewerRing?.close();
          current?.p[Symbol.dispose]();
          current = undefined;
        }
      })();
      loop.catch((error) => ctx.crash(error));
    },
    async stop() {
      running = false;
      await loop.catch(() => {});
    },
    cast(msg) {
      switch (msg.type) {
        case "keyframe":
          keyframeWanted = true;
          return;
        case "set_bitrate":
          setBitrate(msg.kbps);
          return;
        case "report":
          report();
          return;
      }
    },
    calls: {
      describe: () =>
        Promise.resolve({
          element: current?.candidate.element ?? "",
          pipeline: current?.text ?? "",
        }),
    },
  };
});
