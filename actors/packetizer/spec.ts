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

/**
 * The viewer packetizer of a camera that may pass its source through: WebRTC
 * viewers read its RTP ring. It packetizes the main stream, or eyrie's own
 * encode while the source has B-frames (which browsers do not play), so a
 * viewer's stream never depends on what the recording gets.
 */
export const viewerPacketizerChild: ChildFactory = (node, ctx) => {
  const { viewerAu, viewerRtp } = node.rings;
  if (viewerAu === undefined || viewerRtp === undefined) return null;
  return {
    id: "viewer-packetizer",
    restart: "permanent",
    shutdownMs: ACTOR_SHUTDOWN_MS,
    start: () =>
      spawnActor<PacketizerProtocol>({
        id: `${node.id}/viewer-packetizer`,
        url: PACKETIZER_WORKER,
        host: node.hosts.get(ctx.host),
        init: {
          au: node.rings.au,
          rtp: viewerRtp,
          reader: READER.viewerPacketizer,
          codec: "h264",
          mtu: WEBRTC_MTU,
          payloadType: H264_PAYLOAD_TYPE,
          ssrc: node.viewerRtpIdentity.ssrc,
          timestampOffset: node.viewerRtpIdentity.timestampOffset,
          viewers: { viewerAu, mode: node.streamMode },
        },
        log: ctx.log,
        onEvent: (e) => {
          if (e.type === "stats") node.stats.set("viewer-packetizer", e.stats);
        },
      }),
  };
};

/**
 * The sub stream's packetizer (`[camera.sub]`): sub AU ring → sub RTP ring,
 * which only WebRTC viewers read. Its timestamps share the main stream's
 * clock, so a viewer moved between the two keeps one timeline.
 */
export const subPacketizerChild: ChildFactory = (node, ctx) => {
  const { subAu, subRtp } = node.rings;
  if (subAu === undefined || subRtp === undefined) return null;
  return {
    id: "sub-packetizer",
    restart: "permanent",
    shutdownMs: ACTOR_SHUTDOWN_MS,
    start: () =>
      spawnActor<PacketizerProtocol>({
        id: `${node.id}/sub-packetizer`,
        url: PACKETIZER_WORKER,
        host: node.hosts.get(ctx.host),
        init: {
          au: subAu,
          rtp: subRtp,
          reader: READER.packetizer,
          codec: "h264",
          mtu: WEBRTC_MTU,
          payloadType: H264_PAYLOAD_TYPE,
          ssrc: node.subRtpIdentity.ssrc,
          timestampOffset: node.subRtpIdentity.timestampOffset,
        },
        log: ctx.log,
        onEvent: (e) => {
          if (e.type === "stats") node.stats.set("sub-packetizer", e.stats);
        },
      }),
  };
};
