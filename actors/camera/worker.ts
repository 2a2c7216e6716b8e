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
import { ScreenCapture } from "./screen_capture.ts";

const STATS_EVERY_MS = 1000;
/**
 * How long opening waits for the pipeline before it goes on to wait for
 * frames: short, so a stop is never held up; a source that takes longer is
 * bounded by the first-frame grace instead.
 */
const OPEN_WAIT_MS = 250;

/** How one session with the source ended, when it did not fail. */
type SessionEnd = "stopped" | "looped";

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
      let socket = "";
      if (src.kind === "screen") {
        screenDir = Deno.makeTempDirSync({ prefix: "eyrie-screen-" });
        socket = `${screenDir}/capture.sock`;
      }
      const screen = src.kind === "screen"
        ? { display: src.display, region: src.region, cursor: cam.cursor }
        : null;
      pipelineText = cameraPipeline(cam, src, socket);
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
        if (screen !== null) {
          capture = await ScreenCapture.start(cam, screen, { socket, signal: stopping.signal });
        }
        const p = Pipeline.parse(cameraPipeline(cam, src, socket));
        try {
          // A refusal throws the element's error, with its reason.
          await p.setStateAsync("playing", { timeoutMs: OPEN_WAIT_MS });
          const main = p.appSink(MAIN_SINK);
          let discont = true;
          let lastFrame = performance.now();
          let grace = init.firstFrameMs;
          while (running) {
            const sample = await main.pullAsync({ timeoutMs: 100 });
            const now = performance.now();
            if (sample !== null) {
              feed.push(sample, discont);
              if (discont) publish(link.up());
              discont = false;
              lastFrame = now;
              grace = init.watchdogMs;
            } else if (main.eos) {
              if (src.kind === "file") return "looped";
              throw new SourceFault("the stream ended");
            }
            const message = p.bus.pop({ timeoutMs: 0, types: ["error", "warning"] });
            if (message?.type === "error") throw message.error;
            if (message?.type === "warning") {
              ctx.log.warn("gstreamer warning", { message: message.message });
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
        }
      };

      /** The cause of a failed session, or the error again when it is a bug of ours. */
      const causeOf = async (error: unknown): Promise<string> => {
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
