/**
 * Real faults for the fault suite: an RTSP camera (GStreamer's
 * gst-rtsp-server) that a test starts, kills and starts again, free ports
 * that nothing listens on, and polling helpers for a running eyrie.
 *
 * @module
 */
export { EYRIE_FLAGS, MAIN, type Running, startEyrie, tempConfig } from "../ui/cli/_eyrie.ts";

const RTSP_CAMERA = new URL("./_rtsp_camera.py", import.meta.url).pathname;

/** A loopback TCP port that nothing listens on (it was free a moment ago). */
export function closedPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** A running RTSP camera; `stop()` kills it (SIGKILL: a camera that vanishes, no TEARDOWN). */
export interface RtspCamera {
  url: string;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts `tests/faults/_rtsp_camera.py` on `port` (Debian's python3 with gst-rtsp-server). */
export async function startRtspCamera(
  port: number,
  options: {
    path?: string;
    user?: string;
    password?: string;
    /** "640x360"; 320x240 by default. */
    size?: string;
    fps?: number;
    /** x264's profile ("high"); with `bframes`, B-frames as many IP cameras send them. */
    profile?: string;
    bframes?: number;
    bitrateKbps?: number;
    /** "320x180": the camera changes its picture size `switchAfterS` (3) after a client plays. */
    switchSize?: string;
    switchAfterS?: number;
    /** SPS and PPS in the SDP only, never in the stream. */
    noInband?: boolean;
    /** A 440 Hz tone as a second track, in this codec. */
    audio?: "opus" | "pcma" | "aac";
    /** The Opus track's frame length in ms (20 by default). */
    opusFrameMs?: number;
    /**
     * An ONVIF camera with a speaker: its backchannel (PCMU 8 kHz unless
     * `backchannelCodec` says otherwise) is decoded into this WAV file.
     */
    backchannel?: string;
    backchannelCodec?: "pcmu" | "opus" | "aac";
  } = {},
): Promise<RtspCamera> {
  const args = [RTSP_CAMERA, String(port), "--path", options.path ?? "/stream"];
  if (options.user !== undefined) {
    args.push("--user", options.user, "--password", options.password!);
  }
  if (options.size !== undefined) args.push("--size", options.size);
  if (options.fps !== undefined) args.push("--fps", String(options.fps));
  if (options.profile !== undefined) args.push("--profile", options.profile);
  if (options.bframes !== undefined) args.push("--bframes", String(options.bframes));
  if (options.bitrateKbps !== undefined) args.push("--bitrate", String(options.bitrateKbps));
  if (options.switchSize !== undefined) args.push("--switch-size", options.switchSize);
  if (options.switchAfterS !== undefined) args.push("--switch-after", String(options.switchAfterS));
  if (options.noInband) args.push("--no-inband");
  if (options.audio !== undefined) args.push("--audio", options.audio);
  if (options.opusFrameMs !== undefined) args.push("--opus-frame", String(options.opusFrameMs));
  if (options.backchannel !== undefined) args.push("--backchannel", options.backchannel);
  if (options.backchannelCodec !== undefined) {
    args.push("--backchannel-codec", options.backchannelCodec);
  }
  const child = new Deno.Command("/usr/bin/python3", {
    args,
    stdin: "piped", // closed when the test process ends: the camera stops with it
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  const deadline = Date.now() + 20_000;
  while (!out.includes("\n")) {
    const next = await Promise.race([
      reader.read(),
      new Promise<null>((r) => setTimeout(() => r(null), Math.max(0, deadline - Date.now()))),
    ]);
    if (next === null || next.done) {
      child.kill("SIGKILL");
      const err = new TextDecoder().decode((await child.output()).stderr);
      throw new Error(`The RTSP camera did not start: ${out}${err}`);
    }
    out += next.value;
  }
  const m = /^ready (\S+)/.exec(out);
  if (m === null) throw new Error(`The RTSP camera did not start: ${out}`);
  reader.releaseLock();
  child.stdout.cancel().catch(() => {});
  child.stderr.cancel().catch(() => {});
  let stopped: Promise<void> | undefined;
  const stop = () =>
    stopped ??= (async () => {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
      await child.status;
      await child.stdin.close().catch(() => {});
    })();
  return { url: m[1], stop, [Symbol.asyncDispose]: stop };
}

/** GET `url` as JSON. */
export async function getJson<T = Record<string, unknown>>(url: string): Promise<T> {
  const res = await fetch(url);
  return await res.json() as T;
}

/** Polls `f` until it returns a value (not undefined), or throws after `timeoutMs`. */
export async function until<T>(
  what: string,
  f: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${what}${last ? ` (last error: ${last})` : ""}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The JSON log records of a running eyrie. */
export function records(
  logs: string,
): { level: string; actor: string; msg: string; fields?: Record<string, unknown> }[] {
  return logs.trim().split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
}

/** A camera section of a config. */
export function camera(id: string, source: string, extra = ""): string {
  return `[[camera]]\nid = "${id}"\nsource = "${source}"\nwidth = 160\nheight = 120\nfps = 10\n${extra}`;
}
