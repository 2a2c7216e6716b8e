/**
 * The RTSP server actor's messages: one actor for the process, serving
 * every camera's RTP ring at rtsp://HOST:PORT/<camera id>.
 *
 * @module
 */
import type { LinkStatus, StreamAccessRequest, StreamAccessVerdict } from "../defs.ts";
import type { StreamParameters } from "../packetizer/protocol.ts";

/** One camera as the server serves it. */
export interface RtspCamera {
  id: string;
  codec: "h264" | "mjpeg";
  fps: number;
  /** The camera's RTP ring, as the packetizer writes it. */
  rtp: SharedArrayBuffer;
  ssrc: number;
  /** SPS/PPS for the SDP once known (H.264). */
  parameters: StreamParameters | undefined;
  /**
   * The camera's sound as RTP (the audio actor's ring), or null with `audio = "none"`. `present`:
   * the audio actor has not found it has none (DESCRIBE then lists the audio track).
   */
  audio: { rtp: SharedArrayBuffer; ssrc: number; present: boolean } | null;
}

export interface RtspInit {
  listen: { hostname: string; port: number };
  sessionTimeoutS: number;
  cameras: RtspCamera[];
  /** The RTP ring's reader index the server takes on every camera. */
  reader: number;
  /** The audio RTP ring's reader index the server takes on every camera with sound. */
  audioReader: number;
  /** The Server header, e.g. "eyrie/0.9.0". */
  server: string;
}

/** One session, as `/api/rtsp` shows it. */
export interface RtspSessionStats {
  id: string;
  camera: string;
  /** Who signed in; null when auth is off. */
  user: string | null;
  /** The client's address (and for UDP its RTP port). */
  client: string;
  transport: "udp" | "tcp";
  state: "ready" | "playing";
  packets: number;
  bytes: number;
  /** Packets not sent: the client's connection was full, or it waited for a keyframe. */
  dropped: number;
  startedAt: number;
}

/** The server's state: its listening socket as a link, and its sessions. */
export interface RtspServerStats extends LinkStatus {
  /** host:port as listened on (the port the system gave, for port 0). */
  listen: string;
  /** The UDP ports RTP and RTCP go out from, once listening. */
  udpPorts: [number, number] | null;
  connections: number;
  sessions: RtspSessionStats[];
  /** Since the server started. */
  sessionsTotal: number;
  /** Sessions ended because their client went silent past the timeout (or stopped reading). */
  sessionsReaped: number;
  /** Requests answered 401 or 403. */
  refused: number;
  /** Requests that could not be read (answered 4xx, connection closed). */
  malformed: number;
  packets: number;
  bytes: number;
  dropped: number;
}

export type RtspEvent =
  | { type: "stats"; stats: RtspServerStats }
  /** A new player waits for a keyframe of `camera`. */
  | { type: "keyframe"; camera: string }
  /** May this request watch the camera? Answered by a `verdict` cast with the same `ask`. */
  | { type: "authorize"; ask: number; request: StreamAccessRequest };

export type RtspCast =
  | { type: "cameras"; cameras: RtspCamera[] }
  | { type: "verdict"; ask: number; verdict: StreamAccessVerdict }
  | { type: "report" };

export interface RtspProtocol {
  init: RtspInit;
  calls: Record<string, never>;
  cast: RtspCast;
  event: RtspEvent;
}

export const RTSP_WORKER = new URL("./worker.ts", import.meta.url);
