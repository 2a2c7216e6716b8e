/**
 * One camera on the main thread: its config, its rings, its supervised
 * subtree, and the latest word from each of its actors. Actors of the
 * subtree are listed in data-flow order (see cameraChildren), so
 * rest_for_one restarts exactly the readers of whatever crashed.
 *
 * @module
 */
import type { CameraConfig } from "../defs.ts";
import type { LogSink } from "../log/logger.ts";
import type { ActorProcess } from "../runtime/actor.ts";
import { ActorHosts } from "../runtime/host.ts";
import type { EncoderProtocol } from "../encoder/protocol.ts";
import type { StreamParameters } from "../packetizer/protocol.ts";
import type { Recordings } from "../recorder/service.ts";
import type { LinkState } from "../supervisor/link.ts";
import type { AudioReport } from "../audio/protocol.ts";
import {
  type ChildSpec,
  EventStream,
  Supervisor,
  type SupervisorEvent,
} from "../supervisor/mod.ts";
import { ACTOR_SHUTDOWN_MS, CAMERA_FLAGS } from "./flags.ts";
import { type CameraRings, createCameraRings } from "./rings.ts";
import { HOST_WORKER, placement, PROCESS_HOSTS } from "./placement.ts";
import { createStreamMode, setWatched } from "../camera/stream_mode.ts";
import { createDemand, setDemand } from "../encoder/demand.ts";

/** What a camera's actors need from the rest of the process. */
export interface NodeContext {
  log: LogSink;
  events: EventStream<SupervisorEvent>;
  dataDir: string;
  /** The recording index and its upkeep; absent when recording is disabled. */
  recordings?: Recordings;
  /** The shared Worker the child's actors run in (placement.ts); absent: a Worker each. */
  host?: string;
  /**
   * The process's shared Workers (placement.ts: PROCESS_HOSTS), the same for
   * every camera; absent: the camera runs those hosts itself.
   */
  processHosts?: ActorHosts;
}

/** Builds the child specs of one camera's subtree. Each actor module adds its spec here. */
export type ChildFactory = (node: CameraNode, ctx: NodeContext) => ChildSpec | null;

export class CameraNode {
  readonly config: CameraConfig;
  readonly rings: CameraRings;
  /** Who writes the AU ring: the encoder, or the camera passing its source through (stream_mode.ts). */
  readonly streamMode: SharedArrayBuffer = createStreamMode();
  readonly ctx: NodeContext;
  /** The camera's shared Workers, by host name (placement.ts). */
  readonly hosts: ActorHosts;
  /** Latest stats event per actor name ("camera", "encoder", …). */
  readonly stats = new Map<string, unknown>();
  /** The source's state as the camera actor last reported it; undefined before its first word. */
  source: LinkState | undefined;
  /** The sound's state and source as the audio actor last reported them (actors/audio). */
  #audio: AudioReport | undefined;
  /** Told when the camera turns out to have no sound, or to have some again (RTSP describes it). */
  readonly audioPresence = new EventStream<boolean>();
  /** The running encoder, to ask for keyframes (its bitrate is the camera's: no viewer lowers it). */
  encoder: ActorProcess<EncoderProtocol> | undefined;
  /** Whether anything uses the sub stream now (actors/encoder/demand.ts): it is made only then. */
  readonly subDemand: SharedArrayBuffer = createDemand();
  /** The running sub stream encoder (`[camera.sub]`), to ask for keyframes and bitrates. */
  subEncoder: ActorProcess<EncoderProtocol> | undefined;
  /**
   * Moments worth recording (motion, objects): the detector emits, the
   * recorder listens. `atNs` is on the ring clock (pts/capture ns).
   */
  readonly triggers = new EventStream<{ atNs: number; kind: string }>();
  /** The RTP stream's identity, fixed for the camera's life (packetizer restarts keep it). */
  readonly rtp = {
    ssrc: crypto.getRandomValues(new Uint32Array(1))[0],
    timestampOffset: crypto.getRandomValues(new Uint32Array(1))[0],
  };
  /** The audio RTP stream's identity (RTP outputs, RTSP), fixed for the camera's life. */
  readonly audioRtpIdentity = {
    ssrc: crypto.getRandomValues(new Uint32Array(1))[0],
    timestampOffset: crypto.getRandomValues(new Uint32Array(1))[0],
  };
  /** The viewers' RTP stream's identity (the viewer packetizer of a camera that may pass through). */
  readonly viewerRtpIdentity = {
    ssrc: crypto.getRandomValues(new Uint32Array(1))[0],
    timestampOffset: crypto.getRandomValues(new Uint32Array(1))[0],
  };
  /** The sub stream's RTP identity; its timestamps share the main stream's clock (same offset). */
  readonly subRtpIdentity = {
    ssrc: crypto.getRandomValues(new Uint32Array(1))[0],
    timestampOffset: this.rtp.timestampOffset,
  };
  /** Told when the stream's SPS/PPS become known (the RTSP server describes the stream with them). */
  readonly parametersKnown = new EventStream<StreamParameters>();
  #parameters: StreamParameters | undefined;
  /** The last time a hardware encoder gave way to the next one. */
  lastFallback: { from: string; to: string; reason: string } | undefined;
  #supervisor: Supervisor | undefined;

  constructor(config: CameraConfig, ctx: NodeContext) {
    this.config = config;
    this.ctx = ctx;
    this.rings = createCameraRings(config);
    const p = placement();
    this.hosts = new ActorHosts(HOST_WORKER, config.id, {
      separate: p === "separate",
      shared: p === "shared" && ctx.processHosts !== undefined
        ? { names: PROCESS_HOSTS, hosts: ctx.processHosts }
        : undefined,
    });
  }

  get id(): string {
    return this.config.id;
  }

  get audio(): AudioReport | undefined {
    return this.#audio;
  }

  set audio(report: AudioReport | undefined) {
    const had = this.#audio?.state.state !== "none";
    this.#audio = report;
    const has = report?.state.state !== "none";
    if (had !== has) this.audioPresence.emit(has);
  }

  /** SPS/PPS of the stream once the packetizer has seen a keyframe (for SDP). */
  get streamParameters(): StreamParameters | undefined {
    return this.#parameters;
  }

  set streamParameters(p: StreamParameters | undefined) {
    const changed = JSON.stringify(p) !== JSON.stringify(this.#parameters);
    this.#parameters = p;
    if (changed && p !== undefined) this.parametersKnown.emit(p);
  }

  /** The running subtree, if it runs. */
  get supervisor(): Supervisor | undefined {
    return this.#supervisor;
  }

  /**
   * Whether WebRTC viewers watch or connect: a passed-through source with
   * B-frames is encoded for them only then (stream_mode.ts).
   */
  set watched(on: boolean) {
    setWatched(this.streamMode, on);
  }

  /**
   * How many WebRTC sessions use the sub stream now (connecting ones too):
   * the sub encoder, and a passed-through camera's decoding for it, run
   * only while some do.
   */
  set subViewers(n: number) {
    setDemand(this.subDemand, n);
  }

  /** Asks the encoder for a keyframe now (a new viewer, a lost picture). */
  requestKeyframe(): void {
    this.encoder?.cast({ type: "keyframe" });
  }

  /** Asks the sub stream's encoder for a keyframe now (a viewer joined or moved to it). */
  requestSubKeyframe(): void {
    this.subEncoder?.cast({ type: "keyframe" });
  }

  /**
   * Asks the sub stream's encoder for a bitrate (clamped to its range). The
   * main encoder has no such door: no viewer lowers what is recorded.
   */
  setSubBitrate(kbps: number): void {
    this.subEncoder?.cast({ type: "set_bitrate", kbps });
  }

  /** The spec that starts this camera's subtree under the root. */
  spec(factories: readonly ChildFactory[]): ChildSpec {
    return {
      id: this.id,
      restart: "permanent",
      shutdownMs: ACTOR_SHUTDOWN_MS * (factories.length + 1),
      start: async () => {
        const children = factories.map((f) => f(this, this.ctx)).filter((s): s is ChildSpec =>
          s !== null
        );
        this.#supervisor = await Supervisor.start({
          id: this.id,
          flags: CAMERA_FLAGS,
          children,
          events: this.ctx.events,
        });
        return this.#supervisor;
      },
    };
  }
}
