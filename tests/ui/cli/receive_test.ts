/** `eyrie receive` against GStreamer's payloaders, with ffprobe counting the frames it wrote. */
import assert from "node:assert/strict";
import { type Io, main } from "../../../ui/cli/main.ts";
import { freeRtpPort } from "../../actors/rtp_output/_udp.ts";
import { gst } from "../../transports/rtp/_peers.ts";
import { UdpSocket } from "../../../ffi/net/mod.ts";
import { EYRIE_FLAGS, MAIN } from "./_eyrie.ts";

interface Captured extends Io {
  out: string[];
  err: string[];
}

function capture(): Captured {
  const out: string[] = [], err: string[] = [];
  return { out, err, stdout: (l) => out.push(l), stderr: (l) => err.push(l) };
}

/** Runs `eyrie receive args…` in this process; `whenListening` runs once it listens. */
async function receive(
  args: string[],
  whenListening: () => Promise<unknown> = () => Promise.resolve(),
): Promise<{ code: number; io: Captured }> {
  const io = capture();
  const running = main(["receive", ...args], io);
  const deadline = Date.now() + 10_000;
  while (!io.err.some((l) => l.includes("listening on"))) {
    if (Date.now() > deadline) throw new Error(`receive did not listen: ${io.err.join("\n")}`);
    const early = await Promise.race([running, new Promise((r) => setTimeout(r, 20))]);
    if (typeof early === "number") return { code: early, io };
  }
  const [code] = await Promise.all([running, whenListening()]);
  return { code, io };
}

async function ffprobeFrames(
  file: string,
  format?: string,
): Promise<{ codec: string; frames: number }> {
  const out = await new Deno.Command("ffprobe", {
    args: [
      "-v",
      "error",
      ...(format ? ["-f", format] : []),
      "-count_frames",
      "-select_streams",
      "v:0",
      "-show_entries",
      "stream=codec_name,nb_read_frames",
      "-of",
      "csv=p=0",
      file,
    ],
    stdout: "piped",
    signal: AbortSignal.timeout(30_000),
  }).output();
  const [codec, frames] = new TextDecoder().decode(out.stdout).trim().split(",");
  return { codec, frames: Number(frames) };
}

const RAW = "video/x-raw,width=320,height=240,framerate=30/1,format=I420";

Deno.test("eyrie receive rebuilds rtph264pay's stream: ffprobe counts every frame it wrote", async () => {
  const dir = await Deno.makeTempDir({ prefix: "eyrie-receive-" });
  try {
    const port = freeRtpPort();
    const file = `${dir}/out.h264`;
    // x264's zerolatency tune makes two slices per frame; rtph264pay config-interval=-1
    // repeats SPS/PPS before each IDR slice.
    const { code, io } = await receive(
      ["--port", String(port), "--count", "60", "--out", file, "--duration", "20"],
      () =>
        gst(
          `videotestsrc num-buffers=60 pattern=ball ! ${RAW} ! x264enc tune=zerolatency key-int-max=30 ` +
            `! rtph264pay config-interval=-1 ! udpsink host=127.0.0.1 port=${port} sync=true`,
        ),
    );
    assert.equal(code, 0, io.err.join("\n"));
    assert.match(
      io.err.at(-1)!,
      /received 60 frames \(2 keyframes, 0 dropped\).* 0 lost; h264 payload type 96/,
    );
    assert.ok(io.out.length >= 1, "a stats line a second");
    assert.match(
      io.out[0],
      /fps .* kbit\/s {2}loss 0\.00% \(0 total\) {2}jitter [\d.]+ ms {2}frames \d+ {2}dscp 0/,
    );
    assert.deepEqual(await ffprobeFrames(file), { codec: "h264", frames: 60 });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("eyrie receive rebuilds rtpjpegpay's stream into a .mjpeg ffprobe reads frame by frame", async () => {
  const dir = await Deno.makeTempDir({ prefix: "eyrie-receive-" });
  try {
    const port = freeRtpPort();
    const file = `${dir}/out.mjpeg`;
    const { code, io } = await receive(
      ["--port", String(port), "--count", "30", "--out", file, "--json", "--duration", "20"],
      () =>
        gst(
          `videotestsrc num-buffers=30 pattern=ball ! ${RAW} ! jpegenc ! rtpjpegpay ` +
            `! udpsink host=127.0.0.1 port=${port} sync=true`,
        ),
    );
    assert.equal(code, 0, io.err.join("\n"));
    assert.match(
      io.err.at(-1)!,
      /received 30 frames \(30 keyframes, 0 dropped\).*mjpeg payload type 26/,
    );
    const line = JSON.parse(io.out[0]);
    assert.deepEqual(Object.keys(line), [
      "t",
      "fps",
      "kbps",
      "loss",
      "jitterMs",
      "frames",
      "packets",
      "lost",
      "dropped",
      "dscp",
    ]);
    assert.ok(line.fps > 0 && line.kbps > 0 && line.loss === 0);
    assert.deepEqual(await ffprobeFrames(file), { codec: "mjpeg", frames: 30 });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("eyrie receive names a payload type it cannot guess, and takes --codec for a dynamic one", async () => {
  const port = freeRtpPort();
  // MPEG-TS over RTP (payload type 33): not video eyrie rebuilds.
  const ts = await receive(
    ["--port", String(port), "--duration", "10", "-q"],
    () =>
      gst(
        `videotestsrc num-buffers=30 ! ${RAW} ! x264enc tune=zerolatency ! mpegtsmux ! rtpmp2tpay ` +
          `! udpsink host=127.0.0.1 port=${port} sync=true`,
      ),
  );
  assert.equal(ts.code, 1);
  assert.equal(
    ts.io.err.at(-1),
    "eyrie: Payload type 33 is neither JPEG (26) nor dynamic (96-127): pass --codec h264 or --codec mjpeg",
  );
  // JPEG under dynamic payload type 100 is taken for H.264 unless told.
  const jpeg100 = () =>
    gst(
      `videotestsrc num-buffers=20 ! ${RAW} ! jpegenc ! rtpjpegpay pt=100 ` +
        `! application/x-rtp,payload=100 ! udpsink host=127.0.0.1 port=${port} sync=true`,
    );
  const guess = await receive(["--port", String(port), "--duration", "1.5", "-q"], jpeg100);
  assert.equal(guess.code, 1);
  assert.match(
    guess.io.err.at(-1)!,
    /^eyrie: \d+ packets of payload type 100 arrived, but no h264 frame could be rebuilt from them \(another codec\? try --codec mjpeg\)$/,
  );
  const told = await receive(
    ["--port", String(port), "--codec", "mjpeg", "--count", "10", "--duration", "10", "-q"],
    jpeg100,
  );
  assert.equal(told.code, 0, told.io.err.join("\n"));
  assert.match(told.io.err.at(-1)!, /received 10 frames .*mjpeg payload type 100/);
});

Deno.test("eyrie receive with nothing arriving stops at --duration and says so (exit 1)", async () => {
  const port = freeRtpPort();
  const { code, io } = await receive(["--port", String(port), "--duration", "0.3"]);
  assert.equal(code, 1);
  assert.match(
    io.err.at(-1)!,
    new RegExp(`^eyrie: No RTP arrived on port ${port} in 0\\.[3-9] s$`),
  );
  assert.deepEqual(io.out, []);
});

Deno.test("eyrie receive refuses bad options with one line and exit 2, and --help shows usage", async () => {
  const help = capture();
  assert.equal(await main(["receive", "--help"], help), 0);
  assert.match(help.out[0], /^Usage: eyrie receive --port PORT/);
  const cases: [string[], RegExp][] = [
    [[], /needs --port/],
    [["--port", "0"], /--port must be an integer from 1 to 65535, got "0"/],
    [["--port", "5004", "--codec", "vp8"], /--codec must be auto, h264 or mjpeg, got "vp8"/],
    [["--port", "5004", "--duration=-1"], /--duration must be a number of seconds/],
    [["--port", "5004", "--duration", "1e9"], /--duration must be a number of seconds/],
    [["--port", "5004", "--count", "0"], /--count must be an integer from 1/],
    [["--port", "5004", "--host", "example.org"], /--host must be a local IPv4\/IPv6 address/],
    [["--port", "5004", "--interface", "lo"], /--interface applies to a multicast --host only/],
    [["--port", "5004", "--colour"], /Unknown option '--colour'/],
  ];
  for (const [args, reason] of cases) {
    const io = capture();
    assert.equal(await main(["receive", ...args], io), 2, args.join(" "));
    assert.equal(io.err.length, 1, io.err.join("\n"));
    assert.match(io.err[0], reason);
    assert.match(io.err[0], /^eyrie: .*\(see: eyrie receive --help\)$/);
  }
});

Deno.test("eyrie receive says why it cannot listen: a port in use", async () => {
  const port = freeRtpPort();
  const io = capture();
  const first = receive(["--port", String(port), "--duration", "1", "-q"]);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(await main(["receive", "--port", String(port), "--host", "127.0.0.1"], io), 1);
  assert.match(io.err[0], /^eyrie: bind 127\.0\.0\.1:\d+: Address already in use \(EADDRINUSE\)$/);
  await first;
});

function loopbackMulticast(group: string): string {
  try {
    using s = UdpSocket.open({ family: 4, reuseAddress: true });
    s.joinGroup(group, "lo");
    return "";
  } catch (error) {
    return `cannot join ${group} on lo: ${(error as Error).message}`;
  }
}

const GROUP = "239.255.77.2";
const noMulticast = loopbackMulticast(GROUP);

Deno.test({
  name: "eyrie receive joins a multicast group on an interface (GStreamer sending to 239.x on lo)" +
    (noMulticast === "" ? "" : ` (skipped: ${noMulticast})`),
  ignore: noMulticast !== "",
  async fn() {
    const port = freeRtpPort();
    const { code, io } = await receive(
      [
        "--host",
        GROUP,
        "--interface",
        "lo",
        "--port",
        String(port),
        "--count",
        "10",
        "--duration",
        "10",
        "-q",
      ],
      () =>
        gst(
          `videotestsrc num-buffers=20 ! ${RAW} ! jpegenc ! rtpjpegpay ! udpsink host=${GROUP} ` +
            `port=${port} multicast-iface=lo ttl-mc=1 sync=true`,
        ),
    );
    assert.equal(code, 0, io.err.join("\n"));
    assert.match(io.err[0], new RegExp(`listening on ${GROUP.replaceAll(".", "\\.")}:${port}`));
    assert.match(io.err.at(-1)!, /received 10 frames/);
  },
});

Deno.test("eyrie receive stops on SIGINT and says what arrived", async () => {
  const port = freeRtpPort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...EYRIE_FLAGS, MAIN, "receive", "--port", String(port)],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const lines = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("listening on")) {
    const { value, done } = await lines.read();
    if (done) break;
    text += value;
  }
  child.kill("SIGINT");
  const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
  for (;;) {
    const { value, done } = await lines.read();
    if (done) break;
    text += value;
  }
  const status = await child.status;
  clearTimeout(killer);
  await child.stdout.cancel();
  assert.equal(status.code, 1, text);
  assert.match(text, new RegExp(`eyrie: No RTP arrived on port ${port} in [\\d.]+ s\\n$`));
});
