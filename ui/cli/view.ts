/**
 * `eyrie view <url> [--fullscreen]`: a window that plays a camera of another
 * eyrie (WHEP, or RTP sent to this machine), decoded by the best H.264
 * decoder that works here, with fps, bitrate, loss and latency drawn over the
 * picture and printed once a second. Ends cleanly (exit 0) when the window
 * is closed, the stream ends, or on Ctrl-C.
 *
 * @module
 */
import { ParameterSetOrder, RtpReceiver, rtpToUnixMs } from "../../transports/rtp/mod.ts";
import { expectPositionals, parseCommand } from "./args.ts";
import { UsageError } from "./errors.ts";
import { HELP } from "./help.ts";
import type { Io } from "./main.ts";
import { chooseDecoder, DECODER_ORDER } from "../view/decoders.ts";
import { Display, type DisplayEnd } from "../view/display.ts";
import { figuresOf, overlayText } from "../view/figures.ts";
import {
  parseViewTarget,
  type StreamInput,
  type StreamSink,
  type ViewTarget,
} from "../view/input.ts";
import { openRtp } from "../view/rtp.ts";
import { openWhep } from "../view/whep.ts";
import { type AccessUnitSink, openForward } from "../view/forward.ts";
import { AccessUnitMeter } from "../view/figures.ts";
import { defaultDataDir, loadConfig } from "../config/mod.ts";
import { join } from "node:path";

const FIGURES_EVERY_MS = 1000;
/** No video for this long after it played: the stream ended. */
const SILENCE_MS = 5_000;
/** No first picture within this long: nothing is coming. */
const FIRST_FRAME_MS = 15_000;
/** Keyframe requests while the decoder waits for one. Reason: a sender answers within a GOP; more often only adds load. */
const KEYFRAME_REQUEST_EVERY_MS = 1000;

async function target(arg: string): Promise<ViewTarget> {
  try {
    if (arg.endsWith(".sdp") && !/^[a-z]+:\/\//.test(arg)) {
      const text = await Deno.readTextFile(arg).catch((e) => {
        throw new UsageError(`Cannot read "${arg}": ${(e as Error).message}`);
      });
      return parseViewTarget(arg, text);
    }
    // eyrie's SDP of a [[camera.rtp]] output (GET /api/cameras/:id/sdp): RTP, as it describes.
    if (/^https?:\/\/.*\/sdp(\?.*)?$/.test(arg)) {
      const res = await fetch(arg);
      const text = await res.text();
      if (!res.ok) throw new Error(`${arg} answered ${res.status}: ${text.trim().slice(0, 200)}`);
      return parseViewTarget(arg, text);
    }
    return parseViewTarget(arg);
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError(error.message);
    throw error;
  }
}

/** The certificates a tls:// viewer presents and checks senders against, as `eyrie receive --tls`. */
async function forwardIdentity(
  values: { name?: string; certs?: string; config?: string; "data-dir"?: string },
): Promise<{ certsDir: string; name: string }> {
  const given = [values.certs, values.config, values["data-dir"]].filter((v) => v !== undefined);
  if (given.length > 1) throw new UsageError("Give one of --certs, --config, --data-dir");
  let certsDir: string;
  if (values.certs !== undefined) certsDir = values.certs;
  else if (values.config !== undefined) {
    const config = await loadConfig(values.config);
    certsDir = config.tls?.dir ?? join(config.data_dir, "certs");
  } else certsDir = join(values["data-dir"] ?? defaultDataDir(), "certs");
  return { certsDir, name: values.name ?? "console" };
}

export async function viewMain(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand("view", args, {
    fullscreen: { type: "boolean" },
    duration: { type: "string", short: "t" },
    decoder: { type: "string" },
    quiet: { type: "boolean", short: "q" },
    name: { type: "string" },
    certs: { type: "string" },
    config: { type: "string", short: "c" },
    "data-dir": { type: "string" },
  });
  if (values.help) {
    io.stdout(HELP.view);
    return 0;
  }
  expectPositionals("view", positionals, 1, 1);
  const durationS = Number(values.duration ?? "0");
  if (!Number.isFinite(durationS) || durationS < 0) {
    throw new UsageError(`--duration must be seconds ≥ 0, got "${values.duration}"`);
  }
  const to = await target(positionals[0]);
  const display = Deno.env.get("DISPLAY") ?? "";
  if (display === "") {
    throw new Error("No X display to open a window on: DISPLAY is not set");
  }
  const chosen = await chooseDecoder(
    values.decoder === undefined ? DECODER_ORDER : [values.decoder],
  );
  if (chosen.decoder === null) {
    const why = chosen.skipped.map((s) => `${s.decoder}: ${s.why}`).join("; ");
    throw new Error(
      `No H.264 decoder works here (${why}); avdec_h264 comes with gstreamer1.0-libav`,
    );
  }
  const decoder = chosen.decoder;

  const rx = new RtpReceiver({
    codec: "h264",
    ssrc: crypto.getRandomValues(new Uint32Array(1))[0],
    cname: "eyrie-view",
  });
  const meter = new AccessUnitMeter();
  const order = new ParameterSetOrder();
  let sr: { ntpSeconds: number; ntpFraction: number; rtpTimestamp: number } | null = null;
  let delays: number[] = [];
  let window: Display | null = null;
  let input: StreamInput | null = null;
  let lastFrame = -1;
  let lastAsk = -Infinity;
  const show = (data: Uint8Array, keyframe: boolean) => {
    window?.push(order.apply(data), keyframe);
    lastFrame = performance.now();
  };
  const sink: StreamSink = {
    packet(bytes, arrivalNs) {
      for (let r = rx.push(bytes, arrivalNs); r.kind !== "more"; r = rx.pull()) {
        if (r.kind !== "frame") continue;
        show(r.data, r.keyframe);
        if (sr !== null) delays.push(Date.now() - rtpToUnixMs(r.timestamp, sr));
      }
      const now = performance.now();
      if (rx.needsKeyframe && now - lastAsk >= KEYFRAME_REQUEST_EVERY_MS) {
        lastAsk = now;
        input?.requestKeyframe();
      }
    },
    senderReport(report) {
      sr = report;
    },
  };
  const units: AccessUnitSink = {
    accessUnit(unit) {
      show(unit.data, unit.keyframe);
      meter.add(unit.seq, unit.data.length, performance.now() * 1e6);
      // The sender's capture clock is eyrie's nowNs(): wall-clock nanoseconds.
      delays.push(Date.now() - unit.captureNs / 1e6);
    },
    note: (line) => io.stderr(`eyrie: ${line}`),
  };
  const playing = () => rx.source !== undefined || meter.frames > 0;
  const interval = (nowNs: number) =>
    to.kind === "tls" || to.kind === "quic" ? meter.interval(nowNs) : rx.interval(nowNs);

  window = await Display.open(decoder, values.fullscreen ? { fullscreen: display } : {});
  let reason = "";
  let code = 0;
  const stop = () => (reason = "stopped");
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  try {
    if (to.kind === "whep") input = await openWhep(to.url, sink);
    else if (to.kind === "rtp") input = openRtp(to, sink, rx);
    else {
      const forward = await openForward(
        { ...to, transport: to.kind, ...await forwardIdentity(values) },
        units,
      );
      io.stderr(
        `eyrie: senders pin this receiver: eyrie certs pin --accept ${forward.fingerprint256} --name NAME`,
      );
      input = { ...forward, requestKeyframe: () => {} };
    }
    io.stderr(`eyrie: viewing ${input.what} with ${decoder}; close the window or Ctrl-C to stop`);
    let ended: string | null = null;
    input.ended.then((why) => (ended = why));
    const started = performance.now();
    let lastFigures = started;
    while (reason === "") {
      await new Promise((r) => setTimeout(r, 50));
      const now = performance.now();
      const end: DisplayEnd | null = window.poll();
      if (end?.kind === "closed") reason = "the window was closed";
      else if (end?.kind === "error") throw end.error;
      else if (ended !== null) reason = `the stream ended (${ended})`;
      else if (lastFrame >= 0 && now - lastFrame > SILENCE_MS) {
        reason = `the stream ended (no video for ${SILENCE_MS / 1000} s)`;
      } else if (
        lastFrame < 0 && to.kind !== "tls" && to.kind !== "quic" && now - started > FIRST_FRAME_MS
      ) {
        code = 1;
        reason = `no video arrived from ${input.what} within ${FIRST_FRAME_MS / 1000} s`;
      } else if (durationS > 0 && now - started >= durationS * 1000) reason = "duration";
      if (now - lastFigures >= FIGURES_EVERY_MS && playing()) {
        lastFigures = now;
        const text = overlayText(figuresOf(interval(now * 1e6), delays, decoder));
        delays = [];
        window.text = text;
        if (!values.quiet) io.stdout(text);
      }
    }
  } finally {
    Deno.removeSignalListener("SIGINT", stop);
    Deno.removeSignalListener("SIGTERM", stop);
    await input?.close();
    window[Symbol.dispose]();
  }
  const c = rx.counters;
  io.stderr(
    `eyrie: view ended: ${reason}; ` +
      (to.kind === "tls" || to.kind === "quic"
        ? `${meter.frames} access units`
        : `${c.frames} frames (${c.droppedFrames} dropped), ${c.packets} packets, ${c.lost} lost`),
  );
  return code;
}
