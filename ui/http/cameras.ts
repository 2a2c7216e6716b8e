/**
 * `GET /api/cameras` and `GET /api/cameras/:id`: each camera's settings,
 * actor states and the latest stats its actors reported.
 *
 * @module
 */
import { Hono } from "hono";
import type { CameraNode, System } from "../../actors/system/mod.ts";
import type { QualityPreset } from "../../actors/defs.ts";
import { QUALITY_PRESETS } from "../config/camera.ts";
import { redactUrl } from "../../actors/camera/fault.ts";
import { viewerDemand } from "../../actors/viewer/mod.ts";
import { parseSource } from "../../actors/camera/source.ts";
import { planMainStream } from "../../actors/camera/passthrough.ts";
import type { CameraStats, MainStreamReport } from "../../actors/camera/protocol.ts";
import { audioStatus } from "../../actors/audio/status.ts";
import { demandOf } from "../../actors/encoder/demand.ts";

/**
 * How each stream of a camera is made and why: `main` (recording, RTP,
 * RTSP, forwards) and `webrtc` (browsers). Before the camera's first report
 * the plan from config.
 */
/** The sub stream as `/api/cameras/:id` shows it. */
interface SubStreamReport {
  mode: "encoded";
  reason: string;
  /** "encoding" while something uses it (and 10 s after), "idle" otherwise: nothing is spent on it. */
  state: "encoding" | "idle";
  /** WebRTC sessions on it now, connecting ones included. */
  users: number;
  width: number;
  height: number;
  fps: number;
  /** Configured; the encoder's rate now (its weakest viewer's) is in `stats["sub-encoder"]`. */
  bitrate_kbps: number;
}

function describeSub(node: CameraNode, main: MainStreamReport): SubStreamReport | null {
  const sub = node.config.sub;
  if (sub === null) return null;
  const from = main.mode === "passthrough"
    ? "from the source's pictures, decoded at its rate"
    : "from the camera's pictures, by a second encoder";
  return {
    mode: "encoded",
    reason: `[camera.sub]: encoded while used (a smaller stream for slow links and grids), ` +
      `${from}; it feeds WebRTC viewers only, never recording, RTP or RTSP`,
    state: (node.stats.get("sub-encoder") as { idle?: boolean } | undefined)?.idle === false
      ? "encoding"
      : "idle",
    users: demandOf(node.subDemand),
    width: sub.width,
    height: sub.height,
    fps: sub.fps,
    bitrate_kbps: sub.bitrate_kbps,
  };
}

function describeStreams(
  node: CameraNode,
): { main: MainStreamReport; webrtc: MainStreamReport; sub: SubStreamReport | null } {
  const streams = describeMainStreams(node);
  return { ...streams, sub: describeSub(node, streams.main) };
}

function describeMainStreams(
  node: CameraNode,
): { main: MainStreamReport; webrtc: MainStreamReport } {
  const cfg = node.config;
  const reported = (node.stats.get("camera") as CameraStats | undefined)?.main;
  const main: MainStreamReport = reported ??
    (cfg.source === "auto"
      ? { mode: "encoded", reason: "the auto source delivers raw pictures" }
      : planMainStream(cfg, parseSource(cfg.source, cfg.pattern)!));
  if (main.mode === "encoded") {
    return { main, webrtc: { mode: "encoded", reason: "the main stream, as encoded by eyrie" } };
  }
  const webrtc: MainStreamReport = main.viewersEncoded === true && main.source !== undefined
    ? {
      mode: "encoded",
      reason: `the source's ${main.source.profile} profile stream has B-frames, which browsers' ` +
        `WebRTC stacks do not play: encoded for WebRTC viewers only, at ` +
        `${cfg.width}x${cfg.height}@${cfg.fps}, while someone watches`,
    }
    : { mode: "passthrough", reason: "the main stream: the source's own access units" };
  return { main, webrtc };
}
import { readBoundedText } from "./body.ts";
import { talkStatus } from "./talk.ts";
import { MAX_QUALITY_BODY_BYTES } from "./body_limit.ts";

function describeCamera(system: System, node: CameraNode) {
  const cfg = node.config;
  const all = system.actors();
  const actors = all.filter((a) => a.id.startsWith(`${node.id}/`));
  return {
    id: cfg.id,
    source: redactUrl(cfg.source),
    // live, connecting, offline (cause, retry_at), restarting or failed (cause).
    status: system.cameraStatus(node.id, all),
    width: cfg.width,
    height: cfg.height,
    fps: cfg.fps,
    quality: cfg.quality,
    codec: cfg.codec,
    // Whether frames carry their capture time (the /latency probe reads it).
    timecode: cfg.timecode,
    // Per stream: passed through or encoded, and why.
    streams: describeStreams(node),
    // The sound: live, connecting, offline (cause, retry_at), restarting, or none (reason).
    audio: audioStatus(cfg.audio, node.audio, actors.find((a) => a.id === `${node.id}/audio`)),
    actors,
    // The live view's actor runs only while someone watches: "idle" is no viewer, not a fault.
    viewer_state: cfg.codec === "h264" ? viewerDemand(node).state : null,
    // Two-way talk: none (no speaker), free, held (by whom, since when) or offline (cause).
    talk: talkStatus(node),
    stats: Object.fromEntries(node.stats),
  };
}

export function cameraRoutes(system: System): Hono {
  return new Hono()
    .get("/", (c) => c.json([...system.cameras.values()].map((n) => describeCamera(system, n))))
    .get("/:id", (c) => {
      const node = system.cameras.get(c.req.param("id"));
      if (node === undefined) return c.json({ error: `No camera "${c.req.param("id")}"` }, 404);
      return c.json(describeCamera(system, node));
    })
    // Switch a camera to a quality preset: {"preset": "low" | "medium" | "high" | "ultra"}.
    .post("/:id/quality", async (c) => {
      const id = c.req.param("id");
      if (!system.cameras.has(id)) return c.json({ error: `No camera "${id}"` }, 404);
      const text = await readBoundedText(c.req.raw, MAX_QUALITY_BODY_BYTES);
      if (text === null) return c.json({ error: "The body is too large" }, 413);
      let preset: unknown;
      try {
        preset = (JSON.parse(text) as { preset?: unknown }).preset;
      } catch {
        return c.json({ error: 'The body must be JSON: {"preset": "low"}' }, 400);
      }
      if (typeof preset !== "string" || !(preset in QUALITY_PRESETS)) {
        return c.json({
          error: `"preset" must be one of ${Object.keys(QUALITY_PRESETS).join(", ")}`,
        }, 400);
      }
      const cam = await system.setQuality(id, preset as QualityPreset);
      return c.json({
        id,
        quality: cam.quality,
        width: cam.width,
        height: cam.height,
        fps: cam.fps,
        bitrate_kbps: cam.bitrate_kbps,
      });
    });
}
