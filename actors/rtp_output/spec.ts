/**
 * The RTP outputs' place in a camera subtree: after the packetizer in the
 * live chain, one actor per `[[camera.rtp]]` under their own one_for_one
 * group, so a failing output restarts alone and each keeps its ring reader.
 *
 * @module
 */
import { spawnActor } from "../runtime/actor.ts";
import type { ChildFactory } from "../system/camera_node.ts";
import { ACTOR_SHUTDOWN_MS } from "../system/flags.ts";
import { groupChild, INDEPENDENT } from "../system/group.ts";
import { AUDIO_RTP_READER, READER } from "../system/rings.ts";
import { AUDIO_PORT_OFFSET, RTP_OUTPUT_WORKER, type RtpOutputProtocol } from "./protocol.ts";
import type { CameraConfig } from "../defs.ts";

/**
 * Whether `[[camera.rtp]]` number `output` sends the camera's sound: the camera may have some
 * (`audio` is not "none") and the output's port leaves room for port + 2 and + 3.
 */
export function sendsAudio(cam: CameraConfig, output: number): boolean {
  return cam.audio !== "none" && cam.rtp[output].port + AUDIO_PORT_OFFSET + 1 <= 65535;
}

/** The child for `[[camera.rtp]]` number `output`. */
export function rtpOutputChild(output: number): ChildFactory {
  return (node, ctx) => ({
    id: String(output),
    restart: "permanent",
    shutdownMs: ACTOR_SHUTDOWN_MS,
    start: () =>
      spawnActor<RtpOutputProtocol>({
        id: `${node.id}/rtp/${output}`,
        url: RTP_OUTPUT_WORKER,
        host: node.hosts.get(ctx.host),
        init: {
          cameraId: node.id,
          output,
          config: node.config.rtp[output],
          rtp: node.rings.rtp,
          reader: READER.rtpOutput + output,
          ssrc: node.rtp.ssrc,
          codec: node.config.codec,
          audio: sendsAudio(node.config, output)
            ? {
              rtp: node.rings.audioRtp,
              reader: AUDIO_RTP_READER.rtpOutput + output,
              ssrc: node.audioRtpIdentity.ssrc,
            }
            : null,
        },
        log: ctx.log,
        onEvent: (e) => {
          switch (e.type) {
            case "stats":
              node.stats.set(`rtp[${output}]`, e.stats);
              return;
            case "keyframe":
              node.requestKeyframe();
              return;
            case "audio_stats":
              node.stats.set(`rtp[${output}].audio`, e.stats);
              return;
          }
        },
      }),
  });
}

/** The "rtp" group of a camera with `[[camera.rtp]]` outputs; null without any. */
export const rtpOutputsChild: ChildFactory = (node, ctx) =>
  groupChild("rtp", INDEPENDENT, node.config.rtp.map((_, i) => rtpOutputChild(i)))(node, ctx);
