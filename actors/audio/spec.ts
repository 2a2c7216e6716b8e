/**
 * The audio actor's place in a camera subtree: beside the camera and the
 * encoder, never between them, so nothing of the video waits on it.
 *
 * @module
 */
import { spawnActor } from "../runtime/actor.ts";
import type { ChildFactory } from "../system/camera_node.ts";
import { ACTOR_SHUTDOWN_MS } from "../system/flags.ts";
import {
  AUDIO_FIRST_PACKET_MS,
  AUDIO_WATCHDOG_MS,
  AUDIO_WORKER,
  type AudioProtocol,
} from "./protocol.ts";

export const audioChild: ChildFactory = (node, ctx) =>
  node.config.audio === "none" ? null : {
    id: "audio",
    restart: "permanent",
    shutdownMs: ACTOR_SHUTDOWN_MS,
    start: async () => {
      return await spawnActor<AudioProtocol>({
        id: `${node.id}/audio`,
        url: AUDIO_WORKER,
        host: node.hosts.get(ctx.host),
        init: {
          camera: node.config,
          ring: node.rings.audio,
          rtp: node.rings.audioRtp,
          ssrc: node.audioRtpIdentity.ssrc,
          timestampOffset: node.audioRtpIdentity.timestampOffset,
          watchdogMs: AUDIO_WATCHDOG_MS,
          firstPacketMs: AUDIO_FIRST_PACKET_MS,
        },
        log: ctx.log,
        onEvent: (e) => {
          switch (e.type) {
            case "stats":
              node.stats.set("audio", e.stats);
              return;
            case "state":
              node.audio = { state: e.state, source: e.source, route: e.route };
              return;
          }
        },
      });
    },
  };
