/**
 * The viewer actor's messages. One viewer actor per camera serves every
 * WebRTC viewer of that camera; the WHEP routes on the main thread call it.
 *
 * @module
 */
import type { Client } from "./admission.ts";
import type { EndReason } from "./health.ts";
import type { IceHosts } from "./ice.ts";
import type { FecPayloadTypes } from "./offer.ts";
import type { IceServer } from "../../transports/ice/servers.ts";
import type { DownReason, StreamChoice, StreamName } from "./stream_choice.ts";
import type { SpeakerState } from "./speaker.ts";
import type { TalkEnd } from "./talk.ts";

export interface ViewerInit {
  cameraId: string;
  /** RTP packets in (the packetizer's ring). */
  rtp: SharedArrayBuffer;
  reader: number;
  /** Opus packets in (the audio actor's ring) and this actor's reader index there. */
  audio: SharedArrayBuffer;
  audioReader: number;
  /** Sessions at most, connecting ones included (camera config max_viewers). */
  maxViewers: number;
  /** Where two-way talk plays (camera config `speaker`; "none": talk is refused). */
  speaker: string;
  /** The camera's rtsp:// source, for `speaker = "backchannel"` (its ONVIF backchannel); else "". */
  speakerUrl: string;
  /**
   * The sub stream (`[camera.sub]`): its RTP ring (read as reader `reader`),
   * and its encoder's bitrate range and configured rate, for adaptive
   * bitrate. Absent: every viewer gets the main stream, whose bitrate no
   * viewer changes.
   */
  sub?: {
    rtp: SharedArrayBuffer;
    bitrate: { minKbps: number; maxKbps: number; startKbps: number };
  };
}

/** An offer already checked and narrowed by checkOffer() (offer.ts). */
export interface OfferArgs {
  sdp: string;
  /** Answer the audio section too (inactive when `sendAudio` is false). */
  audio: boolean;
  /** The camera has sound: the audio section is answered sendonly Opus (RFC 7587). */
  sendAudio: boolean;
  hosts: IceHosts;
  /** ICE lite (LAN), or full ICE with these STUN/TURN servers ([webrtc]). */
  ice: IceConfig;
  /** Who asks: connecting sessions are capped per client (admission.ts). */
  client: Client;
  /** Which stream it wants (`?stream=` on the WHEP POST); `auto` moves with its link. */
  stream: StreamChoice;
  /** RED + ULPFEC to answer (`[webrtc] fec` not "never" and the browser offered both), or null. */
  fec: { types: FecPayloadTypes; mode: "auto" | "always" } | null;
}

export type OfferReply =
  | { ok: true; id: string; sdp: string }
  | { ok: false; problem: RefusalProblem; message: string };

/**
 * Why an offer was refused: the camera has `max_viewers`; it waited its
 * turn too long (or too many wait); the client has too many offers
 * connecting and waiting; the offer could not be answered.
 */
export type RefusalProblem = "too_many_viewers" | "busy" | "client_busy" | "rejected";

export const REFUSAL_PROBLEMS: readonly RefusalProblem[] = [
  "too_many_viewers",
  "busy",
  "client_busy",
  "rejected",
];

/** A talk offer already checked by checkTalkOffer() (talk_offer.ts). */
export interface TalkArgs {
  sdp: string;
  /** The browser's payload type for Opus. */
  payloadType: number;
  hosts: IceHosts;
  ice: IceConfig;
  /** Who asks: the user's name, or the client's address without sign-in (shown to the others). */
  holder: string;
}

export type TalkReply =
  | { ok: true; id: string; sdp: string }
  | { ok: false; problem: TalkProblem; message: string; holder?: string };

/**
 * Why a talk offer was refused: someone else holds the speaker; the camera
 * has none; it could not be opened; the offer could not be answered.
 */
export type TalkProblem = "held" | "no_speaker" | "speaker_offline" | "rejected";

/** Two-way talk on this camera, as /api/cameras/:id and the console show it. */
export interface TalkStatus {
  /** The camera's `speaker` ("none": no talk). */
  speaker: string;
  /** Who talks now (null: nobody), since when, and whether their session is connected yet. */
  holder: string | null;
  since: string | null;
  connected: boolean;
  /** The speaker's own state: idle, playing, or offline with the cause. */
  device: SpeakerState;
  /** Opus packets received and played, and lost on the way, over every talk since the start. */
  packets: number;
  lost: number;
  /** Talk sessions ended, by reason. */
  ended: Record<TalkEnd, number>;
}

/** How a session does ICE: lite with host candidates, or full with servers (credentials resolved). */
export interface IceConfig {
  lite: boolean;
  servers: IceServer[];
}

/** A trickled candidate (RFC 8840): the attribute value after `a=`, and its media's mid. */
export interface TrickleCandidate {
  candidate: string;
  mid: string | null;
}

/**
 * A trickle PATCH's outcome; when accepted, eyrie's own candidates (all of
 * them: werift answers once gathering is done) for the reply.
 */
export type TrickleReply =
  | { result: "accepted"; candidates: string[]; mid: string }
  | { result: "not_found" }
  | { result: "ice_restart" };

/** One session, as the console shows it. */
export interface SessionStats {
  id: string;
  state: "connecting" | "connected";
  ageMs: number;
  packetsSent: number;
  framesSent: number;
  /** Packets skipped because this viewer fell behind. */
  dropped: number;
  fractionLost: number;
  jitterMs: number;
  rttMs: number | null;
  rembKbps: number | null;
  /** Offer received → answer made, ICE connected, DTLS connected, ms (null: not yet). */
  answerMs: number;
  iceMs: number | null;
  connectedMs: number | null;
  /** Offer received → first keyframe packet handed to the network, ms. */
  firstFrameMs: number | null;
  /** Packets go out on eyrie's own send path (direct_send.ts), not werift's. */
  direct: boolean;
  /** Opus RTP packets sent on the audio section (0 when it was answered inactive). */
  audioPacketsSent: number;
  /** The stream it plays now; whether it moves with its link; how often it moved. */
  stream: StreamName;
  adaptive: boolean;
  switches: number;
  /** Why it last moved down to the sub stream: "loss", "jitter" or "remb" (stream_choice.ts). */
  downReason: DownReason | null;
  /** FEC packets per media packet now (0: off or not negotiated; fec_policy.ts). */
  fecProtection: number;
  /** ULPFEC packets sent, and their bytes on the wire. */
  fecPacketsSent: number;
  fecBytesSent: number;
}

export interface ViewerStats {
  viewers: number;
  connecting: number;
  /** Offers waiting their turn (admission.ts). */
  waiting: number;
  maxViewers: number;
  /** Offers refused since the actor started, by problem. */
  refused: Record<RefusalProblem, number>;
  /** Sessions answered since the actor started. */
  started: number;
  /** Sessions ended, by reason. `no_delivery` counts the DTLS-race guard's teardowns. */
  ended: Record<EndReason, number>;
  packetsIn: number;
  /** RTP packets this actor lost to ring overrun. */
  ringDrops: number;
  packetsSent: number;
  framesSent: number;
  /** Packets skipped for viewers that fell behind, all sessions. */
  dropped: number;
  keyframesAsked: number;
  keyframesSent: number;
  pli: number;
  fir: number;
  nack: number;
  /** The bitrate adaptive bitrate last asked the sub stream's encoder for (0: no sub stream). */
  targetKbps: number;
  /** Connected sessions on each stream. */
  onMain: number;
  onSub: number;
  /** Moves between the streams, all sessions since the actor started. */
  switches: number;
  /** Connected sessions with FEC on now; ULPFEC packets and bytes sent since the actor started. */
  withFec: number;
  fecPacketsSent: number;
  fecBytesSent: number;
  dtlsRetransmitsDropped: number;
  /** werift is loaded (it is, from the first offer on: webrtc.ts). */
  webrtcLoaded: boolean;
  /** How late this Worker's 50 ms tick runs, smoothed (its own load and the machine's). */
  lagMs: number;
  /** The Worker's own CPU, % of one core; new viewers wait above 85 %. */
  cpuPercent: number;
  /** JS heap in use by this Worker, MiB (sessions must not leave anything behind). */
  heapMiB: number;
  /** The heap V8 has reserved for this Worker, and the ArrayBuffers outside it, MiB. */
  heapTotalMiB: number;
  externalMiB: number;
  sessions: SessionStats[];
  talk: TalkStatus;
}

export type ViewerEvent =
  | { type: "stats"; stats: ViewerStats }
  /** A keyframe is wanted on that stream (a new viewer, a viewer moved to it, a PLI). */
  | { type: "keyframe"; stream: StreamName }
  /** The sub stream's encoder rate (its weakest viewer's); the main stream's never moves. */
  | { type: "bitrate"; kbps: number }
  /** Sessions on the sub stream now, connecting ones included (it is encoded only while used). */
  | { type: "sub_users"; count: number };

export interface ViewerProtocol {
  init: ViewerInit;
  calls: {
    offer: { args: OfferArgs; reply: OfferReply };
    close: { args: { id: string }; reply: { closed: boolean } };
    talk: { args: TalkArgs; reply: TalkReply };
    talk_close: { args: { id: string }; reply: { closed: boolean } };
    trickle: {
      args: { id: string; ufrag: string | null; candidates: TrickleCandidate[] };
      reply: TrickleReply;
    };
  };
  cast: { type: "report" };
  event: ViewerEvent;
}

export const VIEWER_WORKER = new URL("./worker.ts", import.meta.url);
