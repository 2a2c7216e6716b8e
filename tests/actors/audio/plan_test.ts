/**
 * `audio = "…"` resolved against the video source and the machine, the
 * pipelines GStreamer builds from it, and the device names `eyrie probe`
 * reads from the kernel.
 */
import assert from "node:assert/strict";
import { checkConfig } from "../../../ui/config/mod.ts";
import { type AudioSource, planAudio, routeAudio, trackCodec } from "../../../actors/audio/plan.ts";
import { audioPipeline, passthroughPipeline } from "../../../actors/audio/pipeline.ts";
import { alsaCaptureNode, parseAsoundPcm, usbDeviceOf } from "../../../actors/audio/devices.ts";
import { Pipeline } from "../../../ffi/gst/mod.ts";

function cam(extra: Record<string, unknown>) {
  return checkConfig({ camera: [{ id: "c", ...extra }] }, "").camera[0];
}

const MIC = {
  name: "alsa:hw:1,0",
  description: "USB Audio",
  capture: true,
  playback: false,
  card: 1,
};

Deno.test("planAudio() resolves auto per source: a tone, the stream's track, a paired or default microphone, or none", () => {
  const none = { devices: [], paired: null };
  assert.deepEqual(planAudio(cam({}), { kind: "test", pattern: "smpte" }, none), { kind: "test" });
  assert.deepEqual(planAudio(cam({}), { kind: "rtsp", url: "rtsp://h/s" }, none), {
    kind: "rtsp",
    url: "rtsp://h/s",
    optional: true,
  });
  assert.deepEqual(planAudio(cam({}), { kind: "v4l2", device: "/dev/video0" }, none), {
    kind: "none",
    reason: "this machine has no audio input",
  });
  const machine = {
    devices: [MIC, { ...MIC, name: "alsa:hw:2,0", card: 2 }],
    paired: "alsa:hw:2,0",
  };
  assert.deepEqual(planAudio(cam({}), { kind: "v4l2", device: "/dev/video0" }, machine), {
    kind: "alsa",
    device: "hw:2,0",
  });
  assert.deepEqual(
    planAudio(cam({}), { kind: "libcamera" }, { devices: [MIC], paired: null }),
    { kind: "alsa", device: "hw:1,0" },
  );
  assert.equal(
    planAudio(cam({}), { kind: "screen", display: ":0", region: null }, none).kind,
    "none",
  );
  assert.deepEqual(planAudio(cam({ audio: "none" }), { kind: "test", pattern: "" }, none), {
    kind: "none",
    reason: 'audio = "none"',
  });
  assert.deepEqual(
    planAudio(cam({ audio: "pulse:default" }), { kind: "test", pattern: "" }, none),
    { kind: "pulse", device: "" },
  );
  assert.deepEqual(
    planAudio(
      cam({ audio: "test", source: "rtsp://h/s" }),
      { kind: "rtsp", url: "rtsp://h/s" },
      none,
    ),
    { kind: "test" },
  );
});

Deno.test("audio and audio_codec are checked with the cause named; the defaults are auto and opus", () => {
  assert.equal(cam({}).audio, "auto");
  assert.equal(cam({}).audio_codec, "opus");
  assert.equal(cam({ audio: "alsa:hw:1,0", audio_codec: "aac" }).audio_codec, "aac");
  assert.throws(() => cam({ audio: "mic; rm -rf" }), /audio.*use auto, none, test, alsa:<pcm>/s);
  assert.throws(() => cam({ audio_codec: "mp3" }), /audio_codec.*"opus", "aac"/s);
});

Deno.test("audioPipeline() builds a pipeline GStreamer parses for every source kind", () => {
  const kinds: AudioSource[] = [
    { kind: "test" },
    { kind: "alsa", device: "hw:1,0" },
    { kind: "pulse", device: "" },
    { kind: "pulse", device: "alsa_input.usb-mic" },
    { kind: "rtsp", url: "rtsp://user:p@127.0.0.1:1/s", optional: true },
    { kind: "file", path: "/tmp/a b.mp4", optional: true },
  ];
  for (const k of kinds) {
    const text = audioPipeline(k);
    assert.match(text, /opusenc bitrate=32000 frame-size=20 ! appsink name=audio/);
    Pipeline.parse(text)[Symbol.dispose]();
  }
  assert.throws(() => audioPipeline({ kind: "none", reason: "" }), TypeError);
});

Deno.test("parseAsoundPcm() names each PCM alsa:hw:C,D with what it records and plays", () => {
  const text = "00-00: ALC892 Analog : ALC892 Analog : playback 1 : capture 1\n" +
    "00-03: HDMI 0 : HDMI 0 : playback 1\n" +
    "02-00: USB Audio : USB Audio : capture 1\n";
  assert.deepEqual(parseAsoundPcm(text), [
    { name: "alsa:hw:0,0", description: "ALC892 Analog", capture: true, playback: true, card: 0 },
    { name: "alsa:hw:0,3", description: "HDMI 0", capture: false, playback: true, card: 0 },
    { name: "alsa:hw:2,0", description: "USB Audio", capture: true, playback: false, card: 2 },
  ]);
  assert.equal(alsaCaptureNode("hw:2,0"), "/dev/snd/pcmC2D0c");
  assert.equal(alsaCaptureNode("default"), null);
  assert.equal(
    usbDeviceOf("/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/sound/card2"),
    "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2",
  );
  assert.equal(usbDeviceOf("/sys/devices/pci0000:00/0000:00:1f.3/sound/card0"), null);
});

Deno.test("trackCodec() reads the discoverer's caps; routeAudio() passes Opus through and encodes the rest", () => {
  // Caps as GStreamer's discoverer gives them for gst-rtsp-server's tracks.
  const cases: [string, string][] = [
    ["audio/x-opus, channel-mapping-family=(int)0, channels=(int)1, rate=(int)48000", "opus"],
    ["audio/x-alaw, channels=(int)1, rate=(int)8000", "pcma"],
    ["audio/x-mulaw, channels=(int)1, rate=(int)8000", "pcmu"],
    ["audio/mpeg, mpegversion=(int)4, framed=(boolean)true, stream-format=(string)raw", "aac"],
    ["audio/mpeg, mpegversion=(int)1, layer=(int)3", "other"],
    ["audio/x-adpcm, layout=(string)g726", "other"],
  ];
  for (const [caps, codec] of cases) assert.equal(trackCodec(caps), codec, caps);
  const rtsp: AudioSource = { kind: "rtsp", url: "rtsp://127.0.0.1:1/s", optional: true };
  assert.equal(routeAudio(rtsp, "opus").mode, "passthrough");
  const pcmu = routeAudio(rtsp, "pcmu");
  assert.equal(pcmu.mode, "encoded");
  assert.match(pcmu.reason, /camera's own G\.711 µ-law \(PCMU\) is decoded and encoded to Opus/);
  assert.equal(
    routeAudio({ kind: "file", path: "/a.mkv", optional: true }, "opus").mode,
    "passthrough",
  );
  assert.equal(routeAudio({ kind: "test" }, null).mode, "encoded");
  for (const a of [rtsp, { kind: "file" as const, path: "/tmp/a b.mkv", optional: true }]) {
    const text = passthroughPipeline(a);
    assert.doesNotMatch(text, /opusenc|opusdec|decodebin/);
    Pipeline.parse(text)[Symbol.dispose]();
  }
});
