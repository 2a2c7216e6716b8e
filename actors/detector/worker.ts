/**
 * The detector actor: reads the camera's small ring, runs the detector core
 * (motion, and objects once a model is loaded) on the newest frame, encodes
 * snapshots, and posts events, triggers and stats. A model that cannot be
 * used is reported (an error log line and a `model_error` event) and the
 * actor goes on with motion only: it never crashes over a model, so a bad
 * file cannot put the camera's subtree in a restart loop.
 *
 * @module
 */
import { type CameraDetectionConfig, FrameFormat, nowNs, rawFrameBytes } from "../defs.ts";
import type { ModelErrorBody } from "../events/types.ts";
import { RingReader } from "../ring/mod.ts";
import { runActor } from "../runtime/worker.ts";
import { DetectorCore } from "./core.ts";
import { YoloModel } from "./model.ts";
import { ModelError } from "./model_error.ts";
import { loadLabels } from "./model_file.ts";
import type { DetectorProtocol, DetectorStats } from "./protocol.ts";
import { yoloOptions } from "./settings.ts";
import { SnapshotEncoder, snapshotSize } from "./snapshot.ts";
import { timecodeRegion } from "./timecode_region.ts";

const STATS_EVERY_MS = 1000;
/** Longest error message carried in an event. Reason: onnxruntime's messages can run to pages. */
const MAX_ERROR_MESSAGE = 1000;

runActor<DetectorProtocol>(() => {
  let running = true;
  let loop: Promise<void> = Promise.resolve();
  let finish = async () => {};
  let report = () => {};
  let model: YoloModel | null = null;
  let stats: DetectorStats | undefined;
  let modelPath = "";
  return {
    start(init, ctx) {
      const det = init.camera.detection;
      modelPath = det.model;
      const frameBytes = rawFrameBytes(FrameFormat.I420, det.width, det.height);
      const frame = new Uint8Array(frameBytes);
      let snapshots: SnapshotEncoder | null = null;
      try {
        snapshots = new SnapshotEncoder(det.width, det.height, {
          out: snapshotSize(det, init.camera),
        });
      } catch (e) {
        ctx.log.warn("snapshots are off", { error: (e as Error).message });
      }
      const s: DetectorStats = {
        frames: 0,
        fps: 0,
        skipped: 0,
        motion: det.motion,
        motionActive: false,
        motionMs: 0,
        model: det.model === "" ? "off" : "loading",
        modelError: null,
        detections: 0,
        detectMs: { pre: 0, infer: 0, post: 0 },
        detectErrors: 0,
        events: 0,
        eventsDropped: 0,
        snapshots: 0,
        snapshotErrors: 0,
      };
      stats = s;
      const core = new DetectorCore(det, {
        stamp: timecodeRegion(init.camera),
        now: () => nowNs() / 1e6,
        out: {
          events: (events, shot) => {
            let jpeg: Uint8Array | null = null;
            if (shot !== null && snapshots !== null) {
              try {
                jpeg = snapshots.encode(shot);
                s.snapshots++;
              } catch (e) {
                if (s.snapshotErrors++ === 0) {
                  ctx.log.warn("snapshot failed", { error: (e as Error).message });
                }
              }
            }
            for (const event of events) ctx.emit({ type: "event", event, snapshot: jpeg });
          },
          trigger: (atNs, kind) => ctx.emit({ type: "trigger", atNs, kind }),
          detectError: (e) => {
            // The first failure and then every hundredth: a broken model must not flood the log.
            if (core.counts.detectErrors % 100 === 1) {
              ctx.log.warn("object detection failed", {
                error: e.message,
                failures: core.counts.detectErrors,
              });
            }
          },
        },
      });

      const modelLoad = det.model === "" ? Promise.resolve() : loadModel(det).then(
        (m) => {
          if (!running) return m.close();
          model = m;
          core.model = m;
          s.model = "ready";
          ctx.log.info("object detection is on", {
            model: m.path,
            input: m.shape.inputSize,
            classes: m.labels.length,
          });
        },
        (e: Error) => {
          const body = modelError(det.model, e);
          s.model = "error";
          s.modelError = body.message;
          ctx.log.error("object detection is off: the model cannot be used", {
            model: det.model,
            problem: body.problem,
            error: body.message,
          });
          ctx.emit({ type: "event", event: body, snapshot: null });
        },
      );

      let windowStart = performance.now();
      let windowFrames = 0;
      let windowMotionMs = 0;
      report = () => {
        const now = performance.now();
        const c = core.counts;
        s.fps =
          Math.round(((c.frames - windowFrames) * 1000 / Math.max(1, now - windowStart)) * 10) /
          10;
        s.motionMs = c.frames > windowFrames
          ? Math.round(((c.motionMsTotal - windowMotionMs) / (c.frames - windowFrames)) * 1000) /
            1000
          : 0;
        windowStart = now;
        windowFrames = c.frames;
        windowMotionMs = c.motionMsTotal;
        s.frames = c.frames;
        s.motionActive = core.motionActive;
        s.detections = c.detections;
        s.detectErrors = c.detectErrors;
        s.events = c.events;
        s.eventsDropped = c.eventsDropped;
        if (model !== null) {
          const t = model.timings;
          s.detectMs = { pre: round2(t.preMs), infer: round2(t.inferMs), post: round2(t.postMs) };
        }
        ctx.emit({ type: "stats", stats: { ...s, detectMs: { ...s.detectMs } } });
      };

      const reader = new RingReader(init.small, init.reader, { start: "latest" });
      let lastReport = performance.now();
      loop = (async () => {
        try {
          while (running) {
            const w = await reader.wait(200);
            if (w === "closed") {
              // The camera is restarting; its next writer reopens the ring.
              await new Promise((r) => setTimeout(r, 100));
            } else if (w === "ready") {
              let captureNs = -1;
              while (reader.next()) {
                // Stay live: when behind, take only the newest frame.
                const usable = reader.lag === 0 && reader.size === frameBytes &&
                  reader.width === det.width && reader.height === det.height;
                if (usable && reader.copyTo(frame) === frameBytes) captureNs = reader.captureNs;
                else s.skipped++;
              }
              if (captureNs >= 0) core.frame(frame, captureNs);
            }
            const now = performance.now();
            if (now - lastReport >= STATS_EVERY_MS) {
              lastReport = now;
              report();
            }
          }
        } finally {
          reader.close();
        }
      })();
      loop.catch((error) => ctx.crash(error));
      finish = async () => {
        await modelLoad;
        await core.settle();
        core.finish();
        snapshots?.[Symbol.dispose]();
        await model?.close();
        model = null;
      };
    },
    async stop() {
      running = false;
      await loop.catch(() => {});
      await finish();
    },
    cast(msg) {
      switch (msg.type) {
        case "report":
          report();
          return;
      }
    },
    calls: {
      describe: () =>
        Promise.resolve({
          motion: stats?.motion ?? false,
          model: stats?.model ?? "off",
          modelPath,
          inputSize: model?.shape.inputSize ?? 0,
          labels: model?.labels.length ?? 0,
        }),
    },
  };
});

async function loadModel(det: CameraDetectionConfig): Promise<YoloModel> {
  const labels = det.labels === "" ? undefined : await loadLabels(det.labels);
  return await YoloModel.load(det.model, yoloOptions(det, labels));
}

/** The event that says why the model is not in use. */
function modelError(path: string, e: Error): ModelErrorBody {
  const problem = e instanceof ModelError
    ? e.problem
    : e instanceof RangeError || e instanceof TypeError
    ? "options"
    : "runtime";
  const message = e.message.length > MAX_ERROR_MESSAGE
    ? `${e.message.slice(0, MAX_ERROR_MESSAGE)}…`
    : e.message;
  return { type: "model_error", atMs: nowNs() / 1e6, path, problem, message };
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
