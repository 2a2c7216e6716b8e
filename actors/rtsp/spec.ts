/**
 * The RTSP server's place in the tree: a process-level service, one child
 * of the root beside the cameras, not an actor per camera. It listens on
 * one port for every camera (rtsp://HOST:PORT/<camera id>), so it cannot be
 * split across the cameras' subtrees, and it outlives any one of them: a
 * camera that restarts or changes gets its new ring passed in, and its
 * players reconnect. The main thread answers the server's questions (who
 * may watch) and passes its keyframe requests to the camera's encoder.
 *
 * @module
 */
import type { Config, StreamAccessRequest, StreamAccessVerdict } from "../defs.ts";
import type { LogSink } from "../log/logger.ts";
import { type ActorProcess, spawnActor } from "../runtime/actor.ts";
import type { ChildSpec } from "../supervisor/mod.ts";
import type { CameraNode } from "../system/camera_node.ts";
import { ACTOR_SHUTDOWN_MS } from "../system/flags.ts";
import { AUDIO_RTP_READER, READER } from "../system/rings.ts";
import {
  RTSP_WORKER,
  type RtspCamera,
  type RtspProtocol,
  type RtspServerStats,
} from "./protocol.ts";

/** Answers an access request (ui/auth/stream_access.ts, injected by `eyrie run`). */
export type StreamAuthorizer = (request: StreamAccessRequest) => StreamAccessVerdict;

/** Without an authorizer (tests, embedding), only a loopback server with auth off makes sense. */
const OPEN: StreamAuthorizer = () => ({ ok: true, user: null });

/**
 * Pings every 2 s as usual, but 30 s of silence before the Worker counts as
 * hung, not 10 (the viewer's reasoning, actors/viewer/spec.ts): a busy main
 * thread delivers a Worker's messages late, and a restart would drop every
 * RTSP player of every camera at once.
 */
export const RTSP_HEARTBEAT = { intervalMs: 2_000, timeoutMs: 30_000 };

export interface RtspServiceOptions {
  config: NonNullable<Config["rtsp"]>;
  log: LogSink;
  cameras: () => Iterable<CameraNode>;
  authorize?: StreamAuthorizer;
  /** The Server header. */
  server: string;
}

function cameraOf(node: CameraNode): RtspCamera {
  return {
    id: node.id,
    codec: node.config.codec,
    fps: node.config.fps,
    rtp: node.rings.rtp,
    ssrc: node.rtp.ssrc,
    parameters: node.streamParameters,
    audio: node.config.audio === "none" ? null : {
      rtp: node.rings.audioRtp,
      ssrc: node.audioRtpIdentity.ssrc,
      present: node.audio?.state.state !== "none",
    },
  };
}

export class RtspService {
  readonly #o: RtspServiceOptions;
  #actor: ActorProcess<RtspProtocol> | undefined;
  /** The server's latest stats; undefined until it reported. */
  stats: RtspServerStats | undefined;

  constructor(options: RtspServiceOptions) {
    this.#o = options;
  }

  get config(): NonNullable<Config["rtsp"]> {
    return this.#o.config;
  }

  /** Tells the server which cameras (and rings) there are now: after a reload, a quality change, new SPS/PPS. */
  camerasChanged(): void {
    this.#actor?.cast({ type: "cameras", cameras: [...this.#o.cameras()].map(cameraOf) });
  }

  #node(id: string): CameraNode | undefined {
    for (const n of this.#o.cameras()) if (n.id === id) return n;
    return undefined;
  }

  /** The root's child that runs the server. */
  spec(): ChildSpec {
    const { hostname, port } = splitListen(this.#o.config.listen);
    return {
      id: "rtsp",
      restart: "permanent",
      shutdownMs: ACTOR_SHUTDOWN_MS,
      start: async () => {
        const actor = await spawnActor<RtspProtocol>({
          id: "rtsp",
          url: RTSP_WORKER,
          init: {
            listen: { hostname, port },
            sessionTimeoutS: this.#o.config.session_timeout_s,
            cameras: [...this.#o.cameras()].map(cameraOf),
            reader: READER.rtsp,
            audioReader: AUDIO_RTP_READER.rtsp,
            server: this.#o.server,
          },
          log: this.#o.log,
          heartbeat: RTSP_HEARTBEAT,
          onEvent: (e) => {
            switch (e.type) {
              case "stats":
                this.stats = e.stats;
                return;
              case "keyframe":
                this.#node(e.camera)?.requestKeyframe();
                return;
              case "authorize": {
                let verdict: StreamAccessVerdict;
                try {
                  verdict = (this.#o.authorize ?? OPEN)(e.request);
                } catch (error) {
                  verdict = {
                    ok: false,
                    status: 503,
                    reason: `Access could not be checked: ${(error as Error).message}`,
                    retryAfterS: 5,
                  };
                }
                this.#actor?.cast({ type: "verdict", ask: e.ask, verdict });
                return;
              }
            }
          },
        });
        this.#actor = actor;
        // Cameras may have changed while it started.
        this.camerasChanged();
        return actor;
      },
    };
  }
}

/** "host:port" or "[v6]:port" into its parts (checked by the config already). */
function splitListen(listen: string): { hostname: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(listen);
  if (m === null) throw new TypeError(`Listen address "${listen}" is not "host:port"`);
  return { hostname: m[1] ?? m[2], port: Number(m[3]) };
}
