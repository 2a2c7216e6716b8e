/**
 * A camera's sound on its RTP outputs, received by peers eyrie did not
 * write: ffmpeg reads the served SDP (an H.264 and an Opus section) and
 * decodes both streams, the sound to the camera's 440 Hz tone; GStreamer's
 * rtpopusdepay and opusdec decode what arrives on port + 2. On 127.0.0.1.
 */
import assert from "node:assert/strict";
import { Pipeline } from "../../../ffi/gst/mod.ts";
import { UdpSocket } from "../../../ffi/net/mod.ts";
import { freeRtpPort } from "../rtp_output/_udp.ts";
import { startEyrie, tempConfig } from "../../ui/cli/_eyrie.ts";
import { dominantHz } from "./_audio.ts";

/** An even port with port + 1 to + 3 free too (video RTP/RTCP, audio RTP/RTCP). */
function freeQuad(): number {
  for (let i = 0; i < 50; i++) {
    const port = freeRtpPort();
    try {
      using _pair = bindPair(port + 2);
      return port;
    } catch {
      continue;
    }
  }
  throw new Error("No four free UDP ports in a row");
}

function bindPair(port: number): Disposable {
  const a = UdpSocket.open({ family: 4, bind: { address: "127.0.0.1", port } });
  try {
    const b = UdpSocket.open({ family: 4, bind: { address: "127.0.0.1", port: port + 1 } });
    return {
      [Symbol.dispose]() {
        a.close();
        b.close();
      },
    };
  } catch (e) {
    a.close();
    throw e;
  }
}

async function run(cmd: string, args: string[], timeoutMs: number) {
  const out = await new Deno.Command(cmd, {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(timeoutMs),
  }).output();
  const d = new TextDecoder();
  return { code: out.code, stdout: out.stdout, stderr: d.decode(out.stderr) };
}

Deno.test("eyrie run's RTP outputs carry the sound: ffmpeg decodes both streams of the served SDP (the tone at 440 Hz), GStreamer's opusdec decodes port + 2", async () => {
  const ffmpegPort = freeQuad();
  let gstPort = freeQuad();
  while (Math.abs(gstPort - ffmpegPort) < 4) gstPort = freeQuad();
  await using cfg = await tempConfig(`
[console]
listen = "127.0.0.1:0"
[recording]
enabled = false
[[camera]]
id = "door"
source = "test"
width = 320
height = 240
fps = 15
encoder = "x264"
  [[camera.rtp]]
  host = "127.0.0.1"
  port = ${ffmpegPort}
  [[camera.rtp]]
  host = "127.0.0.1"
  port = ${gstPort}
`);
  // GStreamer first: it listens before eyrie sends.
  const gst = Pipeline.parse(
    `udpsrc address=127.0.0.1 port=${gstPort + 2} ` +
      `caps="application/x-rtp,media=audio,encoding-name=OPUS,clock-rate=48000,payload=111" ` +
      "! rtpopusdepay ! opusdec ! audioconvert ! audio/x-raw,format=S16LE,rate=48000,channels=1 " +
      "! appsink name=out sync=false",
  );
  gst.setState("playing", { timeoutMs: 0 });
  const sink = gst.appSink("out");
  const eyrie = await startEyrie(cfg.file);
  try {
    let sdp = "";
    for (let i = 0; i < 100 && sdp === ""; i++) {
      const res = await fetch(`${eyrie.url}/api/cameras/door/sdp?output=0`);
      if (res.status === 200) sdp = await res.text();
      else {
        await res.body?.cancel();
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    assert.match(sdp, new RegExp(`^m=audio ${ffmpegPort + 2} RTP/AVP 111\r$`, "m"));
    assert.match(sdp, /^a=rtpmap:111 opus\/48000\/2\r$/m);
    await Deno.writeTextFile(`${cfg.dir}/door.sdp`, sdp);
    const raw = `${cfg.dir}/door.raw`;
    const ffmpeg = await run("ffmpeg", [
      "-hide_banner",
      "-protocol_whitelist",
      "file,udp,rtp",
      "-i",
      `${cfg.dir}/door.sdp`,
      "-map",
      "0:v",
      "-frames:v",
      "30",
      "-f",
      "null",
      "-",
      "-map",
      "0:a",
      "-t",
      "2",
      "-ac",
      "1",
      "-ar",
      "48000",
      "-f",
      "s16le",
      raw,
    ], 30_000);
    assert.equal(ffmpeg.code, 0, ffmpeg.stderr);
    assert.match(ffmpeg.stderr, /Stream #0:0: Video: h264 .*320x240/);
    assert.match(ffmpeg.stderr, /Stream #0:1: Audio: opus, 48000 Hz/);
    const bytes = await Deno.readFile(raw);
    const pcm = new Int16Array(bytes.buffer, 0, bytes.length >> 1);
    assert.ok(pcm.length >= 48_000 * 1.5, `ffmpeg decoded ${pcm.length} samples`);
    assert.equal(dominantHz(pcm.subarray(4800)).hz, 440);

    // GStreamer's decoder on the second output's port + 2.
    const chunks: Int16Array[] = [];
    let samples = 0;
    const deadline = Date.now() + 20_000;
    while (samples < 48_000 && Date.now() < deadline) {
      const s = await sink.pullAsync({ timeoutMs: 200 });
      if (s === null) continue;
      const b = new Uint8Array(s.size);
      s.copyTo(b);
      chunks.push(new Int16Array(b.buffer, 0, b.length >> 1));
      samples += b.length >> 1;
    }
    const all = new Int16Array(samples);
    let at = 0;
    for (const c of chunks) {
      all.set(c, at);
      at += c.length;
    }
    assert.ok(samples >= 48_000, `opusdec decoded ${samples} samples`);
    assert.equal(dominantHz(all.subarray(4800)).hz, 440);
    const stats = await (await fetch(`${eyrie.url}/api/cameras/door`)).json();
    assert.equal(stats.stats["rtp[1].audio"].destination, `127.0.0.1:${gstPort + 2}`);
    assert.ok(stats.stats["rtp[1].audio"].packets > 0);
  } finally {
    gst[Symbol.dispose]();
    assert.equal(await eyrie.stop("SIGTERM"), 0);
  }
});
