/**
 * The recorder's work inside its Worker, one access unit at a time: decides
 * from mode, schedule, trigger, pause and the disk ({@linkcode DiskHold})
 * whether frames are wanted, keeps the pre-roll in events mode, opens, cuts
 * and closes segment files ({@linkcode planAccessUnit}), writes a thumbnail
 * per segment (never one that outlives its segment), and reports each file
 * it opened and closed. worker.ts feeds it from the ring.
 *
 * @module
 */
import { join } from "node:path";
import type { RecordingModeConfig } from "../defs.ts";
import type { Logger } from "../log/logger.ts";
import type { LinkNote } from "../supervisor/link.ts";
import { DiskHold, WRITE_PROBATION_MS } from "./disk_hold.ts";
import { MAX_PREROLL_BYTES, PreRollBuffer } from "./preroll.ts";
import { planAccessUnit } from "./plan.ts";
import { ParameterSetCache } from "./parameter_sets.ts";
import { segmentPath, thumbnailPath } from "./paths.ts";
import { inSchedule, localTime, parseSchedule, type ScheduleWindow } from "./schedule.ts";
import { type ClosedSegment, SegmentWriter } from "./segment_writer.ts";
import { Thumbnails } from "./thumbnails.ts";
import { newestRawFrame } from "./raw_picture.ts";
import { IDLE, postRollNs, stepTrigger, type TriggerState, wantsRecording } from "./trigger.ts";
import type {
  RecordedEvent,
  RecorderEvent,
  RecorderInit,
  RecorderState,
  RecorderStats,
} from "./protocol.ts";
import { hasParameterSets, type SegmentFormat } from "./mux.ts";
import { type AudioPacketMeta, SoundFeed } from "./sound_feed.ts";
import { MAX_AVI_SEGMENT_BYTES } from "./avi_scan.ts";
import { recordingKbps } from "./bitrate.ts";

/** How long closing a segment may wait for mp4mux to finalise. Under the actor's 2 s shutdown. */
export const CLOSE_TIMEOUT_MS = 1500;
/**
 * Buffers the muxer may fall behind before the segment is ended. Reason:
 * ~10 s at 30 fps; past it the disk cannot keep up and memory would grow.
 */
export const MAX_QUEUED_BUFFERS = 300;
/** Events kept per segment. Reason: the detector is rate-limited; 1000 a segment is a storm. */
export const MAX_EVENTS_PER_SEGMENT = 1000;
/** Ring times at or past this are wall-clock ns (after 2001-09-09); earlier ones are stream times. */
const WALL_CLOCK_NS = 1e18;
const KEYFRAME_REQUEST_EVERY_MS = 1000;
/** One access unit as the ring gave it. */
export interface AccessUnitMeta {
  ptsNs: number;
  keyframe: boolean;
  /** The access unit carries codec configuration (SPS/PPS). */
  config: boolean;
  gap: boolean;
  /** Presentation minus decode time in ns (B-frames of a passed-through source); 0 otherwise. */
  reorderNs?: number;
}

function toMs(ns: number): number {
  return ns >= WALL_CLOCK_NS ? Math.floor(ns / 1e6) : Date.now();
}

/** The recorder of one camera. */
export class Recorder {
  readonly #init: RecorderInit;
  readonly #emit: (e: RecorderEvent) => void;
  readonly #log: Logger;
  readonly #mode: Exclude<RecordingModeConfig, "off">;
  readonly #schedule: ScheduleWindow[];
  readonly #segmentNs: number;
  readonly #frameNs: number;
  readonly #postRollNs: number;
  readonly #preroll: PreRollBuffer | null;
  readonly #format: SegmentFormat;
  /** Bytes past which the open segment is cut (AVI's 1 GiB), or Infinity. */
  readonly #maxSegmentBytes: number;
  readonly #ps = new ParameterSetCache();
  readonly #closing = new Set<Promise<void>>();
  #writer: SegmentWriter | null = null;
  #trigger: TriggerState = IDLE;
  #inSchedule = false;
  #paused: boolean;
  readonly #hold: DiskHold;
  /** When the open segment opened (performance.now()), for the hold's probation. */
  #openedAt = 0;
  #events: RecordedEvent[] = [];
  #lastStartMs = 0;
  #lastKeyframeAsk = -Infinity;
  readonly #stopping = new AbortController();
  readonly #thumbnails: Thumbnails;
  /** The sound waiting for its segment; null for a camera recorded without sound. */
  readonly #audio: SoundFeed | null;
  /** The newest video pts seen (ring clock), to tell whether the sound is alive. */
  #newestVideoNs = -Infinity;
  readonly #stats: RecorderStats = {
    state: "waiting",
    segment: null,
    segments: 0,
    accessUnits: 0,
    auBytes: 0,
    skipped: 0,
    ringDrops: 0,
    audioPackets: 0,
    audioCut: 0,
    preRollS: 0,
    lastError: null,
    cause: null,
    retryAt: null,
  };

  constructor(init: RecorderInit, io: { emit: (e: RecorderEvent) => void; log: Logger }) {
    const rec = init.camera.recording;
    if (rec.mode === "off") throw new RangeError(`Camera ${init.camera.id} does not record`);
    this.#init = init;
    this.#emit = io.emit;
    this.#log = io.log;
    this.#mode = rec.mode;
    this.#schedule = parseSchedule(rec.schedule);
    this.#segmentNs = init.segmentS * 1e9;
    this.#frameNs = 1e9 / init.camera.fps;
    this.#postRollNs = postRollNs(rec.post_roll_s);
    this.#paused = init.paused;
    this.#format = { container: rec.container, codec: init.camera.codec, fps: init.camera.fps };
    this.#audio = init.audio === undefined
      ? null
      : new SoundFeed(rec.mode === "events" ? rec.pre_roll_s : 0);
    this.#maxSegmentBytes = rec.container === "avi" ? MAX_AVI_SEGMENT_BYTES : Infinity;
    this.#hold = new DiskHold({ dir: init.dir, floorBytes: init.minFreeBytes });
    this.#hold.setFloor(init.diskFull);
    this.#thumbnails = new Thumbnails({
      dir: init.dir,
      width: init.camera.width,
      height: init.camera.height,
      codec: init.camera.codec,
      log: io.log,
      written: (path, bytes) => this.#emit({ type: "thumbnail", path, bytes }),
      signal: this.#stopping.signal,
    });
    this.#preroll = rec.mode === "events"
      ? new PreRollBuffer({ seconds: rec.pre_roll_s, maxBytes: preRollBytes(init) })
      : null;
    this.refreshSchedule(new Date());
  }

  /** The stats as of now. */
  stats(): RecorderStats {
    const hold = this.#hold.status();
    this.#stats.cause = hold.cause;
    this.#stats.retryAt = hold.retryAt;
    this.#stats.state = this.#state();
    this.#stats.segment = this.#writer?.path ?? null;
    this.#stats.preRollS = Math.round((this.#preroll?.spanNs ?? 0) / 1e7) / 100;
    return { ...this.#stats };
  }

  /** Counts access units lost before they reached the recorder. */
  setRingDrops(drops: number): void {
    this.#stats.ringDrops = drops;
  }

  /** Counts an access unit that could not be read whole (torn by the writer). */
  skip(): void {
    this.#stats.skipped++;
  }

  /**
   * Takes one Opus packet of the camera's sound (copied; `packet` is only
   * valid during the call). It waits until the video passes its time.
   */
  audioPacket(packet: Uint8Array, meta: AudioPacketMeta): void {
    this.#audio?.take(packet, meta);
  }

  /** Moves the sound before `ns` into the open segment; ends the segment's sound when it stopped. */
  feedAudio(ns: number): void {
    const w = this.#writer;
    if (this.#audio === null) return;
    try {
      const r = this.#audio.feed(w, ns);
      this.#stats.audioPackets += r.pushed;
      if (r.endedAfterNs > 0) {
        this.#stats.audioCut++;
        this.#log.info("the sound stopped: the segment goes on without it", {
          path: w?.path ?? null,
          silent_s: Math.round(r.endedAfterNs / 1e8) / 10,
        });
      }
    } catch (e) {
      this.#fail(e as Error);
    }
  }

  /** Handles one access unit; `au` is only valid during the call. */
  accessUnit(au: Uint8Array, meta: AccessUnitMeta): void {
    if (meta.ptsNs > this.#newestVideoNs) this.#newestVideoNs = meta.ptsNs;
    this.feedAudio(meta.ptsNs);
    if (meta.gap) this.#preroll?.clear();
    if (this.#h264 && (meta.keyframe || meta.config)) this.#ps.remember(au);
    if (this.#preroll !== null && this.#trigger.kind === "recording") {
      const step = stepTrigger(this.#trigger, { kind: "tick", nowNs: meta.ptsNs }, {
        postRollNs: this.#postRollNs,
      });
      this.#trigger = step.state;
    }
    const want = this.#want();
    if (want && this.#writer === null && this.#preroll !== null && this.#preroll.count > 0) {
      this.#flushPreRoll();
    }
    const plan = planAccessUnit(this.#writer?.startNs ?? null, meta, {
      want,
      segmentNs: this.#segmentNs,
      toleranceNs: this.#frameNs / 2,
      full: (this.#writer?.pushedBytes ?? 0) >= this.#maxSegmentBytes,
    });
    // Overdue, or wanted and waiting for a keyframe to start on: ask for one now.
    if (plan.overdue || (want && plan.action === "drop")) this.#askKeyframe();
    switch (plan.action) {
      case "drop":
        if (!want && this.#preroll?.push(au, meta)) return;
        this.#stats.skipped++;
        return;
      case "close":
        this.#close();
        if (!want && this.#preroll?.push(au, meta)) return;
        this.#stats.skipped++;
        return;
      case "cut":
        this.#close();
        this.#open(meta.ptsNs, au);
        this.#push(au, meta);
        return;
      case "open":
        this.#open(meta.ptsNs, au);
        this.#push(au, meta);
        return;
      case "push":
        this.#push(au, meta);
        return;
    }
  }

  /** A detector event: starts or extends an event recording, and is recorded with the segment. */
  trigger(atNs: number, kind: string): void {
    const event = { kind, atMs: toMs(atNs) };
    if (this.#preroll !== null) {
      const step = stepTrigger(this.#trigger, { kind: "event", atNs }, {
        postRollNs: this.#postRollNs,
      });
      this.#trigger = step.state;
    }
    // Kept for the open segment, or for the one this event is about to open.
    if (this.#writer !== null || (this.#preroll !== null && this.#want())) {
      if (this.#events.length < MAX_EVENTS_PER_SEGMENT) this.#events.push(event);
    }
  }

  /** Pauses (true) or resumes recording at a person's request. */
  setPaused(paused: boolean): void {
    this.#paused = paused;
    if (paused) this.#close();
  }

  /** Holds recording while the disk is under its free-space floor (`cause`), or releases it (null). */
  setDiskFull(cause: string | null): void {
    const was = this.#hold.status().state === "disk_full";
    this.#hold.setFloor(cause);
    if (cause !== null && !was) this.#log.warn("recording paused", { cause });
    if (cause !== null) this.#close();
  }

  /** Re-reads the schedule against the wall clock (call about once a second). */
  refreshSchedule(now: Date): void {
    this.#inSchedule = this.#schedule.length > 0 && inSchedule(this.#schedule, localTime(now));
  }

  /** Checks the open segment's pipeline for errors and backlog (call a few times a second). */
  check(): void {
    const w = this.#writer;
    if (w === null) return;
    const error = w.error();
    if (error !== null) return this.#fail(error);
    if (w.queued > MAX_QUEUED_BUFFERS) {
      return this.#fail(
        new Error(`The disk cannot keep up: ${w.queued} buffers waiting to be written`),
      );
    }
    if (performance.now() - this.#openedAt >= WRITE_PROBATION_MS) this.#note(this.#hold.wrote());
  }

  /** Closes the open segment and waits for every file to be finished; a thumbnail under way is dropped. */
  async stop(): Promise<void> {
    this.#stopping.abort(new Error("The recorder is stopping"));
    this.#close();
    while (this.#closing.size > 0) await Promise.all([...this.#closing]);
  }

  #state(): RecorderState {
    if (this.#paused) return "paused";
    const held = this.#hold.status().state;
    if (held !== null) return held;
    if (this.#writer !== null) return "recording";
    if (this.#mode === "events" && this.#trigger.kind === "idle") return "idle";
    if (this.#mode === "scheduled" && !this.#inSchedule) return "unscheduled";
    return "waiting";
  }

  get #h264(): boolean {
    return this.#format.codec === "h264";
  }

  #want(): boolean {
    if (this.#paused) return false;
    const may = this.#hold.may();
    this.#note(may.note);
    if (!may.ok) return false;
    return wantsRecording(this.#mode, {
      inSchedule: this.#schedule.length === 0 ? null : this.#inSchedule,
      trigger: this.#trigger,
    });
  }

  #askKeyframe(): void {
    const now = performance.now();
    if (now - this.#lastKeyframeAsk < KEYFRAME_REQUEST_EVERY_MS) return;
    this.#lastKeyframeAsk = now;
    this.#emit({ type: "keyframe_wanted" });
  }

  /** Opens a segment with the pre-roll (which starts at a keyframe) and writes it all. */
  #flushPreRoll(): void {
    const frames = this.#preroll!.frames();
    this.#open(frames[0].ptsNs, frames[0].data);
    for (const f of frames) {
      if (this.#writer === null) break;
      this.feedAudio(f.ptsNs);
      this.#push(f.data, f);
    }
    this.#preroll!.clear();
  }

  #open(startNs: number, firstAu: Uint8Array): void {
    let startMs = toMs(startNs);
    if (startMs <= this.#lastStartMs) startMs = this.#lastStartMs + 1;
    const path = segmentPath(this.#init.camera.id, startMs, this.#format.container);
    try {
      const audio = this.#audio?.alive(this.#newestVideoNs) ? this.#init.audio?.codec : undefined;
      this.#writer = SegmentWriter.open(this.#init.dir, path, {
        ns: startNs,
        ms: startMs,
        frameNs: this.#frameNs,
        format: audio === undefined ? this.#format : { ...this.#format, audio },
      });
    } catch (e) {
      return this.#fail(e as Error, path);
    }
    this.#openedAt = performance.now();
    this.#lastStartMs = startMs;
    this.#stats.segments++;
    this.#emit({ type: "opened", path, codec: this.#format.codec });
    this.#thumbnail(path, firstAu);
  }

  #push(au: Uint8Array, meta: { ptsNs: number; keyframe: boolean; reorderNs?: number }): void {
    const w = this.#writer;
    if (w === null) return;
    // The first access unit must carry SPS and PPS, or h264parse cannot describe the stream.
    const bytes = this.#h264 && w.pushed === 0 && !hasParameterSets(au) ? this.#ps.prefix(au) : au;
    try {
      w.push(bytes, meta);
    } catch (e) {
      return this.#fail(e as Error);
    }
    this.#stats.accessUnits++;
    this.#stats.auBytes += bytes.length;
  }

  #close(): void {
    const w = this.#writer;
    if (w === null) return;
    this.#writer = null;
    const events = this.#events;
    this.#events = [];
    this.#track(w.close(CLOSE_TIMEOUT_MS).then((c) => this.#closed(c, events)));
  }

  async #closed(c: ClosedSegment, events: RecordedEvent[]): Promise<void> {
    const discarded = c.stats.frames === 0;
    if (discarded) {
      // A thumbnail never outlives its segment: wait for one under way, then remove both.
      await this.#thumbnails.settled(c.path);
      await Deno.remove(this.#file(c.path)).catch(() => {});
      await Deno.remove(this.#file(thumbnailPath(c.path))).catch(() => {});
    }
    this.#emit({ type: "closed", path: c.path, stats: c.stats, events, discarded });
  }

  #file(path: string): string {
    return join(this.#init.dir, ...path.split("/"));
  }

  #note(note: LinkNote | null, fields: Record<string, string | number | null> = {}): void {
    if (note !== null) this.#log[note.level](note.message, { ...note.fields, ...fields });
  }

  /**
   * A segment failed: the disk link goes offline with the cause (a line in
   * the log only when the cause changed), and the segment is closed.
   */
  #fail(error: Error, path: string | null = this.#writer?.path ?? null): void {
    this.#stats.lastError = error.message;
    const note = this.#hold.fault(error);
    const hold = this.#hold.status();
    this.#note(note, { path, error: error.message });
    if (note === null) this.#log.debug("segment failed", { path, error: error.message });
    this.#emit({
      type: "failed",
      path,
      message: hold.cause ?? error.message,
      diskFull: hold.state === "disk_full",
    });
    this.#close();
  }

  #thumbnail(path: string, keyframe: Uint8Array): void {
    if (!this.#thumbnails.ready) return;
    const raw = this.#init.raw;
    if (this.#h264 && raw !== undefined) {
      // The camera's newest frame instead of a decode of the keyframe: no H.264 decoder loads.
      // With no intact frame at hand this segment goes without.
      const frame = newestRawFrame(raw.ring, raw.reader);
      const writing = frame === null ? null : this.#thumbnails.start(path, frame.bytes, frame);
      if (writing !== null) this.#track(writing);
      return;
    }
    const au = !this.#h264 || hasParameterSets(keyframe)
      ? keyframe.slice()
      : this.#ps.prefix(keyframe);
    const writing = this.#thumbnails.start(path, au);
    if (writing !== null) this.#track(writing);
  }

  #track(p: Promise<void>): void {
    const tracked: Promise<void> = p.catch((e) => {
      this.#log.error("closing a segment failed", { error: (e as Error).message });
    }).finally(() => this.#closing.delete(tracked));
    this.#closing.add(tracked);
  }
}

// Pre-roll memory: the configured seconds at the camera's top bitrate, plus half again.
function preRollBytes(init: RecorderInit): number {
  const cam = init.camera;
  const seconds = Math.max(2, cam.recording.pre_roll_s + 2);
  const bytes = Math.ceil((recordingKbps(cam, { peak: true }) * 1000 / 8) * seconds * 1.5);
  return Math.min(Math.max(bytes, 1 << 20), MAX_PREROLL_BYTES);
}
