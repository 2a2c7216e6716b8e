/**
 * A real `eyrie run` with [[camera.rtp]] outputs, received by peers eyrie did
 * not write: GStreamer's rtph264depay/avdec_h264 and rtpjpegdepay/jpegdec
 * (every frame sent is decoded), ffmpeg from the served SDP; and by
 * `eyrie receive`, whose file ffprobe counts. All on 127.0.0.1.
 */
import assert from "node:assert/strict";
import { Pipeline } from "../../../ffi/gst/mod.ts";
import { type Io, main } from "../../../ui/cli/main.ts";
import type { RtpOutputStats } from "../../../actors/rtp_output/protocol.ts";
import { freeRtpPort } from "../../actors/rtp_output/_udp.ts";
import { startEyrie, tempConfig } from "./_eyrie.ts";

/** A GStreamer receiver on 127.0.0.1:`port` that counts the frames its decoder puts out. */
function gstReceiver(port: number, caps: string, chain: string) {
  const p = Pipeline.parse(
    `udpsrc address=127.0.0.1 port=${port} buffer-size=4194304 caps="${caps}" ! ${chain} ` +
      `! appsink name=out sync=false`,
  );
  const sink = p.appSink("out");
  // No data before eyrie starts, so the sink cannot preroll yet: do not wait for it.
  p.setState("playing", { timeoutMs: 0 });
  let frames = 0;
  const counting = (async () => {
    // Until the EOS sent at the end: the decoders hand out what they still hold.
    while (!sink.eos) if ((await sink.pullAsync({ timeoutMs: 200 })) !== null) frames++;
  })();
  return {
    async finish(): Promise<number> {
      p.sendEos();
      await counting;
      const error = p.bus.pop({ timeoutMs: 0, types: ["error"] });
      p[Symbol.dispose]();
      if (error?.type === "error") throw error.error;
      return frames;
    },
  };
}

function quietIo(): Io & { err: string[] } {
  const err: string[] = [];
  return { err, stdout: () => {}, stderr: (l) => err.push(l) };
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
  return { code: out.code, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr) };
}

/** The frames an output logged as sent when it stopped. */
function framesSent(logs: string, actor: string): number {
  for (const line of logs.split("\n")) {
    if (!line.startsWith("{")) continue;
    const r = JSON.parse(line);
    // The video's line: the sound's sender (port + 2) logs its own with media "audio".
    if (r.actor === actor && r.msg === "rtp output stopped" && r.fields.media === undefined) {
      return r.fields.frames;
    }
  }
  throw new Error(`${actor} logged no "rtp output stopped":\n${logs}`);
}

Deno.test("eyrie run's RTP outputs: GStreamer decodes every frame sent, ffmpeg plays the served SDP, eyrie receive writes what ffprobe counts", async () => {
  const ports = new Set<number>();
  while (ports.size < 4) ports.add(freeRtpPort());
  const [gstH264, gstJpeg, ffmpegPort, receivePort] = [...ports];
  await using cfg = await tempConfig(`
[console]
listen = "127.0.0.1:0"
[recording]
enabled = false
[[camera]]
id = "h"
source = "test"
pattern = "ball"
width = 320
height = 240
fps = 30
encoder = "x264"
gop = 30
  [[camera.rtp]]
  port = ${gstH264}
  dscp = 46
  [[camera.rtp]]
  port = ${ffmpegPort}
  [[camera.rtp]]
  port = ${receivePort}
[[camera]]
id = "j"
source = "test"
width = 320
height = 240
fps = 30
codec = "mjpeg"
  [[camera.rtp]]
  port = ${gstJpeg}
`);
  // The GStreamer receivers and eyrie receive listen before eyrie sends its first packet.
  const h264 = gstReceiver(
    gstH264,
    "application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=96",
    "rtph264depay ! avdec_h264 max-threads=1",
  );
  const jpeg = gstReceiver(
    gstJpeg,
    "application/x-rtp,media=video,clock-rate=90000,encoding-name=JPEG,payload=26",
    "rtpjpegdepay ! jpegdec",
  );
  const file = `${cfg.dir}/received.h264`;
  const receiveIo = quietIo();
  const received = main([
    "receive",
    "--port",
    String(receivePort),
    "--host",
    "127.0.0.1",
    "--count",
    "90",
    "--out",
    file,
    "--duration",
    "30",
    "-q",
  ], receiveIo);

  const eyrie = await startEyrie(cfg.file);
  let stopped = false;
  try {
    // ffmpeg, from the SDP eyrie serves (503 until the first keyframe).
    let sdp = "";
    for (let i = 0; i < 100 && sdp === ""; i++) {
      const res = await fetch(`${eyrie.url}/api/cameras/h/sdp?output=1`);
      if (res.status === 200) sdp = await res.text();
      else {
        assert.equal(res.status, 503, await res.text());
        await res.body?.cancel();
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    assert.match(sdp, new RegExp(`^m=video ${ffmpegPort} RTP/AVP 96\r$`, "m"));
    await Deno.writeTextFile(`${cfg.dir}/h.sdp`, sdp);
    const ffmpeg = await run("ffmpeg", [
      "-hide_banner",
      "-protocol_whitelist",
      "file,udp,rtp",
      "-i",
      `${cfg.dir}/h.sdp`,
      "-frames:v",
      "30",
      "-f",
      "null",
      "-",
    ], 30_000);
    assert.equal(ffmpeg.code, 0, ffmpeg.stderr);
    assert.match(ffmpeg.stderr, /Stream #0:0: Video: h264 .*320x240/);
    assert.match(ffmpeg.stderr, /frame= *30 /);

    // eyrie receive: 90 frames (with RTCP both ways), then ffprobe on its file.
    assert.equal(await received, 0, receiveIo.err.join("\n"));
    assert.match(receiveIo.err.at(-1)!, /received 90 frames .* 0 lost; h264 payload type 96/);
    const probe = await run("ffprobe", [
      "-v",
      "error",
      "-count_frames",
      "-show_entries",
      "stream=codec_name,width,nb_read_frames",
      "-of",
      "csv=p=0",
      file,
    ], 30_000);
    assert.equal(probe.stdout.trim(), "h264,320,90");

    // The outputs' stats in the API, with eyrie receive's receiver report on output 2.
    const camera = await (await fetch(`${eyrie.url}/api/cameras/h`)).json();
    const outputs = [0, 1, 2].map((i) => camera.stats[`rtp[${i}]`] as RtpOutputStats);
    for (const s of outputs) assert.ok(s.packets > 0 && s.frames > 0, JSON.stringify(s));
    assert.ok(outputs[0].bitrateKbps > 0);
    // ffmpeg binds its port only once it read the SDP, and both it and eyrie receive leave
    // when done: their outputs saw "connection refused" (a state, retried), GStreamer's did not.
    assert.equal(outputs[0].sendErrors, 0, JSON.stringify(outputs[0]));
    assert.equal(outputs[0].state, "up");
    assert.equal(outputs[2].receivers.length, 1, JSON.stringify(outputs[2]));
    assert.equal(outputs[2].receivers[0].cumulativeLost, 0);
    assert.ok(outputs[2].receivers[0].rttMs !== null, "RTT from eyrie receive's LSR/DLSR");

    assert.equal(await eyrie.stop(), 0);
    stopped = true;
  } finally {
    if (!stopped) await eyrie.stop();
  }
  // Every frame an output sent, its GStreamer peer decoded: loopback loses none.
  const logs = eyrie.logs();
  const sentH264 = framesSent(logs, "h/rtp/0"), sentJpeg = framesSent(logs, "j/rtp/0");
  assert.ok(sentH264 > 60 && sentJpeg > 60, `${sentH264} and ${sentJpeg} frames sent`);
  assert.equal(await h264.finish(), sentH264, "avdec_h264 decoded every H.264 frame sent");
  assert.equal(await jpeg.finish(), sentJpeg, "jpegdec decoded every JPEG frame sent");
});
