/**
 * A PulseAudio server of the test's own (Debian's `pulseaudio`), on a unix
 * socket in a temp dir: a null sink for Chromium to play into (so it plays
 * and measures received audio on a machine without a sound card), and a
 * sine source as a microphone (`module-sine-source`) for `audio = "pulse:…"`.
 *
 * @module
 */

export interface Pulse {
  /** `unix:/tmp/…/native`: the value of PULSE_SERVER for its clients. */
  server: string;
  /** Its runtime dir (XDG_RUNTIME_DIR for clients that look for `pulse/native` there). */
  dir: string;
  /** The sine microphone's source name. */
  mic: string;
  stop(): Promise<void>;
}

export function pulseInstalled(): boolean {
  try {
    Deno.statSync("/usr/bin/pulseaudio");
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts a server with a null sink and a `freq` Hz sine source (at the server's 44.1 kHz); waits
 * until it answers. The source's period is a whole number of samples (module-sine-source rounds
 * it): a `freq` that does not divide 44100 comes out off (660 Hz is 44100 / 66 = 668 Hz).
 */
export async function startPulse(options: { freq?: number } = {}): Promise<Pulse> {
  const freq = options.freq ?? 441;
  if (44_100 % freq !== 0) {
    throw new RangeError(`A sine of ${freq} Hz is not a whole period at 44.1 kHz`);
  }
  const dir = await Deno.makeTempDir({ prefix: "audio-pulse-" });
  const socket = `${dir}/pulse/native`;
  await Deno.mkdir(`${dir}/pulse`);
  const mic = "eyrie_mic";
  const child = new Deno.Command("/usr/bin/pulseaudio", {
    args: [
      "-n", // no default.pa: only the modules below
      "--daemonize=no",
      "--exit-idle-time=-1",
      "--use-pid-file=no",
      "--disable-shm=yes",
      "-L",
      `module-native-protocol-unix socket=${socket} auth-anonymous=1`,
      "-L",
      "module-null-sink sink_name=speaker",
      "-L",
      `module-sine-source source_name=${mic} frequency=${freq}`,
    ],
    env: { HOME: dir, XDG_RUNTIME_DIR: dir },
    stdin: "piped", // closed when the test process ends
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const c = await Deno.connect({ transport: "unix", path: socket });
      c.close();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        const err = new TextDecoder().decode((await child.output()).stderr);
        throw new Error(`pulseaudio did not start: ${err}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  child.stderr.cancel().catch(() => {});
  let stopped: Promise<void> | undefined;
  return {
    server: `unix:${socket}`,
    dir,
    mic,
    stop: () =>
      stopped ??= (async () => {
        try {
          child.kill("SIGTERM");
        } catch { /* gone */ }
        await child.status;
        await child.stdin.close().catch(() => {});
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      })(),
  };
}
