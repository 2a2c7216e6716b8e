/**
 * `eyrie view` as a user runs it: a real `eyrie run` sends SMPTE bars, the
 * viewer plays them in a window on Xvfb, and a screenshot taken by
 * GStreamer's ximagesrc shows the bars; the figures it prints match what
 * the sender reports; closing the window (WM_DELETE_WINDOW, as a window
 * manager sends it) or the sender going away ends it with exit code 0.
 */
import assert from "node:assert/strict";
import { EYRIE_FLAGS, MAIN, type Running, startEyrie, tempConfig } from "./_eyrie.ts";
import { bindRtpPair } from "../../actors/rtp_output/_udp.ts";
import { acceptPin, initCa, issueCert } from "../../../certs/mod.ts";
import {
  closeWindow,
  findWindows,
  paintRoot,
  screenshot,
  solidWindow,
  startXvfb,
  xvfbInstalled,
} from "../../_xvfb.ts";

const ignore = !xvfbInstalled();
const W = 320;
const H = 240;
const FPS = 15;

type Rgb = [number, number, number];

/** SMPTE bars (videotestsrc "smpte", 100%), top two thirds: white, yellow, cyan, green, magenta, red, blue. */
const BARS: Rgb[] = [
  [255, 255, 255],
  [255, 255, 0],
  [0, 255, 255],
  [0, 255, 0],
  [255, 0, 255],
  [255, 0, 0],
  [0, 0, 255],
];

function near(got: Rgb, want: Rgb): boolean {
  return got.every((v, i) => Math.abs(v - want[i]) <= 30);
}

/** Checks the seven bars across a picture drawn at (0,0) with `width`x`height`. */
function assertBars(at: (x: number, y: number) => Rgb, width: number, height: number): void {
  const y = Math.round(height * 0.45); // below the figures, above the bars' lower rows
  BARS.forEach((want, i) => {
    const x = Math.round(((i + 0.5) * width) / 7);
    assert.ok(near(at(x, y), want), `bar ${i} at (${x},${y}) is ${at(x, y)}, not ${want}`);
  });
}

interface View {
  process: Deno.ChildProcess;
  /** Figure lines printed so far. */
  lines: string[];
  stderr(): string;
  done: Promise<number>;
}

function startView(display: string, args: string[]): View {
  const process = new Deno.Command(Deno.execPath(), {
    args: ["run", ...EYRIE_FLAGS, MAIN, "view", ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", DISPLAY: display },
  }).spawn();
  const lines: string[] = [];
  let err = "";
  const reading = Promise.all([
    (async () => {
      let text = "";
      for await (const chunk of process.stdout.pipeThrough(new TextDecoderStream())) {
        text += chunk;
        const parts = text.split("\n");
        text = parts.pop()!;
        lines.push(...parts);
      }
    })(),
    (async () => {
      for await (const chunk of process.stderr.pipeThrough(new TextDecoderStream())) err += chunk;
    })(),
  ]);
  const done = (async () => {
    const status = await process.status;
    await reading;
    return status.code;
  })();
  return { process, lines, stderr: () => err, done };
}

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** "14.9 fps  212 kbit/s  loss 0.0%  latency 31 ms  avdec_h264" → numbers. */
function figures(line: string): { fps: number; kbps: number; loss: number } {
  const m = /^([\d.]+) fps {2}(\d+) kbit\/s {2}loss ([\d.]+)% {2}latency (\d+ ms|\?) {2}\S+$/.exec(
    line,
  );
  assert.ok(m !== null, `not a figures line: "${line}"`);
  return { fps: Number(m[1]), kbps: Number(m[2]), loss: Number(m[3]) };
}

/** The median of each figure. */
function steady(
  all: { fps: number; kbps: number; loss: number }[],
): { fps: number; kbps: number; loss: number } {
  const mid = (k: "fps" | "kbps" | "loss") =>
    all.map((f) => f[k]).sort((a, b) => a - b)[all.length >> 1];
  return { fps: mid("fps"), kbps: mid("kbps"), loss: mid("loss") };
}

/**
 * Whether the viewer's fps is the sender's: within 30 % (a loaded machine moves both from second to
 * second; a wrong overlay — another unit, double counting, a stuck figure — is far off).
 */
function assertFps(seen: number, sent: number): void {
  assert.ok(Math.abs(seen - sent) <= 0.3 * sent, `viewer ${seen} fps, sender ${sent}`);
}

async function sender(eyrie: Running): Promise<{ fps: number; kbps: number }> {
  const cam = await (await fetch(`${eyrie.url}/api/cameras/cam`)).json();
  return { fps: cam.stats.camera.fps, kbps: cam.stats.encoder.bitrateKbps };
}

const CAMERA = `[console]\nlisten = "127.0.0.1:0"\n[[camera]]\nid = "cam"\nsource = "test"\n` +
  `pattern = "smpte"\nwidth = ${W}\nheight = ${H}\nfps = ${FPS}\nencoder = "x264"\n` +
  `bitrate_kbps = 300\nmin_bitrate_kbps = 300\n`;

Deno.test({
  name:
    "eyrie view plays a camera over WHEP: the window shows the bars, the figures match the sender's, closing the window ends it",
  ignore,
  async fn() {
    const x = await startXvfb({ width: 640, height: 480 });
    await using cfg = await tempConfig(CAMERA);
    const eyrie = await startEyrie(cfg.file);
    try {
      const view = startView(x.display, [`${eyrie.url}/api/cameras/cam`]);
      await until("six seconds of figures", () => view.lines.length >= 6);
      assertBars(await screenshot(x.display, { width: 640, height: 480 }), W, H);
      // The first seconds hold the connection's start; the three after it are steady.
      const seen = steady(view.lines.slice(3, 6).map(figures));
      const sent = await sender(eyrie);
      assertFps(seen.fps, sent.fps);
      // RTP headers, and windows that do not line up with the encoder's: within a third.
      const ratio = seen.kbps / sent.kbps;
      assert.ok(ratio > 0.66 && ratio < 1.5, `viewer ${seen.kbps} kbit/s, sender ${sent.kbps}`);
      assert.equal(seen.loss, 0);
      const windows = await findWindows(x.display, /^eyrie view$/);
      assert.equal(windows.length, 1, "one window");
      closeWindow(x.display, windows[0]);
      assert.equal(await view.done, 0, view.stderr());
      assert.match(view.stderr(), /view ended: the window was closed; \d+ frames/);
    } finally {
      await eyrie.stop();
      await x.stop();
    }
  },
});

Deno.test({
  name:
    "eyrie view --fullscreen covers the screen, plays RTP from the camera's SDP, and ends when the sender stops",
  ignore,
  async fn() {
    const x = await startXvfb({ width: 640, height: 480 });
    // A free RTP/RTCP pair, let go for the viewer to bind.
    const port = (() => {
      using pair = bindRtpPair();
      return pair.port;
    })();
    await using cfg = await tempConfig(
      `${CAMERA}  [[camera.rtp]]\n  host = "127.0.0.1"\n  port = ${port}\n`,
    );
    const eyrie = await startEyrie(cfg.file);
    try {
      const view = startView(x.display, [`${eyrie.url}/api/cameras/cam/sdp`, "--fullscreen"]);
      await until("five seconds of figures", () => view.lines.length >= 5);
      assert.match(view.stderr(), new RegExp(`viewing RTP 127\\.0\\.0\\.1:${port} with`));
      // 320x240 scaled to the 640x480 screen: the bars span it.
      assertBars(await screenshot(x.display, { width: 640, height: 480 }), 640, 480);
      assert.deepEqual(await findWindows(x.display, /^eyrie view$/).then((w) => w.length), 1);
      assertFps(steady(view.lines.slice(-3).map(figures)).fps, (await sender(eyrie)).fps);
      assert.equal(await eyrie.stop(), 0);
      assert.equal(await view.done, 0, view.stderr());
      assert.match(view.stderr(), /view ended: the stream ended \(no video for 5 s\)/);
    } finally {
      await eyrie.stop();
      await x.stop();
    }
  },
});

/**
 * `eyrie view SCHEME://127.0.0.1:0` listens with a server certificate of its
 * own CA; a camera whose `[[camera.forward]]` (`transport`) holds a client
 * certificate of that CA connects; the window shows the bars at the sender's
 * rate, and the view ends when the sender leaves.
 */
async function forwardedView(scheme: "tls" | "quic", listening: RegExp, transport: string) {
  const x = await startXvfb({ width: 640, height: 480 });
  await using cfg = await tempConfig("");
  // One installation's CA issues the viewer's server certificate and the camera's client one.
  const viewCerts = `${cfg.dir}/viewer/certs`;
  const camCerts = `${cfg.dir}/data/certs`;
  await initCa({ dir: viewCerts, algorithm: "p256" });
  await initCa({ dir: camCerts, algorithm: "p256" });
  const server = await issueCert(viewCerts, { kind: "server", name: "console" });
  await issueCert(viewCerts, { kind: "client", name: "garage" });
  await Deno.mkdir(`${camCerts}/client`, { recursive: true, mode: 0o700 });
  for (const ext of ["crt", "key"]) {
    await Deno.copyFile(`${viewCerts}/client/garage.${ext}`, `${camCerts}/client/garage.${ext}`);
  }
  await Deno.copyFile(`${viewCerts}/ca.crt`, `${cfg.dir}/viewer-ca.crt`);
  await acceptPin(camCerts, "viewer", server.fingerprint256);
  const view = startView(x.display, [`${scheme}://127.0.0.1:0`, "--certs", viewCerts]);
  try {
    await until("the viewer to listen", () => listening.test(view.stderr()));
    const port = Number(listening.exec(view.stderr())![1]);
    assert.match(view.stderr(), new RegExp(`--accept ${server.fingerprint256}`));
    await Deno.writeTextFile(
      cfg.file,
      `${CAMERA}  [[camera.forward]]\n${transport}  host = "127.0.0.1"\n  port = ${port}\n` +
        `  remote = "viewer"\n  cert = "garage"\n  ca = "viewer-ca.crt"\n`,
      { append: true },
    );
    const eyrie = await startEyrie(cfg.file);
    try {
      await until("five seconds of figures", () => view.lines.length >= 5);
      assertBars(await screenshot(x.display, { width: 640, height: 480 }), W, H);
      const seen = steady(view.lines.slice(-3).map(figures));
      assertFps(seen.fps, (await sender(eyrie)).fps);
      assert.equal(seen.loss, 0);
      // The forward carries the capture time: a latency on the same machine's clock.
      assert.match(view.lines.at(-1)!, /latency \d+ ms/);
    } finally {
      await eyrie.stop();
    }
    assert.equal(await view.done, 0, view.stderr());
    assert.match(view.stderr(), /view ended: the stream ended \(garage left\); \d+ access units/);
  } finally {
    try {
      view.process.kill("SIGKILL");
    } catch { /* it ended */ }
    await view.done;
    await x.stop();
  }
}

Deno.test({
  name:
    "eyrie view tls:// listens for a [[camera.forward]] sender, shows its camera, and ends when it leaves",
  ignore,
  fn: () => forwardedView("tls", /mutual-TLS forward on 127\.0\.0\.1:(\d+)/, ""),
});

Deno.test({
  name:
    "eyrie view quic:// listens for a QUIC [[camera.forward]] sender, shows its camera, and ends when it leaves",
  ignore,
  fn: () => forwardedView("quic", /QUIC forward on 127\.0\.0\.1:(\d+)/, `  transport = "quic"\n`),
});

Deno.test({
  name: "a screen captured by one eyrie is what eyrie view shows on another display",
  ignore,
  async fn() {
    const shown = await startXvfb({ width: 320, height: 240 });
    const viewer = await startXvfb({ width: 640, height: 480 });
    try {
      await paintRoot(shown.display, "#ff0000");
      await using _window = await solidWindow(shown.display, {
        width: 160,
        height: 120,
        pattern: "blue",
      });
      await using cfg = await tempConfig(
        `[console]\nlisten = "127.0.0.1:0"\n[[camera]]\nid = "cam"\n` +
          `source = "screen:${shown.display}"\ncursor = false\nwidth = ${W}\nheight = ${H}\n` +
          `fps = ${FPS}\nencoder = "x264"\n`,
      );
      const eyrie = await startEyrie(cfg.file);
      try {
        const view = startView(viewer.display, [`${eyrie.url}/api/cameras/cam`, "-q"]);
        // The window's first picture, then a second for the figures to settle: the screenshot
        // must show the other display's blue corner on red.
        await until("the viewer to play", () => /viewing WHEP/.test(view.stderr()));
        let at = await screenshot(viewer.display, { width: 640, height: 480 });
        for (let i = 0; i < 50 && !near(at(240, 180), [255, 0, 0]); i++) {
          await new Promise((r) => setTimeout(r, 200));
          at = await screenshot(viewer.display, { width: 640, height: 480 });
        }
        assert.ok(near(at(80, 90), [0, 0, 255]), `the blue window: ${at(80, 90)}`);
        assert.ok(near(at(240, 180), [255, 0, 0]), `the red root: ${at(240, 180)}`);
        assert.ok(near(at(240, 60), [255, 0, 0]), `the red root: ${at(240, 60)}`);
        view.process.kill("SIGINT");
        assert.equal(await view.done, 0, view.stderr());
        assert.match(view.stderr(), /view ended: stopped/);
      } finally {
        await eyrie.stop();
      }
    } finally {
      await viewer.stop();
      await shown.stop();
    }
  },
});
