/**
 * The packetizer's place in a camera subtree: first in the live chain.
 *
 * @module
 */
import { spawnActor } from "../runtime/actor.ts";
import type { ChildFactory } from "../system/camera_node.ts";
import { ACTOR_SHUTDOWN_MS } from "../system/flags.ts";
import { READER } from "../system/rings.ts";
import {
  H264_PAYLOAD_TYPE,
  JPEG_PAYLOAD_TYPE,
  PACKETIZER_WORKER,
  type PacketizerProtocol,
  WEBRTC_MTU,
} from "./protocol.ts";

export const packetizerChild: ChildFactory = (node, ctx) => ({
  id: "packetizer",
  restart: "permanent",
  shutdownMs: ACTOR_SHUTDOWN_MS,
  start: () =>
    spawnActor<PacketizerProtocol>({
      id: `${node.id}/packetizer`,
      url: PACKETIZER_WORKER,
      host: node.hosts.get(ctx.host),
      init: {
        au: node.rings.au,
        rtp: node.rings.rtp,
        reader: READER.packetizer,
        codec: node.config.codec,
        // One packet size fits every consumer: WebRTC's, or a smaller UDP output's.
        mtu: Math.min(WEBRTC_MTU, ...node.config.rtp.map((o) => o.mtu)),
        payloadType: node.config.codec === "h264" ? H264_PAYLOAD_TYPE : JPEG_PAYLOAD_TYPE,
        ssrc: node.rtp.ssrc,
        timestampOffset: node.rtp.timestampOffset,
      },
      log: ctx.log,
      onEvent: (e) => {
        if (e.type === "stats") node.stats.set("packetizer", e.stats);
        else if (e.type === "parameters") node.streamParameters = e.parameters;
      },
    }),
});
