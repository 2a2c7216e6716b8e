/**
 * The viewer actor's child spec. It is not in the camera's tree from the
 * start: the first WHEP offer adds it beside the packetizer whose ring it
 * reads, and it leaves once nobody watches (demand.ts). H.264 cameras only
 * (browsers take no RFC 2435 JPEG over WebRTC). The WHEP routes find a
 * camera's running viewer actor with {@linkcode viewerOf}.
 *
 * @module
 */
import { type ActorProcess, spawnActor } from "../runtime/actor.ts";
import type { CameraNode, ChildFactory } from "../system/camera_node.ts";
import { ACTOR_SHUTDOWN_MS } from "../system/flags.ts";
import { AUDIO_READER, READER } from "../system/rings.ts";
import { VIEWER_WORKER, type ViewerProtocol } from "./protocol.ts";
import { subMinKbps } from "../encoder/sub.ts";

const running = new WeakMap<CameraNode, ActorProcess<ViewerProtocol>>();

/**
 * Pings every 2 s as usual, but 30 s of silence before the Worker counts as
 * hung, not 10: with 20 viewers Deno delivered this Worker's messages up to
 * 7 s late while its own timers ran on time (measured here), and a restart
 * would drop every viewer of the camera.
 */
export const VIEWER_HEARTBEAT = { intervalMs: 2_000, timeoutMs: 30_000 };

/** The camera's viewer actor while it runs (undefined while it starts, restarts or is absent). */
export function viewerOf(node: CameraNode): ActorProcess<ViewerProtocol> | undefined {
  const actor = running.get(node);
  return actor?.exit === undefined ? actor : undefined;
}

export const viewerChild: ChildFactory = (node, ctx) => {
  if (node.config.codec !== "h264") return null;
  return {
    id: "viewer",
    restart: "permanent",
    shutdownMs: ACTOR_SHUTDOWN_MS,
    start: async () => {
      const cam = node.config;
      const subRtp = node.rings.subRtp;
      const sub = cam.sub === null || subRtp === undefined ? null : {
        rtp: subRtp,
        bitrate: {
          minKbps: subMinKbps(cam.sub),
          maxKbps: cam.sub.bitrate_kbps,
          startKbps: cam.sub.bitrate_kbps,
        },
      };
      const actor = await spawnActor<ViewerProtocol>({
        id: `${node.id}/viewer`,
        url: VIEWER_WORKER,
        host: node.hosts.get(ctx.host),
        init: {
          cameraId: cam.id,
          // A camera that may pass through has the viewer packetizer's ring (no B-frames there).
          rtp: node.rings.viewerRtp ?? node.rings.rtp,
          reader: READER.viewer,
          audio: node.rings.audio,
          audioReader: AUDIO_READER.viewer,
          maxViewers: cam.max_viewers,
          speaker: cam.speaker,
          speakerUrl: cam.speaker === "backchannel" ? cam.source : "",
          ...(sub === null ? {} : { sub }),
        },
        log: ctx.log,
        heartbeat: VIEWER_HEARTBEAT,
        onEvent: (e) => {
          switch (e.type) {
            case "stats":
              node.stats.set("viewer", e.stats);
              node.watched = e.stats.viewers + e.stats.connecting + e.stats.waiting > 0;
              // A talker keeps the viewer actor too (demand.ts): werift runs the talk there.
              return;
            case "keyframe":
              // A new offer asks first: an encode for viewers starts now, not at the next stats.
              node.watched = true;
              if (e.stream === "sub") node.requestSubKeyframe();
              else node.requestKeyframe();
              return;
            case "bitrate":
              // The sub stream's only: no viewer lowers the main stream (it is recorded).
              node.setSubBitrate(e.kbps);
              return;
            case "sub_users":
              node.subViewers = e.count;
              return;
          }
        },
      });
      // Its sessions end with it: nobody of it uses the sub stream any more.
      actor.exited.then(() => {
        node.subViewers = 0;
      });
      running.set(node, actor);
      return actor;
    },
  };
};
