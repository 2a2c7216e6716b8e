/**
 * Two-way talk for one camera, inside its viewer actor: one talker at a
 * time holds the speaker. A talk offer while someone holds it is refused
 * naming the holder; the speaker opens for a talker and closes when they
 * leave (their session ended, however: DELETE, the browser closed it, the
 * link failed, silence). A speaker that fails is offline with its cause
 * (speaker.ts) and the talk ends; the next talker tries it again.
 *
 * @module
 */
import type { Logger } from "../log/logger.ts";
import type { TalkSpeaker } from "./speaker.ts";
import { describeSpeaker, parseSpeaker, type SpeakerTarget } from "./speaker_pipeline.ts";
import type { TalkArgs, TalkReply, TalkStatus } from "./protocol.ts";
import type { TalkEnd, TalkSession } from "./talk.ts";

const TALK_ENDS: readonly TalkEnd[] = [
  "closed",
  "remote_closed",
  "never_connected",
  "silent",
  "speaker_failed",
];

type TalkClass = typeof TalkSession;

export class TalkDesk {
  readonly #cameraId: string;
  readonly #config: string;
  readonly #target: SpeakerTarget;
  /**
   * Made by the first talk offer: speaker.ts brings GStreamer's bindings into this Worker, which
   * every viewer would otherwise wait for as the actor starts (werift is loaded late for the same
   * reason, webrtc.ts).
   */
  #speaker: TalkSpeaker | null = null;
  /** The camera's source: the RTSP URL a `backchannel` speaker talks to. */
  readonly #source: string;
  readonly #log: Logger;
  #session: TalkSession | null = null;
  /** An offer being answered holds the speaker too, so two cannot both get it. */
  #pending: string | null = null;
  #lost = 0;
  readonly #ended = Object.fromEntries(TALK_ENDS.map((r) => [r, 0])) as Record<TalkEnd, number>;

  constructor(cameraId: string, speaker: string, log: Logger, source = "") {
    this.#cameraId = cameraId;
    this.#source = source;
    this.#config = speaker;
    this.#target = parseSpeaker(speaker);
    this.#log = log;
  }

  /** Who holds the speaker now (an offer being answered included), or null. */
  get holder(): string | null {
    return this.#session?.holder ?? this.#pending;
  }

  /** Answers a checked talk offer, or says why not; `load` gives werift's side. */
  async offer(args: TalkArgs, load: () => Promise<TalkClass>): Promise<TalkReply> {
    const cam = this.#cameraId;
    if (this.#target.kind === "none") {
      return {
        ok: false,
        problem: "no_speaker",
        message: `Camera "${cam}" has no speaker (speaker = "none")`,
      };
    }
    const holder = this.holder;
    if (holder !== null) {
      return {
        ok: false,
        problem: "held",
        holder,
        message: `The speaker of camera "${cam}" is held by ${holder}; try again when they stop`,
      };
    }
    this.#pending = args.holder;
    try {
      const speaker = this.#speaker ??= await this.#makeSpeaker();
      const cause = await speaker.open();
      if (cause !== null) {
        this.#log.warn("speaker offline", { speaker: this.#config, cause });
        return {
          ok: false,
          problem: "speaker_offline",
          message: `The speaker of camera "${cam}" (${
            describeSpeaker(parseSpeaker(this.#config))
          }) is offline: ${cause}`,
        };
      }
      const Talk = await load();
      try {
        const { session, sdp } = await Talk.answer(args, {
          packet: (opus, samples) => this.#speaker?.push(opus, samples),
          ended: (s, reason) => this.#onEnded(s, reason),
        }, performance.now());
        this.#session = session;
        this.#log.info("talk started", { holder: args.holder, session: session.id });
        return { ok: true, id: session.id, sdp };
      } catch (error) {
        speaker.close();
        return {
          ok: false,
          problem: "rejected",
          message: `The offer could not be answered: ${(error as Error).message}`,
        };
      }
    } finally {
      this.#pending = null;
    }
  }

  /** Ends talk session `id` (DELETE of its Location); false when it is not the current one. */
  close(id: string): boolean {
    const s = this.#session;
    if (s === null || s.id !== id) return false;
    s.close("closed");
    return true;
  }

  /** Call periodically: ends a talk that never connected or went silent, and reads speaker errors. */
  poll(nowMs: number): void {
    this.#session?.poll(nowMs);
    const cause = this.#speaker?.poll() ?? null;
    if (cause !== null) {
      this.#log.warn("speaker failed", { speaker: this.#config, cause });
      this.#session?.close("speaker_failed");
    }
  }

  status(): TalkStatus {
    const s = this.#session;
    return {
      speaker: this.#config,
      holder: this.holder,
      since: s?.since ?? null,
      connected: s?.state === "connected",
      device: this.#speaker?.state ?? { state: "idle" },
      packets: this.#speaker?.packets ?? 0,
      lost: this.#lost + (s?.stats.lost ?? 0),
      ended: { ...this.#ended },
    };
  }

  /** Ends the talk and closes the speaker (the actor stops). */
  stop(): void {
    this.#session?.close("closed");
    this.#speaker?.close();
  }

  async #makeSpeaker(): Promise<TalkSpeaker> {
    if (this.#target.kind === "backchannel") {
      const { BackchannelSpeaker } = await import("./backchannel_speaker.ts");
      return new BackchannelSpeaker(this.#source);
    }
    const { Speaker } = await import("./speaker.ts");
    return new Speaker(this.#target);
  }

  #onEnded(s: TalkSession, reason: TalkEnd): void {
    if (this.#session !== s) return;
    this.#session = null;
    this.#ended[reason]++;
    this.#lost += s.stats.lost;
    this.#speaker?.close();
    this.#log.info("talk ended", { holder: s.holder, session: s.id, reason, lost: s.stats.lost });
  }
}
