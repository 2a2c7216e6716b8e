/**
 * Xvfb (Debian's `xvfb`) for the screen and viewer tests: an X server of the
 * test's own, on a display number it picks itself (`-displayfd`), that the
 * test can stop and start again on the same number; and small X clients
 * that draw a known picture on it (xsetroot, GStreamer's ximagesink).
 *
 * @module
 */

export interface Xvfb {
  /** ":N" */
  display: string;
  /** Kills the server (as a crash would: SIGKILL) and waits for it to end. */
  kill(): Promise<void>;
  /** Starts it again on the same display number. */
  restart(): Promise<void>;
  /** Stops it, if running. */
  stop(): Promise<void>;
}

export function xvfbInstalled(): boolean {
  try {
    Deno.statSync("/usr/bin/Xvfb");
    Deno.statSync("/usr/bin/xsetroot");
    return true;
  } catch {
    return false;
  }
}

/** Starts Xvfb on a free display (or `number`) and resolves once it accepts clients. */
export async function startXvfb(
  options: { width?: number; height?: number; number?: number } = {},
): Promise<Xvfb> {
  const screen = `${options.width ?? 320}x${options.height ?? 240}x24`;
  let child: Deno.ChildProcess;
  let number = options.number ?? -1;
  const launch = async () => {
    // -noreset: the server would paint the root black again when its last client (xsetroot) left.
    const args = ["-displayfd", "1", "-screen", "0", screen, "-nolisten", "tcp", "-noreset"];
    child = new Deno.Command("Xvfb", {
      args: number >= 0 ? [`:${number}`, ...args] : args,
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    // Xvfb writes its display number once it is ready for clients.
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`Xvfb did not start (display ${number})`);
      text += value;
    }
    clearTimeout(timer);
    reader.releaseLock();
    number = Number(text.trim());
  };
  await launch();
  let running = true;
  const end = async (signal: Deno.Signal) => {
    if (!running) return;
    running = false;
    child.kill(signal);
    await child.status;
    await child.stdout.cancel().catch(() => {});
  };
  return {
    get display() {
      return `:${number}`;
    },
    kill: () => end("SIGKILL"),
    async restart() {
      await launch();
      running = true;
    },
    stop: () => end("SIGTERM"),
  };
}

/** Paints the root window one colour ("#ff0000"). */
export async function paintRoot(display: string, colour: string): Promise<void> {
  const o = await new Deno.Command("xsetroot", {
    args: ["-display", display, "-solid", colour],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!o.success) throw new Error(`xsetroot failed: ${new TextDecoder().decode(o.stderr)}`);
}

/**
 * A window of one colour at the top-left corner (no window manager places it
 * elsewhere): GStreamer's ximagesink showing videotestsrc's `pattern`.
 * Resolves once it is drawn (the pipeline is playing); stop with the result.
 */
export async function solidWindow(
  display: string,
  options: { width: number; height: number; pattern: string },
): Promise<AsyncDisposable> {
  const child = new Deno.Command("gst-launch-1.0", {
    args: [
      "videotestsrc",
      `pattern=${options.pattern}`,
      "is-live=true",
      "!",
      `video/x-raw,width=${options.width},height=${options.height},framerate=10/1`,
      "!",
      "ximagesink",
      `display=${display}`,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("Setting pipeline to PLAYING")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("The test window did not open");
    text += value;
  }
  reader.releaseLock();
  // Drain the rest so the child never blocks on a full pipe.
  const draining = child.stdout.pipeTo(new WritableStream()).catch(() => {});
  return {
    async [Symbol.asyncDispose]() {
      child.kill("SIGKILL");
      await child.status;
      await draining;
    },
  };
}

/** X11 windows whose name (WM_NAME) matches `name`, from xwininfo's tree. */
export async function findWindows(display: string, name: RegExp): Promise<bigint[]> {
  const o = await new Deno.Command("xwininfo", {
    args: ["-display", display, "-root", "-tree"],
    stdout: "piped",
    stderr: "null",
  }).output();
  const ids: bigint[] = [];
  for (const line of new TextDecoder().decode(o.stdout).split("\n")) {
    const m = /^\s*(0x[0-9a-f]+) "([^"]*)"/.exec(line);
    if (m !== null && name.test(m[2])) ids.push(BigInt(m[1]));
  }
  return ids;
}

/**
 * Asks a window to close the way a window manager does when its close
 * button is pressed: a WM_PROTOCOLS client message carrying WM_DELETE_WINDOW.
 */
export function closeWindow(display: string, window: bigint): void {
  const x = Deno.dlopen("libX11.so.6", {
    XOpenDisplay: { parameters: ["buffer"], result: "pointer" },
    XInternAtom: { parameters: ["pointer", "buffer", "i32"], result: "u64" },
    XSendEvent: { parameters: ["pointer", "u64", "i32", "i64", "buffer"], result: "i32" },
    XFlush: { parameters: ["pointer"], result: "i32" },
    XCloseDisplay: { parameters: ["pointer"], result: "i32" },
  });
  const z = (s: string) => new TextEncoder().encode(s + "\0");
  try {
    const dpy = x.symbols.XOpenDisplay(z(display));
    if (dpy === null) throw new Error(`Cannot open ${display}`);
    // XClientMessageEvent (LP64): type@0, window@32, message_type@40, format@48, data.l[0]@56.
    const event = new Uint8Array(192);
    const v = new DataView(event.buffer);
    v.setInt32(0, 33, true);
    v.setBigUint64(32, window, true);
    v.setBigUint64(40, x.symbols.XInternAtom(dpy, z("WM_PROTOCOLS"), 0), true);
    v.setInt32(48, 32, true);
    v.setBigUint64(56, x.symbols.XInternAtom(dpy, z("WM_DELETE_WINDOW"), 0), true);
    if (x.symbols.XSendEvent(dpy, window, 0, 0n, event) === 0) throw new Error("XSendEvent failed");
    x.symbols.XFlush(dpy);
    x.symbols.XCloseDisplay(dpy);
  } finally {
    x.close();
  }
}

/** A screenshot of the whole screen as RGB bytes, taken by GStreamer's ximagesrc. */
export async function screenshot(
  display: string,
  size: { width: number; height: number },
): Promise<(x: number, y: number) => [number, number, number]> {
  const file = await Deno.makeTempFile({ suffix: ".rgb" });
  try {
    const o = await new Deno.Command("gst-launch-1.0", {
      args: [
        "-q",
        "ximagesrc",
        `display-name=${display}`,
        "num-buffers=1",
        "use-damage=false",
        "show-pointer=false",
        "!",
        "videoconvert",
        "!",
        "video/x-raw,format=RGB",
        "!",
        "filesink",
        `location=${file}`,
      ],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!o.success) throw new Error(`Screenshot failed: ${new TextDecoder().decode(o.stderr)}`);
    const rgb = await Deno.readFile(file);
    // GStreamer's RGB rows are padded to 4 bytes.
    const stride = (size.width * 3 + 3) & ~3;
    return (px, py) => {
      const i = py * stride + px * 3;
      return [rgb[i], rgb[i + 1], rgb[i + 2]];
    };
  } finally {
    await Deno.remove(file);
  }
}
