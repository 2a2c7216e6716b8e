/**
 * What the RTSP server answers to each method (RFC 2326 10). Every request
 * gets one response with its CSeq; every refusal names its reason in a
 * text/plain body. Whether a client may watch a camera is asked of the main
 * thread (ui/auth/stream_access.ts) for DESCRIBE, SETUP and PLAY; the other
 * methods act on a session, whose id the client got from an authorized
 * SETUP.
 *
 * @module
 */
import { RTSP_REALM, type StreamAccessRequest, type StreamAccessVerdict } from "../defs.ts";
import type { SendTarget } from "../../ffi/net/mod.ts";
import {
  chooseTransport,
  digestChallenge,
  formatSession,
  formatTransport,
  parseTarget,
  REFUSED_METHODS,
  type RtspRequest,
  type RtspResponse,
  SERVED_METHODS,
  type ServedMethod,
  sessionIdOf,
  step,
} from "../../transports/rtsp/mod.ts";
import { streamSdp } from "../packetizer/sdp.ts";
import type { Connection } from "./connection.ts";
import type { PlayStart, RtspSession } from "./session.ts";
import type { CameraStream } from "./stream.ts";

/** The control URL of the video in eyrie's SDP, relative to the Content-Base. */
export const TRACK = "trackID=0";
/** The control URL of the sound (Opus), when the camera has some. */
export const AUDIO_TRACK = "trackID=1";
/** A PLAY is answered once its first keyframe is out (for RTP-Info), or after this anyway. */
export const PLAY_ANSWER_MS = 3000;

/** What the methods need of the server. */
export interface ServerState {
  readonly serverName: string;
  readonly sessionTimeoutS: number;
  readonly udpPorts: [number, number];
  readonly udpFamily: 4 | 6;
  stream(camera: string): CameraStream | undefined;
  session(id: string): RtspSession | undefined;
  /** Makes and registers a session; null past the server's limit. */
  openSession(
    init: Omit<ConstructorParameters<typeof RtspSession>[0], "id" | "now">,
  ): RtspSession | null;
  endSession(session: RtspSession, why: "teardown"): void;
  /** Where UDP packets for a client's port go. */
  udpTarget(address: string, port: number): SendTarget;
  /** Asks the main thread whether the request may watch the camera. */
  authorize(request: StreamAccessRequest): Promise<StreamAccessVerdict>;
  now(): number;
  refused(): void;
}

const ALLOW = SERVED_METHODS.join(", ");

type Reply = Omit<RtspResponse, "cseq">;
/** The answer went out already (a PLAY answers when its first packet goes). */
const ANSWERED = Symbol("answered");
type Answer = Reply | typeof ANSWERED;

function text(
  status: RtspResponse["status"],
  reason: string,
  headers: [string, string][] = [],
): Reply {
  return { status, headers, body: reason };
}

/** The Content-Base of a request's target: absolute, without query, ending in "/". */
function contentBase(req: RtspRequest): string {
  let base = req.uri.replace(/[?#].*$/, "").replace(/\/+$/, "");
  if (base.startsWith("/")) base = `rtsp://${req.headers.get("host") ?? "localhost"}${base}`;
  return `${base}/`;
}

/** The URL a client set up, as RTP-Info names it back. */
function controlUrl(req: RtspRequest): string {
  return contentBase(req).replace(/\/$/, "");
}

/** The camera a target names, and whether it named a track (and which). */
function cameraOf(
  req: RtspRequest,
): { camera: string; track: boolean; audio: boolean } | null {
  const t = parseTarget(req.uri);
  if (t === null || t.kind !== "path") return null;
  const [camera, track, ...rest] = t.segments;
  if (camera === undefined || rest.length > 0) return null;
  if (track !== undefined && track !== TRACK && track !== AUDIO_TRACK) return null;
  return { camera, track: track !== undefined, audio: track === AUDIO_TRACK };
}

async function authorized(
  state: ServerState,
  req: RtspRequest,
  conn: Connection,
  camera: string,
): Promise<{ user: string | null } | Reply> {
  const verdict: StreamAccessVerdict = await state.authorize({
    camera,
    method: req.method,
    uri: req.uri,
    authorization: req.headers.get("authorization") ?? null,
    nonce: conn.nonce,
    address: conn.address,
    secure: false,
  });
  if (verdict.ok) return { user: verdict.user };
  state.refused();
  switch (verdict.status) {
    case 401:
      return text(401, verdict.reason, [[
        "WWW-Authenticate",
        digestChallenge(RTSP_REALM, conn.nonce, verdict.stale),
      ]]);
    case 403:
      return text(403, verdict.reason);
    case 503:
      return text(503, verdict.reason, [["Retry-After", String(verdict.retryAfterS)]]);
  }
}

function isReply(v: unknown): v is Reply {
  return typeof v === "object" && v !== null && "status" in v;
}

async function describe(state: ServerState, req: RtspRequest, conn: Connection): Promise<Reply> {
  const target = cameraOf(req);
  const stream = target === null ? undefined : state.stream(target.camera);
  if (target === null || stream === undefined) return text(404, `No camera at ${req.uri}`);
  const who = await authorized(state, req, conn, target.camera);
  if (isReply(who)) return who;
  const c = stream.camera;
  return {
    status: 200,
    headers: [["Content-Base", contentBase(req)]],
    contentType: "application/sdp",
    body: streamSdp(
      {
        cameraId: c.id,
        codec: c.codec,
        fps: c.fps,
        ssrc: c.ssrc,
        parameters: c.parameters,
        audio: c.audio?.present === true && stream.audio !== null,
      },
      { control: TRACK, audioControl: AUDIO_TRACK },
    ),
  };
}

async function setup(state: ServerState, req: RtspRequest, conn: Connection): Promise<Reply> {
  const target = cameraOf(req);
  const stream = target === null ? undefined : state.stream(target.camera);
  if (target === null || stream === undefined) return text(404, `No stream at ${req.uri}`);
  const who = await authorized(state, req, conn, target.camera);
  if (isReply(who)) return who;
  const choice = chooseTransport(req.headers.get("transport"));
  if (!choice.ok) return text(461, choice.reason);
  if (target.audio && stream.audio === null) {
    return text(404, `Camera ${target.camera} has no sound`);
  }
  const ssrc = target.audio ? stream.camera.audio!.ssrc : stream.camera.ssrc;
  const sessionHeader = (s: RtspSession): [string, string] => [
    "Session",
    formatSession(s.id, state.sessionTimeoutS),
  ];
  const reply = (s: RtspSession): Reply => {
    const t = target.audio ? s.audio!.transport : s.transport;
    return {
      status: 200,
      headers: [
        [
          "Transport",
          formatTransport(
            t.lower === "udp"
              ? {
                lower: "udp",
                rtp: t.rtp.address.port,
                rtcp: t.rtcp.address.port,
                serverRtp: state.udpPorts[0],
                serverRtcp: state.udpPorts[1],
                ssrc,
              }
              : { lower: "tcp", channels: t.channels, ssrc },
          ),
        ],
        sessionHeader(s),
      ],
    };
  };
  const id = sessionIdOf(req.headers.get("session"));
  const want = choice.transport;
  if (id !== null) {
    // A SETUP on an existing session: the video again (the same stream), or the sound's track.
    const s = state.session(id);
    if (s === undefined) return text(454, `No session ${id}`);
    if (s.camera !== target.camera) return text(459, "A session carries one camera's stream");
    const st = step(s.state, "SETUP");
    if (!st.ok) return text(455, st.reason);
    if (target.audio && s.audio === null) {
      const lower = s.transport.lower;
      if (want.lower !== lower) return text(461, `Set up the sound over ${lower} as the video`);
      if (want.lower === "udp") {
        s.audio = {
          trackUrl: controlUrl(req),
          transport: {
            lower: "udp",
            address: conn.address,
            rtp: state.udpTarget(conn.address, want.rtp),
            rtcp: state.udpTarget(conn.address, want.rtcp),
          },
        };
      } else {
        const video = s.transport as Extract<typeof s.transport, { lower: "tcp" }>;
        const channels = want.channels ?? [video.channels[0] + 2, video.channels[1] + 2];
        if (channels.some((c) => video.channels.includes(c))) {
          return text(461, `Interleaved channels ${channels.join("-")} carry the video`);
        }
        s.audio = { trackUrl: controlUrl(req), transport: { ...video, channels } };
      }
      if (s.state === "playing") stream.audio!.play(s);
    }
    return reply(s);
  }
  // The video's track first: a session is its video, with the sound beside it.
  if (target.audio) {
    return text(459, `SETUP the video (${TRACK}) before the sound (${AUDIO_TRACK})`);
  }
  let session: RtspSession | null;
  if (want.lower === "udp") {
    const family = conn.address.includes(":") ? 6 : 4;
    if (family !== state.udpFamily) {
      return text(461, `UDP from IPv${family} is not served here: use TCP (RTP/AVP/TCP)`);
    }
    session = state.openSession({
      camera: target.camera,
      user: who.user,
      trackUrl: controlUrl(req),
      transport: {
        lower: "udp",
        address: conn.address,
        rtp: state.udpTarget(conn.address, want.rtp),
        rtcp: state.udpTarget(conn.address, want.rtcp),
      },
    });
  } else {
    conn.outbox.carryStream();
    session = state.openSession({
      camera: target.camera,
      user: who.user,
      trackUrl: controlUrl(req),
      transport: {
        lower: "tcp",
        address: conn.address,
        channels: want.channels ?? [0, 1],
        outbox: conn.outbox,
        connection: conn.id,
      },
    });
  }
  if (session === null) return text(503, "Too many RTSP sessions; try again later");
  return reply(session);
}

/** The session a request names, or the reply that says why there is none. */
function sessionOf(state: ServerState, req: RtspRequest): RtspSession | Reply {
  const header = req.headers.get("session");
  const id = sessionIdOf(header);
  if (id === null) {
    return text(454, header === undefined ? "Session header missing" : "Bad Session header");
  }
  const s = state.session(id);
  if (s === undefined) return text(454, `No session ${id} (ended, or timed out)`);
  s.seenAt = state.now();
  return s;
}

async function play(state: ServerState, req: RtspRequest, conn: Connection): Promise<Answer> {
  const s = sessionOf(state, req);
  if (isReply(s)) return s;
  const target = cameraOf(req);
  if (target === null || target.camera !== s.camera) {
    return text(404, `${req.uri} is not the stream of session ${s.id}`);
  }
  const who = await authorized(state, req, conn, s.camera);
  if (isReply(who)) return who;
  const stream = state.stream(s.camera);
  if (stream === undefined) return text(404, `No camera at ${req.uri}`);
  const session: [string, string] = ["Session", formatSession(s.id, state.sessionTimeoutS)];
  const range: [string, string] = ["Range", "npt=0.000-"];
  if (s.state === "playing") return { status: 200, headers: [session, range] };
  s.state = "playing";
  const start = await new Promise<PlayStart | null>((resolve) => {
    const timer = setTimeout(() => {
      s.onFirstPacket = null;
      resolve(null);
    }, PLAY_ANSWER_MS);
    // Called from the stream's loop just before the first packet goes out, so the answer
    // precedes the packets on a TCP connection.
    s.onFirstPacket = (first) => {
      clearTimeout(timer);
      conn.respond({
        cseq: req.cseq,
        ...playReply(state, s, session, range, first),
      });
      resolve(first);
    };
    stream.play(s);
  });
  // Answered above when the first packet came; otherwise now, without RTP-Info.
  return start === null ? playReply(state, s, session, range, null) : ANSWERED;
}

function playReply(
  state: ServerState,
  s: RtspSession,
  session: [string, string],
  range: [string, string],
  first: PlayStart | null,
): Reply {
  const headers: [string, string][] = [session, range, ["Server", state.serverName]];
  if (first !== null) {
    // The sound's entry names its URL only: its first packet is not known yet, and a player takes
    // its sequence and timing from the packets and the sender reports.
    const audio = s.audio === null ? "" : `,url=${s.audio.trackUrl}`;
    headers.push([
      "RTP-Info",
      `url=${s.trackUrl};seq=${first.seq};rtptime=${first.rtptime}${audio}`,
    ]);
  }
  return { status: 200, headers };
}

function pause(state: ServerState, req: RtspRequest): Reply {
  const s = sessionOf(state, req);
  if (isReply(s)) return s;
  state.stream(s.camera)?.pause(s);
  s.onFirstPacket = null;
  s.state = "ready";
  return { status: 200, headers: [["Session", formatSession(s.id, state.sessionTimeoutS)]] };
}

function teardown(state: ServerState, req: RtspRequest): Reply {
  const s = sessionOf(state, req);
  if (isReply(s)) return s;
  state.endSession(s, "teardown");
  return { status: 200, headers: [] };
}

function parameter(state: ServerState, req: RtspRequest): Reply {
  let headers: [string, string][] = [];
  if (req.headers.has("session")) {
    const s = sessionOf(state, req);
    if (isReply(s)) return s;
    headers = [["Session", formatSession(s.id, state.sessionTimeoutS)]];
  }
  // No parameters are served: an empty GET_PARAMETER is the keep-alive every client sends.
  if (req.body.length > 0) {
    return text(451, "No parameters are served; send an empty body to keep alive", headers);
  }
  return { status: 200, headers };
}

function options(state: ServerState, req: RtspRequest): Reply {
  if (req.headers.has("session")) {
    const s = sessionOf(state, req);
    if (isReply(s)) return s;
  }
  return { status: 200, headers: [["Public", ALLOW]] };
}

/** Answers `req` on `conn`. */
export async function handleRequest(
  state: ServerState,
  req: RtspRequest,
  conn: Connection,
): Promise<void> {
  const reply = await answer(state, req, conn);
  if (reply === ANSWERED) return;
  const headers = [...(reply.headers ?? [])];
  if (!headers.some(([k]) => k === "Server")) headers.push(["Server", state.serverName]);
  conn.respond({ ...reply, cseq: req.cseq, headers });
}

function answer(state: ServerState, req: RtspRequest, conn: Connection): Answer | Promise<Answer> {
  if (req.cseq === null) return text(400, "CSeq is missing, repeated or not a number");
  if (req.version !== "RTSP/1.0") return text(505, "This server speaks RTSP/1.0");
  const method = req.method as ServedMethod;
  if (!SERVED_METHODS.includes(method)) {
    return (REFUSED_METHODS as readonly string[]).includes(req.method)
      ? text(405, `${req.method} is not served: eyrie's streams are for playing`, [[
        "Allow",
        ALLOW,
      ]])
      : text(501, `Unknown method ${JSON.stringify(req.method)}`, [["Public", ALLOW]]);
  }
  switch (method) {
    case "OPTIONS":
      return options(state, req);
    case "DESCRIBE":
      return describe(state, req, conn);
    case "SETUP":
      return setup(state, req, conn);
    case "PLAY":
      return play(state, req, conn);
    case "PAUSE":
      return pause(state, req);
    case "TEARDOWN":
      return teardown(state, req);
    case "GET_PARAMETER":
    case "SET_PARAMETER":
      return parameter(state, req);
  }
}
