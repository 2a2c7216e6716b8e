/**
 * The camera's speaker, as the viewer actor drives it for two-way talk: a
 * GStreamer pipeline (speaker_pipeline.ts) that runs while someone talks.
 * A speaker that cannot open or fails while playing (a device unplugged or
 * busy, a file that cannot be written) is a state with its cause, never a
 * crash: talk is refused or ends, and the next talker tries it again.
 *
 * @module
 */
import { type AppSrc, GstError, Pipeline } from "../../ffi/gst/mod.ts";
import { SPEAKER_SRC, speakerPipeline, type SpeakerTarget } from "./speaker_pipeline.ts";

/** How long opening may take (a sound server may be slow to answer; a bad device fails at once). */
const OPEN_TIMEOUT_MS = 3_000;
/** One Opus packet from a browser: 20 ms (WebRTC's default ptime). */
export const PACKET_NS = 20_000_000;
/**
 * How far behind the talker a packet plays: room for the network's jitter before a sink that
 * plays in time (a sound card, a sound server) finds a packet late and drops it.
 */
const PLAYOUT_DELAY_NS = 80_000_000;

/** Where the speaker stands: `idle` is nobody talking, not a fault. */
export type SpeakerState =
  | { state: "idle" }
  | { state: "playing"; since: string }
  | { state: "offline"; cause: string; since: string };

/** A failure in a sentence: GStreamer's element and message, or the error's message. */
export function causeOf(error: unknown): string {
  if (error instanceof GstError) {
    return error.element === "" ? error.message : `${error.element}: ${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** What talk drives: a local speaker (below) or a camera's backchannel (backchannel_speaker.ts). */
export interface TalkSpeaker {
  readonly state: SpeakerState;
  /** Opus packets handed on, in all. */
  readonly packets: number;
  /** Starts playing; on failure the speaker is offline and the cause is returned. */
  open(): Promise<string | null>;
  /** Plays one Opus packet at `samples` (48 kHz) on the talker's timeline; false when not playing. */
  push(opus: Uint8Array, samples: number): boolean;
  /** Reads failures without waiting; one means the speaker is offline, its cause returned. */
  poll(): string | null;
  /** Stops playing (idempotent); an offline speaker stays offline with its cause. */
  close(): void;
}

export class Speaker implements TalkSpeaker {
  readonly #target: SpeakerTarget;
  #pipeline: Pipeline | null = null;
  #src: AppSrc | null = null;
  #state: SpeakerState = { state: "idle" };
  /** The talker's timeline (ns) to the pipeline's running time; null until the first packet. */
  #offsetNs: number | null = null;
  /** Opus packets handed to the pipeline, this talk and in all. */
  packets = 0;

  constructor(target: SpeakerTarget) {
    if (target.kind === "none" || target.kind === "backchannel") {
      throw new TypeError(`A local speaker cannot play to ${target.kind}`);
    }
    this.#target = target;
  }

  get state(): SpeakerState {
    return this.#state;
  }

  /** Starts playing; on failure the speaker is offline and the cause is returned. */
  async open(): Promise<string | null> {
    this.close();
    let p: Pipeline | null = null;
    try {
      p = Pipeline.parse(speakerPipeline(this.#target));
      this.#src = p.appSrc(SPEAKER_SRC);
      await p.setStateAsync("playing", { timeoutMs: OPEN_TIMEOUT_MS });
      this.#offsetNs = null;
      this.#pipeline = p;
      this.#state = { state: "playing", since: new Date().toISOString() };
      return null;
    } catch (error) {
      this.#src = null;
      p?.[Symbol.dispose]();
      return this.#offline(causeOf(error));
    }
  }

  /** Plays one Opus packet at `samples` (48 kHz) on the talker's timeline; false when not playing. */
  push(opus: Uint8Array, samples: number): boolean {
    if (this.#src === null) return false;
    try {
      // The talker's timeline starts at 0 with the first packet, which comes after ICE and DTLS,
      // seconds into the (live) pipeline's running time: a sink that plays in time dropped every
      // packet as late (found with a PulseAudio null sink: 175 of 198 dropped, silence).
      const atNs = Math.round(samples * 1e9 / 48_000);
      this.#offsetNs ??= (this.#pipeline?.runningTimeNs() ?? 0) + PLAYOUT_DELAY_NS - atNs;
      this.#src.push(opus, { pts: this.#offsetNs + atNs, duration: PACKET_NS });
      this.packets++;
      return true;
    } catch (error) {
      this.#offline(causeOf(error));
      return false;
    }
  }

  /**
   * Reads the pipeline's errors without waiting; one means the speaker
   * failed (offline, with the cause returned).
   */
  poll(): string | null {
    const p = this.#pipeline;
    if (p === null) return null;
    for (let m = p.bus.pop({ timeoutMs: 0 }); m !== null; m = p.bus.pop({ timeoutMs: 0 })) {
      if (m.type === "error") return this.#offline(causeOf(m.error));
    }
    return null;
  }

  /** Stops playing (idempotent); an offline speaker stays offline with its cause. */
  close(): void {
    this.#src = null;
    this.#pipeline?.[Symbol.dispose]();
    this.#pipeline = null;
    if (this.#state.state === "playing") this.#state = { state: "idle" };
  }

  #offline(cause: string): string {
    this.close();
    this.#state = { state: "offline", cause, since: new Date().toISOString() };
    return cause;
  }
}
