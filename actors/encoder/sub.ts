/**
 * The sub stream's encoder (`[camera.sub]`): the encoder actor once more,
 * reading the camera's raw ring and writing the sub AU ring, with a scaler
 * before its encoder. The same candidates and fallback rules as the main
 * encoder; never held by passthrough (its mode word is its own), and its
 * bitrate is the only one viewers move (the weakest viewer of the sub
 * stream, actors/viewer/abr.ts). It encodes only while something uses the
 * sub stream (demand.ts): a camera nobody watches on it pays nothing for it.
 *
 * @module
 */
import type { CameraConfig } from "../defs.ts";
import { spawnActor } from "../runtime/actor.ts";
import type { ChildFactory } from "../system/camera_node.ts";
import { ACTOR_SHUTDOWN_MS } from "../system/flags.ts";
import { READER } from "../system/rings.ts";
import { createStreamMode } from "../camera/stream_mode.ts";
import { ENCODER_WORKER, type EncoderProtocol } from "./protocol.ts";

/**
 * The sub stream's lowest rate: a quarter of its configured one, at least
 * 100 kb/s. Reason: below it a 360p picture is mush; a viewer whose link
 * takes less skips to keyframes instead (fanout.ts).
 */
export function subMinKbps(sub: NonNullable<CameraConfig["sub"]>): number {
  return Math.min(sub.bitrate_kbps, Math.max(100, Math.round(sub.bitrate_kbps / 4)));
}

/**
 * The sub stream as an encoder sees it: the camera's settings with the sub
 * stream's size, fps and bitrate range, and the same keyframe interval in
 * seconds. Throws for a camera without one.
 */
export function subCamera(cam: CameraConfig): CameraConfig {
  const sub = cam.sub;
  if (sub === null) throw new TypeError(`Camera "${cam.id}" has no sub stream`);
  return {
    ...cam,
    codec: "h264",
    width: sub.width,
    height: sub.height,
    fps: sub.fps,
    bitrate_kbps: sub.bitrate_kbps,
    min_bitrate_kbps: subMinKbps(sub),
    max_bitrate_kbps: sub.bitrate_kbps,
    gop: Math.max(1, Math.round((cam.gop * sub.fps) / cam.fps)),
  };
}

export const subEncoderChild: ChildFactory = (node, ctx) => {
  const subAu = node.rings.subAu;
  if (node.config.sub === null || subAu === undefined) return null;
  return {
    id: "sub-encoder",
    restart: "permanent",
    shutdownMs: ACTOR_SHUTDOWN_MS,
    start: async () => {
      const cam = node.config;
      const actor = await spawnActor<EncoderProtocol>({
        id: `${node.id}/sub-encoder`,
        url: ENCODER_WORKER,
        host: node.hosts.get(ctx.host),
        init: {
          camera: subCamera(cam),
          raw: node.rings.raw,
          au: subAu,
          reader: READER.subEncoder,
          // Nobody else writes the sub AU ring: a mode word of its own is never held.
          mode: createStreamMode(),
          // The raw ring comes at most at the camera's fps (less while passing through).
          input: { width: cam.width, height: cam.height, fps: cam.fps },
          // Encoded only while something uses it (a viewer on it), demand.ts.
          demand: node.subDemand,
        },
        log: ctx.log,
        onEvent: (e) => {
          if (e.type === "stats") node.stats.set("sub-encoder", e.stats);
        },
      });
      node.subEncoder = actor;
      return actor;
    },
  };
};
