/**
 * The camera actor: runs the source pipeline, copies each frame into the raw
 * ring (and a downscaled copy into the detector's ring), stamps capture time,
 * and crashes when the source errors or stalls so the supervisor restarts it.
 *
 * @module
 */
import { FrameFlags, FrameFormat, nowNs } from "../defs.ts";
import { Pipeline } from "../../ffi/gst/mod.ts";
import { RingWriter } from "../ring/mod.ts";
import { runActor } from "../runtime/worker.ts";
import { resolveAuto } from "./auto.ts";
import { stampTimecode } from "./timecode.ts";
import type { CameraProtocol, CameraStats } from "./protocol.ts";
import { Downscaler } from "./downscale.ts";
import {
  cameraPipeline,
  MAIN_SINK,
  parseSource,
  sourceElements,
  type SourceKind,
  wantsSmall,
} from "./source.ts";

const STATS_EVERY_MS = 1000;

runActor<CameraProtocol>(() => {
  let running = true;
  let loop: Promise<void> = Promise.resolve();
  let pipelineText = "";
  let sourceText = "";
  let report = () => {};
  return {
    start(init, ctx) {
      const cam = init.camera;
      const src: SourceKind = parseSource(cam.source, cam.pattern) ?? resolveAuto(cam.pattern);
      sourceText = sourceElements(src);
      pipelineText = cameraPipeline(cam, src);
      ctx.log.info("source", {
        source: sourceText,
        width: cam.width,
        height: cam.height,
        fps: cam.fps,
      });
      const raw = new RingWriter(init.raw);
      const small = new RingWriter(init.small);
      const format = cam.format === "NV12" ? FrameFormat.NV12 : FrameFormat.I420;
      const frameLayout = { format: cam.format, width: cam.width, height: cam.height };
      const stats: CameraStats = {
        source: sourceText,
        frames: 0,
        fps: 0,
        smallFrames: 0,
        width: cam.width,
        height: cam.height,
        format: cam.format,
        loops: 0,
      };
      let windowStart = performance.now();
      let windowFrames = 0;
      report = () => {
        const now = performance.now();
        stats.fps = Math.round((windowFrames * 1000 / Math.max(1, now - windowStart)) * 10) / 10;
        windowStart = now;
        windowFrames = 0;
        ctx.emit({ type: "stats", stats: { ...stats } });
      };

      // Builds (or rebuilds, when a file loops) the pipeline and starts it.
      const open = () => {
        const p = Pipeline.parse(pipelineText);
        p.setState("playing", { timeoutMs: 5000 });
        return { p, main: p.appSink(MAIN_SINK) };
      };
      const det = cam.detection;
      const shrink = wantsSmall(cam)
        ? new Downscaler({
          srcWidth: cam.width,
          srcHeight: cam.height,
          dstWidth: det.width,
          dstHeight: det.height,
          nv12: cam.format === "NV12",
        })
        : null;
      const smallEveryNs = 1e9 / Math.min(det.motion_fps, cam.fps);
      let smallDue = 0;
      let current = open();
      let discont = true;
      let lastFrame = performance.now();
      let grace = init.firstFrameMs;
      let lastReport = performance.now();

      loop = (async () => {
        try {
          while (running) {
            const sample = await current.main.pullAsync({ timeoutMs: 100 });
            const now = performance.now();
            if (sample !== null) {
              const size = sample.size;
              const slot = raw.reserve(size);
              sample.copyTo(slot);
              if (cam.timecode) stampTimecode(slot, Date.now(), frameLayout);
              const captureNs = nowNs();
              raw.commit(size, {
                pts: sample.pts ?? 0,
                captureNs,
                durationNs: sample.duration ?? Math.round(1e9 / cam.fps),
                flags: FrameFlags.KEYFRAME | (discont ? FrameFlags.DISCONT : 0),
                format,
                width: cam.width,
                height: cam.height,
                aux: 0,
              });
              discont = false;
              stats.frames++;
              windowFrames++;
              lastFrame = now;
              grace = init.watchdogMs;
              if (shrink !== null && captureNs >= smallDue) {
                // Every 1/motion_fps: the detector's copy, shrunk from the slot just written.
                smallDue = captureNs - smallDue > 2 * smallEveryNs
                  ? captureNs + smallEveryNs
                  : smallDue + smallEveryNs;
                shrink.scale(slot.subarray(0, size), small.reserve(shrink.outputBytes));
                small.commit(shrink.outputBytes, {
                  pts: sample.pts ?? 0,
                  captureNs,
                  durationNs: smallEveryNs,
                  flags: FrameFlags.KEYFRAME,
                  format: FrameFormat.I420,
                  width: det.width,
                  height: det.height,
                  aux: 0,
                });
                stats.smallFrames++;
              }
            } else if (current.main.eos) {
              if (src.kind !== "file") throw new Error(`The source ended: ${sourceText}`);
              // A file loops: start it again from the top.
              current.p[Symbol.dispose]();
              current = open();
              stats.loops++;
              discont = true;
            }
            const message = current.p.bus.pop({ timeoutMs: 0, types: ["error", "warning"] });
            if (message?.type === "error") throw message.error;
            if (message?.type === "warning") {
              ctx.log.warn("gstreamer warning", { message: message.message });
            }
            if (now - lastFrame > grace) {
              throw new Error(`No frame from ${sourceText} for ${Math.round(now - lastFrame)} ms`);
            }
            if (now - lastReport >= STATS_EVERY_MS) {
              lastReport = now;
              report();
            }
          }
        } finally {
          current.p[Symbol.dispose]();
          raw.close();
          small.close();
        }
      })();
      // A failure of the loop is a crash of the actor.
      loop.catch((error) => ctx.crash(error));
    },
    async stop() {
      running = false;
      await loop.catch(() => {});
    },
    cast(msg) {
      switch (msg.type) {
        case "report":
          report();
          return;
      }
    },
    calls: {
      describe: () => Promise.resolve({ pipeline: pipelineText, source: sourceText }),
    },
  };
});
