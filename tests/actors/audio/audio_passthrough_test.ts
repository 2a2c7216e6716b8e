/**
 * A camera's own Opus passed through, judged by peers eyrie did not write.
 * gst-rtsp-server sends a 440 Hz tone as Opus in 40 ms frames, a length
 * eyrie's own encoder never makes (it makes 20 ms): GStreamer's
 * rtpopusdepay finds 40 ms packets on eyrie's RTP output and on its RTSP
 * server, ffprobe finds them in the recording (and the source's bitrate,
 * not eyrie's 32 kb/s), and opusdec or ffmpeg decode all three to 440 Hz.
 * `/api/cameras/:id` says the sound is passed through, and that a G.711
 * camera's is encoded, and why.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Pipeline } from "../../../ffi/gst/mod.ts";
import { opusPacketSamples } from "../../../transports/rtp/opus/toc.ts";
import { startEyrie, tempConfig } from "../../ui/cli/_eyrie.ts";
import { closedPort, startRtspCamera } from "../../faults/_faults.ts";
import { freeRtpPort } from "../rtp_output/_udp.ts";
import { decodeAudioTrack } from "../recorder/_sound.ts";
import { run } from "../recorder/_media.ts";
import { decodeOpus, dominantHz, type OpusPacket, until } from "./_audio.ts";

/** 40 ms at 48 kHz: the camera's frames. */
const CAMERA_SAMPLES = 1920;

/** Depayloaded Opus packets from a pipeline ending in `appsink name=out`: the first `n`. */
function collect(description: string, n: number): OpusPacket[] {
  using p = Pipeline.parse(`${description} ! appsink name=out sync=false`);
  p.setState("playing", { timeoutMs: 0 });
  const sink = p.appSink("out");
  const out: OpusPacket[] = [];
  const deadline = Date.now() + 20_000;
  while (out.length < n && Date.now() < deadline) {
    const s = sink.pull({ timeoutMs: 500 });
    if (s === null) continue;
    const bytes = new Uint8Array(s.size);
    s.copyTo(bytes);
    const samples = opusPacketSamples(bytes);
    out.push({ bytes, pts: 0, durationNs: samples * 1e9 / 48_000, flags: 0, format: 0, aux: 0 });
  }
  return out;
}

/** Checks that `packets` are the camera's 40 ms frames and decode to its tone. */
function assertCameraOpus(packets: OpusPacket[], where: string): void {
  assert.equal(packets.length, 40, `${where}: 40 packets came`);
  for (const p of packets) {
    assert.equal(opusPacketSamples(p.bytes), CAMERA_SAMPLES, `${where}: a 40 ms frame`);
  }
  const tone = dominantHz(decodeOpus(packets).subarray(4800));
  assert.equal(tone.hz, 440, where);
  assert.ok(tone.rms > 1000, `${where}: a tone, not silence (rms ${tone.rms.toFixed(0)})`);
}

Deno.test("a camera's own Opus goes through unchanged to RTP, the RTSP server and recordings; G.711 is encoded, and the API says which and why", async () => {
  await using opus = await startRtspCamera(closedPort(), { audio: "opus", opusFrameMs: 40 });
  await using pcma = await startRtspCamera(closedPort(), { audio: "pcma" });
  const rtpPort = freeRtpPort();
  await using cfg = await tempConfig(`
[console]
listen = "127.0.0.1:0"
[rtsp]
listen = "127.0.0.1:0"
[[camera]]
id = "op"
source = "${opus.url}"
  [camera.recording]
  mode = "continuous"
  [[camera.rtp]]
  host = "127.0.0.1"
  port = ${rtpPort}
[[camera]]
id = "pc"
source = "${pcma.url}"
  [camera.recording]
  mode = "off"
`);
  const recDir = join(cfg.dir, "rec");
  await Deno.writeTextFile(
    cfg.file,
    (await Deno.readTextFile(cfg.file)) + `\n[recording]\ndir = "${recDir}"\n`,
  );
  const eyrie = await startEyrie(cfg.file);
  try {
    const camera = async (id: string) =>
      await (await fetch(`${eyrie.url}/api/cameras/${id}`)).json();
    const op = await until("op's sound live", async () => {
      const c = await camera("op");
      return c.audio.state === "live" ? c : undefined;
    });
    assert.equal(op.audio.route.mode, "passthrough");
    assert.match(op.audio.route.reason, /camera's own Opus/);
    const pc = await until("pc's sound live", async () => {
      const c = await camera("pc");
      return c.audio.state === "live" ? c : undefined;
    });
    assert.equal(pc.audio.route.mode, "encoded");
    assert.match(pc.audio.route.reason, /G\.711 A-law \(PCMA\) is decoded and encoded to Opus/);

    // RTP output: the sound on port + 2.
    const rtp = collect(
      `udpsrc address=127.0.0.1 port=${rtpPort + 2} ` +
        `caps="application/x-rtp,media=audio,encoding-name=OPUS,clock-rate=48000,payload=111" ` +
        "! rtpopusdepay",
      40,
    );
    assertCameraOpus(rtp, "RTP output");

    // RTSP server.
    const listen = await until("the RTSP server", async () => {
      const s = await (await fetch(`${eyrie.url}/api/rtsp`)).json();
      return s.state === "up" ? s.listen as string : undefined;
    });
    const rtsp = collect(
      `rtspsrc location=rtsp://${listen}/op protocols=tcp name=s ` +
        "s. ! application/x-rtp,media=audio,encoding-name=OPUS ! rtpopusdepay",
      40,
    );
    assertCameraOpus(rtsp, "RTSP server");

    // The first segment opened before the sound was up (it records video alone): pause and
    // resume, and the next one has sound.
    for (const verb of ["pause", "resume"]) {
      const r = await fetch(`${eyrie.url}/api/recordings/cameras/op/${verb}`, { method: "POST" });
      assert.equal(r.status, 200, await r.text());
    }
    // The recording being written (fragmented: readable while open), once 2 s of sound are in.
    const file = await until("a segment with 2 s of sound", async () => {
      for await (const f of walk(recDir)) {
        const r = await run("ffprobe", [
          "-v",
          "error",
          "-select_streams",
          "a",
          "-count_packets",
          "-show_entries",
          "stream=codec_name,sample_rate,nb_read_packets",
          "-of",
          "json",
          f,
        ]);
        const s = r.code === 0 ? JSON.parse(r.stdout).streams?.[0] : undefined;
        if (s !== undefined && Number(s.nb_read_packets) >= 50) return f;
      }
      return undefined;
    });
    const probe = await run("ffprobe", [
      "-v",
      "error",
      "-select_streams",
      "a",
      "-show_entries",
      "stream=codec_name,sample_rate:packet=pts_time,size",
      "-of",
      "json",
      file,
    ]);
    const j = JSON.parse(probe.stdout);
    assert.equal(j.streams[0].codec_name, "opus");
    assert.equal(j.streams[0].sample_rate, "48000");
    // Fragmented MP4 keeps durations in its fragment defaults: ffprobe gives the times. Every
    // packet after the first (which mp4mux stretches to the segment's start) starts 40 ms after
    // the one before: the camera's frames.
    const packets = (j.packets as { pts_time: string; size: string }[]).map((p) => ({
      at: Number(p.pts_time),
      size: Number(p.size),
    }));
    for (let i = 2; i < packets.length; i++) {
      const step = packets[i].at - packets[i - 1].at;
      assert.ok(Math.abs(step - 0.04) < 1e-6, `packet ${i} ${step} s after the one before`);
    }
    // Sound, not the recorder's one-byte fill before the sound starts: at the camera's bitrate.
    const sound = packets.filter((p) => p.size > 1);
    assert.ok(sound.length >= 50, `${sound.length} packets of sound`);
    const kbps = sound.reduce((n, p) => n + p.size, 0) * 8 / (sound.length * 0.04) / 1000;
    // The camera's opusenc makes 64 kb/s (321-byte packets at 40 ms); eyrie's own encoder 32.
    assert.ok(kbps > 60, `${kbps.toFixed(1)} kb/s: the camera's bitrate, not eyrie's 32`);
    const pcm = await decodeAudioTrack(file);
    assert.equal(dominantHz(pcm.subarray(4800)).hz, 440, "the recording's sound");
  } finally {
    await eyrie.stop();
  }
});

async function* walk(dir: string): AsyncGenerator<string> {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory) yield* walk(p);
    else if (e.name.endsWith(".mp4")) yield p;
  }
}
