/**
 * An IP camera's own speaker, reached through its RTSP backchannel
 * (`speaker = "backchannel"`): while someone talks, an RTSP session with
 * the camera (backchannel.ts) and a pipeline that transcodes the talker's
 * Opus to what the camera takes (backchannel_pipeline.ts). The same states
 * as a local speaker (speaker.ts): a camera without a backchannel, one that
 * cannot be reached, or one that goes away mid-talk is offline with the
 * cause, never a crash.
 *
 * @module
 */
import { type AppSink, type AppSrc, Pipeline } from "../../ffi/gst/mod.ts";
import { BackchannelLink } from "./backchannel.ts";
import { BACKCHANNEL_MTU, BACKCHANNEL_SINK, backchannelPipeline } from "./backchannel_pipeline.ts";
import { causeOf, PACKET_NS, type SpeakerState, type TalkSpeaker } from "./speaker.ts";
import { SPEAKER_SRC } from "./speaker_pipeline.ts";

/** How long the pipeline may take to start. Reason: it has no device; it starts at once. */
const OPEN_TIMEOUT_MS = 3_000;

export class BackchannelSpeaker implements TalkSpeaker {
  readonly #url: string;
  #link: BackchannelLink | null = null;
  #pipeline: Pipeline | null = null;
  #src: AppSrc | null = null;
  #sink: AppSink | null = null;
  #state: SpeakerState = { state: "idle" };
  readonly #packet = new Uint8Array(BACKCHANNEL_MTU + 100);
  packets = 0;

  /** `url`: the camera's rtsp:// source, credentials included. */
  constructor(url: string) {
    this.#url = url;
  }

  get state(): SpeakerState {
    return this.#state;
  }

  async open(): Promise<string | null> {
    this.close();
    let p: Pipeline | null = null;
    try {
      this.#link = await BackchannelLink.open(this.#url);
      p = Pipeline.parse(backchannelPipeline(this.#link.backchannel));
      this.#src = p.appSrc(SPEAKER_SRC);
      this.#sink = p.appSink(BACKCHANNEL_SINK);
      await p.setStateAsync("playing", { timeoutMs: OPEN_TIMEOUT_MS });
      this.#pipeline = p;
      this.#state = { state: "playing", since: new Date().toISOString() };
      return null;
    } catch (error) {
      this.#src = this.#sink = null;
      p?.[Symbol.dispose]();
      return this.#offline(causeOf(error));
    }
  }

  push(opus: Uint8Array, samples: number): boolean {
    if (this.#src === null) return false;
    try {
      this.#src.push(opus, { pts: Math.round(samples * 1e9 / 48_000), duration: PACKET_NS });
      this.packets++;
      this.#drain();
      return true;
    } catch (error) {
      this.#offline(causeOf(error));
      return false;
    }
  }

  poll(): string | null {
    const p = this.#pipeline;
    if (p === null) return null;
    const gone = this.#link?.closed ?? null;
    if (gone !== null) return this.#offline(gone);
    for (let m = p.bus.pop({ timeoutMs: 0 }); m !== null; m = p.bus.pop({ timeoutMs: 0 })) {
      if (m.type === "error") return this.#offline(causeOf(m.error));
    }
    this.#drain();
    return null;
  }

  close(): void {
    this.#src = this.#sink = null;
    this.#pipeline?.[Symbol.dispose]();
    this.#pipeline = null;
    this.#link?.close();
    this.#link = null;
    if (this.#state.state === "playing") this.#state = { state: "idle" };
  }

  /** Sends what the payloader made so far (it runs on GStreamer's thread, a packet behind). */
  #drain(): void {
    const sink = this.#sink;
    const link = this.#link;
    if (sink === null || link === null) return;
    for (let s = sink.pull({ timeoutMs: 0 }); s !== null; s = sink.pull({ timeoutMs: 0 })) {
      const n = s.copyTo(this.#packet);
      s.release();
      link.send(this.#packet.subarray(0, n));
    }
  }

  #offline(cause: string): string {
    this.close();
    this.#state = { state: "offline", cause, since: new Date().toISOString() };
    return cause;
  }
}
