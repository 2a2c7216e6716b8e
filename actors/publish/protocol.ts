/**
 * The publisher actor's messages: one actor per `[[camera.publish]]`,
 * keeping the camera's mountpoint on a media server and sending the
 * camera's RTP ring to it.
 *
 * @module
 */
import type { LinkStatus, PublishConfig } from "../defs.ts";
import type { RtpOutputStats } from "../rtp_output/protocol.ts";

export interface PublishInit {
  cameraId: string;
  /** Which `[[camera.publish]]` this is (0 to 3). */
  index: number;
  config: PublishConfig;
  /** The mountpoint's id (the config's, or one derived from the host and camera names). */
  mountpoint: number;
  description: string;
  /** a=fmtp of the H.264 stream Janus offers viewers. */
  fmtp: string;
  rtp: SharedArrayBuffer;
  reader: number;
  ssrc: number;
}

/**
 * What `/api/cameras/:id` shows for one publisher (`stats["publish[N]"]`):
 * the mountpoint's link (up while Janus has it, offline with the cause and
 * the next try), and the RTP going to it.
 */
export interface PublishStats extends LinkStatus {
  kind: "janus";
  url: string;
  mountpoint: number;
  /** Janus's RTP port for the stream, null while there is no mountpoint. */
  port: number | null;
  viewers: number;
  /** Times the mountpoint was created; more than once means Janus lost it (a restart). */
  creates: number;
  outages: number;
  rtp: RtpOutputStats | null;
}

export type PublishEvent =
  | { type: "stats"; stats: PublishStats }
  | { type: "keyframe" };

export interface PublishProtocol {
  init: PublishInit;
  calls: Record<string, never>;
  cast: { type: "report" };
  event: PublishEvent;
}

export const PUBLISH_WORKER = new URL("./worker.ts", import.meta.url);
