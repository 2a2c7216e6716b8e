/**
 * A camera's sound on eyrie's RTSP server, played by clients eyrie did not
 * write: ffmpeg's RTSP client sees the H.264 and the Opus track and decodes
 * the sound to the camera's 440 Hz tone, over UDP and over TCP
 * (interleaved); GStreamer's rtspsrc decodes it with opusdec. A camera with
 * `audio = "none"`, and an RTSP camera found to send no sound, describe their
 * video only. On 127.0.0.1.
 */
import assert from "node:assert/strict";
import { startEyrie, tempConfig } from "../../ui/cli/_eyrie.ts";
import { dominantHz } from "./_audio.ts";
import { closedPort, startRtspCamera } from "../../faults/_faults.ts";

const config = (silentUrl: string) => `
[console]
listen = "127.0.0.1:0"
[recording]
enabled = false
[rtsp]
listen = "127.0.0.1:0"
[[camera]]
id = "door"
source = "test"
width = 320
height = 240
fps = 15
encoder = "x264"
[[camera]]
id = "mute"
source = "test"
width = 160
height = 120
fps = 10
encoder = "x264"
audio = "none"
[[camera]]
id = "silent"
source = "${silentUrl}"
width = 160
height = 120
fps = 10
`;

async function run(cmd: string, args: string[], timeoutMs: number) {
  const out = await new Deno.Command(cmd, {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(timeoutMs),
  }).output();
  return { code: out.code, stdout: out.stdout, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("eyrie's RTSP server carries the sound: ffmpeg decodes the Opus track to the tone over UDP and TCP, rtspsrc's opusdec decodes it; cameras without sound describe video only", async () => {
  await using silent = await startRtspCamera(closedPort());
  await using cfg = await tempConfig(config(silent.url));
  const eyrie = await startEyrie(cfg.file);
  try {
    let listen = "";
    for (let i = 0; listen === "" && i < 100; i++) {
      const s = await (await fetch(`${eyrie.url}/api/rtsp`)).json();
      if (s.state === "up") listen = s.listen;
      else await new Promise((r) => setTimeout(r, 100));
    }
    assert.notEqual(listen, "", "the RTSP server listens");
    for (let i = 0; i < 100; i++) {
      const c = await (await fetch(`${eyrie.url}/api/cameras/door`)).json();
      if (c.audio.state === "live") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const tcp of [false, true]) {
      const raw = `${cfg.dir}/door-${tcp ? "tcp" : "udp"}.raw`;
      const r = await run("ffmpeg", [
        "-hide_banner",
        ...(tcp ? ["-rtsp_transport", "tcp"] : []),
        "-i",
        `rtsp://${listen}/door`,
        "-map",
        "0:v",
        "-frames:v",
        "20",
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
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /Stream #0:0: Video: h264/);
      assert.match(r.stderr, /Stream #0:1: Audio: opus, 48000 Hz/);
      const bytes = await Deno.readFile(raw);
      const pcm = new Int16Array(bytes.buffer, 0, bytes.length >> 1);
      // ffmpeg's -t counts on its output clock, which its RTCP sync may move on: at least half a
      // second of the tone (seen: 0.7-0.8 s of 2 s over UDP in a loaded run; not explained yet).
      assert.ok(pcm.length >= 24_000, `${tcp ? "TCP" : "UDP"}: ${pcm.length} samples`);
      assert.equal(dominantHz(pcm.subarray(4800)).hz, 440, tcp ? "TCP" : "UDP");
    }
    // GStreamer: rtspsrc picks the Opus track by its caps and opusdec decodes 50 buffers.
    const gst = await run("gst-launch-1.0", [
      "-q",
      "rtspsrc",
      `location=rtsp://${listen}/door`,
      "protocols=tcp",
      "name=s",
      "s.",
      "!",
      "application/x-rtp,media=audio,encoding-name=OPUS",
      "!",
      "rtpopusdepay",
      "!",
      "opusdec",
      "!",
      "identity",
      "eos-after=50",
      "!",
      "fakesink",
    ], 30_000);
    assert.equal(gst.code, 0, gst.stderr);
    // The cameras without sound: DESCRIBE lists their video only.
    for (let i = 0; i < 300; i++) {
      const c = await (await fetch(`${eyrie.url}/api/cameras/silent`)).json();
      if (c.audio.state === "none") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const id of ["mute", "silent"]) {
      const r = await run("ffprobe", [
        "-v",
        "error",
        "-show_entries",
        "stream=codec_type",
        "-of",
        "csv=p=0",
        `rtsp://${listen}/${id}`,
      ], 30_000);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(new TextDecoder().decode(r.stdout).trim(), "video", id);
    }
  } finally {
    assert.equal(await eyrie.stop("SIGTERM"), 0);
  }
});
