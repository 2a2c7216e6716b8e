/**
 * The talk pipeline of an RTSP backchannel: a talker's Opus (what a
 * browser sends) transcoded to what the camera's backchannel takes, and
 * payloaded as RTP by GStreamer's payloader for that codec. Pure: the
 * codec the camera's SDP names in, the pipeline text out.
 *
 *   appsrc name=talk (Opus, timestamps from their RTP timestamps)
 *     ! opusdec plc=true ! audioconvert ! audioresample ! audio/x-raw,rate=R,channels=C
 *     ! <encoder> ! <payloader> pt=N ! appsink name=backchannel  → RTP packets to the camera
 *
 * | the camera's rtpmap        | encoder ! payloader                      |
 * | -------------------------- | ---------------------------------------- |
 * | PCMU/8000 (ONVIF's usual)  | mulawenc ! rtppcmupay                    |
 * | PCMA/8000                  | alawenc ! rtppcmapay                     |
 * | OPUS/48000/2               | opusenc ! rtpopuspay                     |
 * | MPEG4-GENERIC/<rate> (AAC) | voaacenc ! rtpmp4gpay (AAC-hbr, RFC 3640) |
 *
 * @module
 */
import type { Backchannel } from "../../transports/rtsp/client/backchannel_sdp.ts";
import { SPEAKER_CAPS, SPEAKER_SRC } from "./speaker_pipeline.ts";
import { quote } from "../camera/source.ts";

/** The appsink the RTP packets for the camera come out of. */
export const BACKCHANNEL_SINK = "backchannel";
/** Largest RTP packet made. Reason: G.711's 20 ms is 172 bytes, Opus's under 500; AAC's frame fits. */
export const BACKCHANNEL_MTU = 1400;

/** The codecs a backchannel can take, by the rtpmap's encoding name. */
export const BACKCHANNEL_CODECS = ["PCMU", "PCMA", "OPUS", "MPEG4-GENERIC"] as const;

function encoder(b: Backchannel): { raw: string; chain: string } {
  const pt = `pt=${b.payloadType} mtu=${BACKCHANNEL_MTU}`;
  switch (b.encoding) {
    case "PCMU":
      return { raw: `rate=${b.clockRate},channels=1`, chain: `mulawenc ! rtppcmupay ${pt}` };
    case "PCMA":
      return { raw: `rate=${b.clockRate},channels=1`, chain: `alawenc ! rtppcmapay ${pt}` };
    case "OPUS":
      // RFC 7587 signals opus/48000/2 whatever the packets hold: mono is what a microphone gives.
      return { raw: "rate=48000,channels=1", chain: `opusenc ! rtpopuspay ${pt}` };
    case "MPEG4-GENERIC":
      return {
        raw: `rate=${b.clockRate},channels=${b.channels}`,
        chain: `voaacenc ! rtpmp4gpay ${pt}`,
      };
    default:
      throw new TypeError(
        `The camera's backchannel takes ${b.encoding}/${b.clockRate}, which eyrie cannot send ` +
          `(it sends ${BACKCHANNEL_CODECS.join(", ")})`,
      );
  }
}

/** The whole pipeline for backchannel `b`; TypeError naming a codec eyrie cannot send. */
export function backchannelPipeline(b: Backchannel): string {
  const { raw, chain } = encoder(b);
  // As the local speaker: a bounded queue (20 packets, 400 ms) so a stalled link costs sound.
  return `appsrc name=${SPEAKER_SRC} format=time is-live=true max-buffers=20` +
    ` leaky-type=downstream caps=${quote(SPEAKER_CAPS)}` +
    ` ! opusdec plc=true ! audioconvert ! audioresample ! audio/x-raw,${raw} ! ${chain}` +
    ` ! appsink name=${BACKCHANNEL_SINK} sync=false max-buffers=50 drop=true`;
}
