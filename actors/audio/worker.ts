/**
 * The audio actor: keeps the camera's sound source open, encodes it to Opus
 * and writes one packet per entry into the camera's audio ring. It lives
 * beside the camera actor, not inside its pipeline: a microphone that is
 * unplugged or busy, or a camera stream whose audio breaks, is this actor's
 * link going offline with its cause (actors/supervisor/link.ts), retried
 * forever, while the video runs on untouched.
 *
 * ```
 * plan (auto → test | track | device | none)
 *   none ─▶ state none (no error), idle
 *   connecting ─preflight─▶ [track: discover: no audio track ─▶ none, looked at again later]
 *              ─open─▶ up ─packets… ─error, EOS, stall─▶ offline(cause) ─backoff─▶ connecting
 * ```
 *
 * Ring entries: pts = capture time on the ring clock (ns; the first packet
 * of a run maps the pipeline's running time to the ring clock, so its pts
 * is when its first sample was captured; the rest follow the pipeline's own
 * timestamps, 20 ms apart without jitter), duration 20 ms,
 * format OPUS, every entry a KEYFRAME (an Opus decoder starts anywhere),
 * DISCONT on the first packet after a gap, aux = samples at 48 kHz.
 *
 * @module
 */
import { GstError, Pipeline, type Sample } from "../../ffi/gst/mod.ts";
import { Discoverer } from "../../ffi/gst/discoverer.ts";
import { FrameFlags, FrameFormat, nowNs } from "../defs.ts";
import { type EntryMeta, RingWriter } from "../ring/mod.ts";
import { opusTimestamp, packetizeOpus } from "../../transports/rtp/opus/packetize.ts";
import { RTP_HEADER_BYTES } from "../../transports/rtp/header.ts";
import { MAX_OPUS_PACKET_BYTES } from "../../transports/rtp/opus/packetize.ts";
import { opusPacketSamples } from "../../transports/rtp/opus/toc.ts";
import { runActor } from "../runtime/worker.ts";
import { Link, type LinkNote } from "../supervisor/link.ts";
import type { Logger } from "../log/logger.ts";
import { parseSource, type SourceKind } from "../camera/source.ts";
import { resolveAuto } from "../camera/auto.ts";
import { redactUrl } from "../camera/fault.ts";
import { listAudioDevices, pairedMicrophone } from "./devices.ts";
import {
  type AudioRoute,
  type AudioSource,
  describeAudio,
  planAudio,
  routeAudio,
  type TrackCodec,
  trackCodec,
} from "./plan.ts";
import {
  AUDIO_SINK,
  audioPipeline,
  OPUS_FRAME_MS,
  OPUS_RATE,
  passthroughPipeline,
} from "./pipeline.ts";
import { audioCause, preflightAudio, SourceFault } from "./fault.ts";
import {
  type AudioInit,
  type AudioProtocol,
  type AudioState,
  type AudioStats,
  NO_TRACK_RECHECK_MS,
} from "./protocol.ts";

const STATS_EVERY_MS = 1000;
/** How long opening waits for the pipeline before it goes on to wait for packets. */
const OPEN_WAIT_MS = 250;
/** How long the discoverer may take to read a camera's stream description. */
const DISCOVER_MS = 5_000;
const FRAME_NS = OPUS_FRAME_MS * 1_000_000;

/** How a session ended when it did not fail. */
type SessionEnd = "stopped" | "looped" | "no_track";

/** The camera's video source, resolved the way the camera actor resolves it. */
function videoSource(source: string, pattern: string): SourceKind {
  return parseSource(source, pattern) ?? resolveAuto(pattern);
}

/**
 * The codec of a camera stream's or file's first audio track, or null when
 * it has none; a SourceFault when it cannot be read.
 */
async function audioTrack(a: AudioSource & { kind: "rtsp" | "file" }): Promise<TrackCodec | null> {
  using d = new Discoverer({ timeoutMs: DISCOVER_MS });
  const uri = a.kind === "rtsp" ? a.url : `file://${encodeURI(a.path)}`;
  const found = await d.discover(uri);
  if (found.result !== "ok") throw new SourceFault(redactUrl(found.message));
  return found.audio.length > 0 ? trackCodec(found.audio[0].caps) : null;
}

/**
 * The audio RTP ring's writer: each Opus packet once as RTP (RFC 7587) with
 * the camera's audio SSRC, its RTP timestamp in aux, MARKER on every entry
 * (each packet is a whole frame) and the marker bit after a gap.
 */
class RtpOut {
  readonly #ring: RingWriter;
  readonly #ssrc: number;
  readonly #offset: number;
  #seq = crypto.getRandomValues(new Uint16Array(1))[0];

  constructor(init: AudioInit) {
    this.#ring = new RingWriter(init.rtp);
    this.#ssrc = init.ssrc;
    this.#offset = init.timestampOffset;
  }

  write(opus: Uint8Array, meta: EntryMeta): void {
    const timestamp = opusTimestamp(meta.pts, this.#offset);
    const discont = (meta.flags & FrameFlags.DISCONT) !== 0;
    const out = this.#ring.reserve(RTP_HEADER_BYTES + opus.length);
    const n = packetizeOpus(out, opus, {
      sequenceNumber: this.#seq,
      timestamp,
      ssrc: this.#ssrc,
      marker: discont,
    });
    this.#seq = (this.#seq + 1) & 0xffff;
    this.#ring.commit(n, { ...meta, flags: meta.flags | FrameFlags.MARKER, aux: timestamp | 0 });
  }

  close(): void {
    this.#ring.close();
  }
}

runActor<AudioProtocol>(() => {
  let running = true;
  const stopping = new AbortController();
  let loop: Promise<void> = Promise.resolve();
  let pipelineText = "";
  let sourceText = "";
  let report = () => {};
  return {
    start(init, ctx) {
      const cam = init.camera;
      const video = cam.audio === "auto"
        ? videoSource(cam.source, cam.pattern)
        : { kind: "test" as const, pattern: "" };
      const devices = cam.audio === "auto" && (video.kind === "v4l2" || video.kind === "libcamera")
        ? listAudioDevices()
        : [];
      const paired = video.kind === "v4l2" ? pairedMicrophone(video.device, devices) : null;
      const plan = planAudio(cam, video, { devices, paired });
      sourceText = describeAudio(plan);
      let route: AudioRoute | undefined;
      const emitState = (state: AudioState) =>
        ctx.emit({ type: "state", state, source: sourceText, route });
      if (plan.kind === "none") {
        ctx.log.info("no audio", { reason: plan.reason });
        emitState({ state: "none", since: Date.now(), reason: plan.reason });
        return;
      }
      pipelineText = audioPipeline(plan);
      ctx.log.info("audio source", { source: sourceText });
      const ring = new RingWriter(init.ring);
      const rtp = new RtpOut(init);
      const link = new Link({ what: `audio ${sourceText}` });
      const stats: AudioStats = {
        source: sourceText,
        codec: "opus",
        packets: 0,
        refused: 0,
        bytes: 0,
        kbps: 0,
      };
      let windowStart = performance.now();
      let windowBytes = 0;
      let lastReport = windowStart;
      report = () => {
        const now = performance.now();
        stats.kbps = Math.round(windowBytes * 8 / Math.max(1, now - windowStart) * 10) / 10;
        windowStart = now;
        windowBytes = 0;
        ctx.emit({ type: "stats", stats: { ...stats } });
      };
      const publish = (note: LinkNote | null) => {
        if (note !== null) logNote(ctx.log, note);
        emitState(link.state);
      };

      let baseNs = 0;
      /** Where the last packet written ends, on the pipeline's clock (ns). */
      let nextPts = 0;
      /**
       * Writes one packet into both rings; false when it is left out (a
       * camera's own packet that is not valid Opus or too long for one RTP packet).
       */
      const write = (
        s: Sample,
        discont: boolean,
        passthrough: boolean,
        p: Pipeline,
      ): boolean => {
        const size = s.size;
        if (size < 1 || size > MAX_OPUS_PACKET_BYTES) {
          stats.refused++;
          return false;
        }
        const opus = ring.reserve(size);
        s.copyTo(opus);
        // A camera's own packets come without durations: their TOC byte says.
        const samples = passthrough ? opusPacketSamples(opus.subarray(0, size)) : 0;
        if (passthrough && samples === 0) {
          stats.refused++;
          return false;
        }
        let pts = s.pts ?? 0;
        // A live source stamps each buffer with the running time of its first sample: the
        // ring time of that instant is now less the running time since (not less `pts`,
        // which would stamp the capture ~20 ms late: a frame's wait and the encoder's).
        if (discont) baseNs = nowNs() - (p.runningTimeNs() ?? pts);
        const durationNs = passthrough ? samples * 1e9 / OPUS_RATE : s.duration ?? FRAME_NS;
        // A camera's packets carry the jitter buffer's times, a ms or so off their grid; the
        // ring's entries touch end to end (readers drop a packet that overlaps the one before).
        if (!discont && Math.abs(pts - nextPts) < durationNs / 2) pts = nextPts;
        nextPts = pts + durationNs;
        const meta = {
          pts: baseNs + pts,
          captureNs: baseNs + pts,
          durationNs,
          flags: FrameFlags.KEYFRAME | (discont ? FrameFlags.DISCONT : 0),
          format: FrameFormat.OPUS,
          width: 0,
          height: 0,
          aux: Math.round(durationNs * OPUS_RATE / 1e9),
        };
        rtp.write(opus.subarray(0, size), meta);
        ring.commit(size, meta);
        stats.packets++;
        stats.bytes += size;
        windowBytes += size;
        return true;
      };

      const session = async (): Promise<SessionEnd> => {
        await preflightAudio(plan, stopping.signal);
        if (!running) return "stopped";
        if (plan.kind === "rtsp" || plan.kind === "file") {
          // Looked at each session: a camera's codec can change in its settings.
          const codec = await audioTrack(plan);
          if (codec === null && plan.optional) return "no_track";
          route = routeAudio(plan, codec);
          pipelineText = route.mode === "passthrough"
            ? passthroughPipeline(plan)
            : audioPipeline(plan);
        } else {
          route = routeAudio(plan, null);
        }
        if (!running) return "stopped";
        const passthrough = route.mode === "passthrough";
        const p = Pipeline.parse(pipelineText);
        try {
          await p.setStateAsync("playing", { timeoutMs: OPEN_WAIT_MS });
          const sink = p.appSink(AUDIO_SINK);
          let discont = true;
          let lastPacket = performance.now();
          let grace = init.firstPacketMs;
          while (running) {
            const s = await sink.pullAsync({ timeoutMs: 100 });
            const now = performance.now();
            if (s !== null && write(s, discont, passthrough, p)) {
              if (discont) publish(link.up());
              discont = false;
              lastPacket = now;
              grace = init.watchdogMs;
            } else if (sink.eos) {
              if (plan.kind === "file") return "looped";
              throw new SourceFault("the audio stream ended");
            }
            const m = p.bus.pop({ timeoutMs: 0, types: ["error", "warning"] });
            if (m?.type === "error") throw m.error;
            if (m?.type === "warning") ctx.log.warn("gstreamer warning", { message: m.message });
            if (now - lastPacket > grace) {
              const secs = ((now - lastPacket) / 1000).toFixed(1);
              throw new SourceFault(
                discont ? `no audio within ${secs} s` : `audio stalled: nothing for ${secs} s`,
              );
            }
            if (now - lastReport >= STATS_EVERY_MS) {
              lastReport = now;
              report();
            }
          }
          return "stopped";
        } finally {
          p[Symbol.dispose]();
        }
      };

      loop = (async () => {
        try {
          let none = false;
          while (running) {
            // A stream looked at again for a track it did not have stays "none" meanwhile.
            if (!none && link.state.state !== "up") {
              link.connecting();
              publish(null);
            }
            let delayMs = 0;
            try {
              const end = await session();
              none = end === "no_track";
              if (none) {
                const reason = plan.kind === "file"
                  ? "the file has no audio track"
                  : "the camera's stream has no audio track";
                ctx.log.info("no audio", { reason });
                emitState({ state: "none", since: Date.now(), reason });
                delayMs = NO_TRACK_RECHECK_MS;
              }
            } catch (error) {
              if (!running) break;
              none = false;
              const down = link.down(await causeOf(plan, error));
              publish(down.note);
              report();
              delayMs = down.delayMs;
            }
            if (delayMs > 0) await sleep(delayMs, stopping.signal);
          }
        } finally {
          ring.close();
          rtp.close();
        }
      })();
      // Anything but a source fault is a crash of the actor: the supervisor restarts it.
      loop.catch((error) => ctx.crash(error));
    },
    async stop() {
      running = false;
      stopping.abort();
      await loop.catch(() => {});
    },
    cast(msg) {
      switch (msg.type) {
        case "report":
          report();
          return;
      }
    },
    calls: {
      describe: () => Promise.resolve({ pipeline: redactUrl(pipelineText), source: sourceText }),
    },
  };
});

/** The cause of a failed session, or the error again when it is a bug of ours. */
async function causeOf(plan: AudioSource, error: unknown): Promise<string> {
  if (error instanceof SourceFault) return error.message;
  if (error instanceof GstError) return await audioCause(plan, error);
  throw error;
}

function logNote(log: Logger, note: LinkNote): void {
  if (note.level === "warn") log.warn(note.message, note.fields);
  else log.info(note.message, note.fields);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
