/**
 * The camera actor: keeps its source open and copies each frame into the
 * camera's rings (feed.ts). The source is a link to the world outside
 * (actors/supervisor/link.ts): a camera that is unplugged, refuses, asks for
 * a password, stalls or ends is *offline* with its cause, and is tried again
 * with capped, jittered backoff, forever, while the actor keeps running. The
 * actor crashes only on what a restart can cure: a bug of its own.
 *
 * ```
 * connecting ─preflight─▶ open pipeline ─first frame─▶ up ─frames…
 *      ▲                       │ fault                   │ error, EOS, stall
 *      └── wait (backoff) ◀── offline(cause) ◀───────────┘
 * ```
 *
 * @module
 */
import { GstError, Pipeline } from "../../ffi/gst/mod.ts";
import { runActor } from "../runtime/worker.ts";
import { Link, type LinkNote } from "../supervisor/link.ts";
import type { Logger } from "../log/logger.ts";
import { resolveAuto } from "./auto.ts";
import type { CameraProtocol, CameraStats } from "./protocol.ts";
import { FrameFeed } from "./feed.ts";
import { describeSource, gstCause, redactUrl, SourceFault } from "./fault.ts";
import { busyCause, preflight } from "./preflight.ts";
import { cameraPipeline, MAIN_SINK, parseSource, type SourceKind } from "./source.ts";
import {
  decodesEveryPicture,
  ES_SINK,
  passthroughPipeline,
  passthroughRawFps,
  planMainStream,
} from "./passthrough.ts";
import { type DecodeCounters, PassthroughDecoder } from "./passthrough_decode.ts";
import { Demand } from "../encoder/demand.ts";
import { AccessUnitFeed } from "./au_feed.ts";
import { ScreenCapture } from "./screen_capture.ts";

const STATS_EVERY_MS = 1000;
/** How often the pipeline's bus is read for errors and warnings while frames flow. */
const BUS_EVERY_MS = 100;
/**
 * How long opening waits for the pipeline before it goes on to wait for
 * frames: short, so a stop is never held up; a source that takes longer is
 * bounded by the first-frame grace instead.
 */
const OPEN_WAIT_MS = 250;

/**
 * How one session with the source ended, when it did not fail. "rebuild": the
 * source turned out to have B-frames, so it opens again decoding every
 * picture for the encoder that makes WebRTC viewers their stream.
 */
type SessionEnd = "stopped" | "looped" | "rebuild";

runActor<CameraProtocol>(() => {
  let running = true;
  const stopping = new AbortController();
  let loop: Promise<void> = Promise.resolve();
  let pipelineText = "";
  let sourceText = "";
  let report = () => {};
  /** A screen source's temp dir (its capture socket), removed when the actor ends. */
  let screenDir = "";
  return {
    start(init, ctx) {
      const cam = init.camera;
      const src: SourceKind = parseSource(cam.source, cam.pattern) ?? resolveAuto(cam.pattern);
      if (src.kind === "screen" && src.display === "") src.display = Deno.env.get("DISPLAY") ?? "";
      sourceText = describeSource(src);
      const plan = planMainStream(cam, src);
      // Passing through until the source shows it sends something else than H.264.
      const au = plan.mode === "passthrough" ? new AccessUnitFeed(cam, init.au, init.mode) : null;
      let notH264 = false;
      /** Decode every picture for the viewers' encode (set once the source shows B-frames). */
      let forViewers = false;
      const passing = () => au !== null && !notH264;
      let socket = "";
      if (src.kind === "screen") {
        screenDir = Deno.makeTempDirSync({ prefix: "eyrie-screen-" });
        socket = `${screenDir}/capture.sock`;
      }
      const screen = src.kind === "screen"
        ? { display: src.display, region: src.region, cursor: cam.cursor }
        : null;
      pipelineText = passing()
        ? passthroughPipeline({ url: cam.source })
        : cameraPipeline(cam, src, socket);
      // Passing through, the sub stream is decoded for only while something uses it.
      const subDemand = init.subDemand !== undefined ? new Demand(init.subDemand) : null;
      const decoding: DecodeCounters = {
        decoded: 0,
        behind: 0,
        every: false,
        caughtUp: 0,
        skipped: 0,
      };
      if (screen !== null) {
        pipelineText = `${ScreenCapture.describe(cam, screen, socket)} | ${pipelineText}`;
      }
      ctx.log.info("source", {
        source: sourceText,
        width: cam.width,
        height: cam.height,
        fps: cam.fps,
      });
      const feed = new FrameFeed(cam, init.raw, init.small);
      const link = new Link({ what: `source ${sourceText}` });
      const stats: CameraStats = {
        source: sourceText,
        frames: 0,
        fps: 0,
        smallFrames: 0,
        width: cam.width,
        height: cam.height,
        format: cam.format,
        loops: 0,
        main: plan,
      };
      let windowStart = performance.now();
      let windowFrames = 0;
      let lastReport = windowStart;
      report = () => {
        const now = performance.now();
        const frames = feed.counters.frames;
        stats.fps = Math.round(
          ((frames - windowFrames) * 1000 / Math.max(1, now - windowStart)) *
            10,
        ) / 10;
        windowStart = now;
        windowFrames = frames;
        stats.frames = frames;
        stats.smallFrames = feed.counters.smallFrames;
        if (au !== null && !notH264) {
          stats.main = {
            ...plan,
            ...(au.stream !== null ? { source: { ...au.stream } } : {}),
            accessUnits: au.counters.accessUnits,
            dropped: au.counters.dropped,
            viewersEncoded: forViewers,
            decoding: { ...decoding },
          };
        }
        ctx.emit({ type: "stats", stats: { ...stats } });
      };
      const publish = (note: LinkNote | null) => {
        if (note !== null) logNote(ctx.log, note);
        ctx.emit({ type: "source", state: link.state });
      };

      /** One session: open the pipeline, feed frames until a fault, the end, or stop. */
      /** Whether the session got past its preflight (then a fault came from the stream). */
      let reached = false;
      /** The screen's capture child of this session; it outlives a failure until its cause is read. */
      let capture = null as ScreenCapture | null;
      const session = async (): Promise<SessionEnd> => {
        reached = false;
        await preflight(src, stopping.signal);
        reached = true;
        if (!running) return "stopped";
        const pass = passing();
        if (screen !== null) {
          capture = await ScreenCapture.start(cam, screen, { socket, signal: stopping.signal });
        }
        const text = pass
          ? passthroughPipeline({ url: cam.source })
          : cameraPipeline(cam, src, socket);
        const p = Pipeline.parse(text);
        let dec: PassthroughDecoder | null = null;
        try {
          if (pass) {
            // Every picture for the detector or the viewers' encode, all along: the decoder's
            // threads. A keyframe a second, or the sub stream's pictures while used, do with one
            // (each extra thread holds a picture back by a frame interval).
            const always = decodesEveryPicture(cam, { forViewers, subUsed: false });
            dec = new PassthroughDecoder(cam, {
              fps: passthroughRawFps(cam, forViewers),
              threads: always ? 0 : 1,
              counters: decoding,
              // Every picture only while the sub stream is used: catch up at once when it is.
              catchUp: !always && cam.sub !== null,
            });
            pipelineText = `${text} | ${dec.text}`;
            au!.claim();
            au!.restart();
          }
          // A refusal throws the element's error, with its reason.
          await p.setStateAsync("playing", { timeoutMs: OPEN_WAIT_MS });
          // Passing through, the source's access units lead; decoded frames come at a low rate.
          const main = dec !== null ? dec.sink : p.appSink(MAIN_SINK);
          const es = pass ? p.appSink(ES_SINK) : null;
          const lead = es ?? main;
          let discont = true;
          let rawDiscont = true;
          let lastFrame = performance.now();
          let lastBus = lastFrame;
          let grace = init.firstFrameMs;
          while (running) {
            const sample = await lead.pullAsync({ timeoutMs: 100 });
            const now = performance.now();
            if (sample !== null) {
              if (es !== null) {
                const want = { forViewers, subUsed: subDemand?.wanted(now) ?? false };
                const every = decodesEveryPicture(cam, want);
                au!.push(sample);
                dec!.offer(sample, every);
                for (let s = es.pull({ timeoutMs: 0 }); s !== null; s = es.pull({ timeoutMs: 0 })) {
                  au!.push(s);
                  dec!.offer(s, every);
                }
                if (!forViewers && au!.reorders) {
                  forViewers = true;
                  au!.encodeForViewers(true);
                  ctx.log.info("the source has B-frames: encoding for WebRTC viewers", {
                    ...au!.stream,
                  });
                  return "rebuild";
                }
                for (
                  let raw = main.pull({ timeoutMs: 0 });
                  raw !== null;
                  raw = main.pull({ timeoutMs: 0 })
                ) {
                  feed.push(raw, rawDiscont);
                  rawDiscont = false;
                }
              } else feed.push(sample, discont);
              if (discont) publish(link.up());
              discont = false;
              lastFrame = now;
              grace = init.watchdogMs;
            } else if (lead.eos) {
              if (src.kind === "file") return "looped";
              throw new SourceFault("the stream ended");
            }
            // The buses at most ten times a second, not once per frame: two FFI calls per access
            // unit less (bench/README.md#passthrough); an error waits there until read.
            if (sample === null || now - lastBus >= BUS_EVERY_MS) {
              lastBus = now;
              const message = p.bus.pop({ timeoutMs: 0, types: ["error", "warning"] });
              if (message?.type === "error") throw message.error;
              const decodeError = dec?.error() ?? null;
              if (decodeError !== null) throw decodeError;
              if (message?.type === "warning") {
                ctx.log.warn("gstreamer warning", { message: message.message });
              }
            }
            if (now - lastFrame > grace) {
              const s = ((now - lastFrame) / 1000).toFixed(1);
              throw new SourceFault(
                discont ? `no first frame within ${s} s` : `stalled: no frame for ${s} s`,
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
          dec?.[Symbol.dispose]();
        }
      };

      /** The cause of a failed session, or the error again when it is a bug of ours. */
      const causeOf = async (error: unknown): Promise<string> => {
        if (passing() && au!.counters.accessUnits === 0 && error instanceof GstError) {
          // rtph264depay could not take what the source sends: decode and encode from now on.
          if (/not-linked|not-negotiated|could not link/i.test(`${error.message} ${error.debug}`)) {
            notH264 = true;
            au!.release();
            stats.main = { mode: "encoded", reason: "the RTSP source does not send H.264" };
            pipelineText = cameraPipeline(cam, src, socket);
            return "the source does not send H.264: decoding it instead";
          }
        }
        // The capture child's exit says more than shmsrc losing its socket, or a stall.
        const captured = await capture?.cause();
        if (captured) return captured;
        if (reached && src.kind === "rtsp" && running) {
          // A camera that went away mid-stream shows as an ended or broken stream, however
          // GStreamer words it; whether it still answers says more (and the same every time).
          try {
            await preflight(src, stopping.signal);
          } catch (e) {
            if (e instanceof SourceFault) return e.message;
            throw e;
          }
        }
        if (error instanceof SourceFault) return error.message;
        if (error instanceof GstError) {
          const cause = gstCause(src, error);
          return src.kind === "v4l2" && cause.startsWith(`device ${src.device} is busy`)
            ? await busyCause(src.device)
            : redactUrl(cause);
        }
        throw error;
      };

      loop = (async () => {
        try {
          while (running) {
            if (link.state.state !== "up") {
              link.connecting();
              publish(null);
            }
            let delayMs = 0;
            try {
              const end = await session();
              if (end === "looped") stats.loops++;
              if (end === "rebuild") report();
            } catch (error) {
              if (!running) break;
              const down = link.down(await causeOf(error));
              publish(down.note);
              report();
              delayMs = down.delayMs;
            } finally {
              await capture?.[Symbol.asyncDispose]();
              capture = null;
            }
            if (delayMs > 0) await sleep(delayMs, stopping.signal);
          }
        } finally {
          feed.close();
          au?.release();
          if (screenDir !== "") await Deno.remove(screenDir, { recursive: true }).catch(() => {});
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
