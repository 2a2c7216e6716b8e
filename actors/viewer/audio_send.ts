/**
 * The camera's sound to its WebRTC viewers: one reader of the audio ring
 * for all sessions, each Opus packet put in an RTP packet once (RFC 7587,
 * transports/rtp/opus) and handed to every connected session whose audio
 * section was answered sendonly. The video's path does not wait on it, and
 * a camera without sound simply has nothing in its ring.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { FrameFlags } from "../defs.ts";
import { RingReader } from "../ring/mod.ts";
import { opusTimestamp, packetizeOpus } from "../../transports/rtp/opus/packetize.ts";
import { RTP_HEADER_BYTES } from "../../transports/rtp/header.ts";
import type { ViewerInit } from "./protocol.ts";
import type { ViewerSession } from "./session.ts";

/** Longest Opus packet sent on (RFC 6716 §3.2.1: one frame ≤ 1275 bytes). */
const MAX_PAYLOAD = 1275;

/** Runs until `running()` is false; each session gets the packets written from then on. */
export async function sendAudio(
  init: ViewerInit,
  running: () => boolean,
  sessions: () => Iterable<ViewerSession>,
): Promise<void> {
  const reader = new RingReader(init.audio, init.audioReader, { start: "latest" });
  // werift rewrites SSRC and payload type per session; sequence and timestamp carry through.
  const random = crypto.getRandomValues(new Uint32Array(2));
  const offset = random[0];
  let seq = random[1] & 0xffff;
  const scratch = new Uint8Array(RTP_HEADER_BYTES + MAX_PAYLOAD);
  try {
    while (running()) {
      if ((await reader.wait(100)) !== "ready") continue;
      while (reader.next()) {
        const opus = reader.view();
        if (opus.length > MAX_PAYLOAD) continue;
        const length = packetizeOpus(scratch, opus, {
          sequenceNumber: seq,
          timestamp: opusTimestamp(reader.pts, offset),
          ssrc: 0,
          marker: (reader.flags & FrameFlags.DISCONT) !== 0 || reader.gap,
        });
        if (!reader.valid()) continue;
        seq = (seq + 1) & 0xffff;
        const captureMs = reader.captureNs / 1e6;
        let packet: Buffer | null = null;
        for (const s of sessions()) {
          // One copy per packet for all sessions: werift parses it into its own object.
          packet ??= Buffer.from(scratch.subarray(0, length));
          s.sendAudio(packet, captureMs);
        }
      }
    }
  } finally {
    reader.close();
  }
}
