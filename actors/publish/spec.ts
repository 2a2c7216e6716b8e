/**
 * The publishers' place in a camera subtree: after the packetizer in the
 * live chain, one actor per `[[camera.publish]]` under their own one_for_one
 * group (like the RTP outputs), each with its own reader of the RTP ring.
 *
 * @module
 */
import { spawnActor } from "../runtime/actor.ts";
import type { CameraNode, ChildFactory } from "../system/camera_node.ts";
import { ACTOR_SHUTDOWN_MS } from "../system/flags.ts";
import { groupChild, INDEPENDENT } from "../system/group.ts";
import { READER } from "../system/rings.ts";
import { PUBLISH_WORKER, type PublishProtocol } from "./protocol.ts";

function hostname(): string {
  try {
    return Deno.hostname();
  } catch {
    return "localhost";
  }
}

/**
 * A mountpoint id that stays the same for this camera on this host, and
 * differs between the eyries of a fleet feeding one Janus: FNV-1a of
 * "<host>/<camera>", in 1 .. 2^31 - 1.
 */
export function mountpointId(host: string, camera: string): number {
  let h = 0x811c9dc5;
  for (const ch of new TextEncoder().encode(`${host}/${camera}`)) {
    h ^= ch;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h % 0x7ffffffe) + 1;
}

/** The fmtp Janus offers viewers: the stream's profile once known, else Constrained Baseline 3.1. */
function fmtpOf(node: CameraNode): string {
  const profile = node.streamParameters?.profileLevelId ?? "42e01f";
  return `profile-level-id=${profile};packetization-mode=1`;
}

/** The child for `[[camera.publish]]` number `index`. */
export function publishChild(index: number): ChildFactory {
  return (node, ctx) => ({
    id: String(index),
    restart: "permanent",
    // Removing the mountpoint takes a request to Janus (at most 2 s) after the last frame.
    shutdownMs: ACTOR_SHUTDOWN_MS + 2000,
    start: () => {
      const config = node.config.publish[index];
      const mountpoint = config.id !== 0 ? config.id : mountpointId(hostname(), node.id);
      return spawnActor<PublishProtocol>({
        id: `${node.id}/publish/${index}`,
        url: PUBLISH_WORKER,
        init: {
          cameraId: node.id,
          index,
          config,
          mountpoint,
          description: `${node.id} (eyrie on ${hostname()})`,
          fmtp: fmtpOf(node),
          rtp: node.rings.rtp,
          reader: READER.publish + index,
          ssrc: node.rtp.ssrc,
        },
        log: ctx.log,
        onEvent: (e) => {
          switch (e.type) {
            case "stats":
              node.stats.set(`publish[${index}]`, e.stats);
              return;
            case "keyframe":
              node.requestKeyframe();
              return;
          }
        },
      });
    },
  });
}

/** The "publish" group of a camera with `[[camera.publish]]`; null without any. */
export const publishersChild: ChildFactory = (node, ctx) =>
  groupChild("publish", INDEPENDENT, node.config.publish.map((_, i) => publishChild(i)))(node, ctx);
