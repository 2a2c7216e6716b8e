/**
 * A private PulseAudio server for the sound-device tests: no sound card,
 * only null sinks (each with its `.monitor` source), on a socket of its own
 * in a temporary directory, so a test can play into a "microphone", capture
 * what a "speaker" got, and let ALSA's pulse plugin (`alsa:pulse`) reach it.
 * Clients find it through `PULSE_SERVER` ({@linkcode Pulse.env}).
 *
 * @module
 */
import { join } from "node:path";

export const PULSE_INSTALLED = (() => {
  try {
    return Deno.statSync("/usr/bin/pulseaudio").isFile && Deno.statSync("/usr/bin/pactl").isFile;
  } catch {
    return false;
  }
})();

export interface Pulse {
  /** `unix:<socket>`, as `PULSE_SERVER` takes it. */
  server: string;
  /** The environment a client (eyrie, gst-launch) needs to find this server. */
  env: Record<string, string>;
  /** Plays `audiotestsrc freq=hz` into `sink` until stopped. */
  play(sink: string, hz: number): { stop(): Promise<void> };
  /** Records `source` (a sink's `.monitor`) as 48 kHz mono S16LE into `file` until stopped. */
  record(source: string, file: string): { stop(): Promise<void> };
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts PulseAudio with a null sink for each of `sinks`; the first is the default. */
export async function startPulse(sinks: string[]): Promise<Pulse> {
  const dir = await Deno.makeTempDir({ prefix: "eyrie-pulse-" });
  const socket = join(dir, "native");
  const args = [
    "-n",
    "--daemonize=no",
    "--exit-idle-time=-1",
    "--use-pid-file=no",
    "--log-target=stderr",
    "-L",
    `module-native-protocol-unix socket=${socket} auth-anonymous=1`,
    ...sinks.flatMap((s) => ["-L", `module-null-sink sink_name=${s} rate=48000`]),
  ];
  // HOME and XDG_RUNTIME_DIR point at the temporary directory: nothing of the machine's own.
  const own = { HOME: dir, XDG_RUNTIME_DIR: dir };
  const daemon = new Deno.Command("/usr/bin/pulseaudio", {
    args,
    env: own,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const log = new Response(daemon.stderr).text();
  const env = { PULSE_SERVER: `unix:${socket}`, ...own };
  const pactl = async (...a: string[]) => {
    const o = await new Deno.Command("/usr/bin/pactl", {
      args: a,
      env,
      stdout: "piped",
      stderr: "piped",
    })
      .output();
    return { ok: o.success, out: new TextDecoder().decode(o.stdout) };
  };
  const deadline = Date.now() + 20_000;
  while (!(await pactl("list", "short", "sinks")).out.includes(sinks[0])) {
    if (Date.now() > deadline) {
      daemon.kill("SIGKILL");
      throw new Error(`PulseAudio did not start: ${await log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await pactl("set-default-sink", sinks[0]);
  const launch = (pipeline: string[]) => {
    const child = new Deno.Command("gst-launch-1.0", {
      args: ["-q", "-e", ...pipeline],
      env,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    return {
      stop: async () => {
        try {
          child.kill("SIGINT"); // -e: end of stream, so filesink has written everything
        } catch { /* gone */ }
        const hard = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await child.status;
        clearTimeout(hard);
      },
    };
  };
  return {
    server: env.PULSE_SERVER,
    env,
    play: (sink, hz) =>
      launch([
        "audiotestsrc",
        `freq=${hz}`,
        "volume=0.5",
        "is-live=true",
        "!",
        "pulsesink",
        `device=${sink}`,
      ]),
    record: (source, file) =>
      launch([
        "pulsesrc",
        `device=${source}`,
        "!",
        "audioconvert",
        "!",
        "audioresample",
        "!",
        "audio/x-raw,format=S16LE,rate=48000,channels=1",
        "!",
        "filesink",
        `location=${file}`,
      ]),
    async [Symbol.asyncDispose]() {
      try {
        daemon.kill("SIGTERM");
      } catch { /* gone */ }
      const hard = setTimeout(() => daemon.kill("SIGKILL"), 5_000);
      await daemon.status;
      clearTimeout(hard);
      await log;
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}
