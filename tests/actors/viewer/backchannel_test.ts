/**
 * The RTSP backchannel link and its pipelines with the real peers:
 * gst-rtsp-server's RTSPOnvifServer as the camera (with a password, its
 * backchannel decoded into a WAV), a plain RTSPServer without one, and
 * GStreamer parsing the transcoding pipeline of every codec eyrie sends.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { BackchannelLink, NoBackchannelError } from "../../../actors/viewer/backchannel.ts";
import { backchannelPipeline } from "../../../actors/viewer/backchannel_pipeline.ts";
import { Pipeline } from "../../../ffi/gst/mod.ts";
import type { Backchannel } from "../../../transports/rtsp/client/backchannel_sdp.ts";
import { BackchannelSpeaker } from "../../../actors/viewer/backchannel_speaker.ts";
import { peakOf } from "../../_spectrum.ts";
import { closedPort, startRtspCamera, until } from "../../faults/_faults.ts";
import { encodeOpus, pcm } from "../recorder/_sound.ts";

/** A 20 ms PCMU packet (160 samples of µ-law 0xff: silence) with sequence `seq`. */
function pcmu(seq: number): Uint8Array {
  const p = new Uint8Array(12 + 160).fill(0xff);
  p[0] = 0x80;
  p[1] = 0;
  new DataView(p.buffer).setUint16(2, seq);
  new DataView(p.buffer).setUint32(4, seq * 160);
  new DataView(p.buffer).setUint32(8, 0x1234);
  return p;
}

Deno.test({
  name:
    "BackchannelLink signs in to an ONVIF camera (Basic), sends what the camera plays, and names each failure",
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "back-link-" });
    const heard = join(dir, "heard.wav");
    await using cam = await startRtspCamera(closedPort(), {
      backchannel: heard,
      user: "admin",
      password: "s3cret",
    });
    await using plain = await startRtspCamera(closedPort());
    const withPassword = cam.url.replace("rtsp://", "rtsp://admin:s3cret@");
    try {
      const link = await BackchannelLink.open(withPassword);
      assert.equal(link.backchannel.encoding, "PCMU");
      // Paced as a talker sends them (100 packets in one burst did not reach the file; not pursued).
      for (let i = 0; i < 100; i++) {
        link.send(pcmu(i));
        await new Promise((r) => setTimeout(r, 20));
      }
      await until("the camera played 100 packets", async () => {
        const size = (await Deno.stat(heard).catch(() => ({ size: 0 }))).size;
        // 44 bytes of WAV header, then 160 samples of 16 bits a packet.
        return size >= 44 + 100 * 320 ? size : undefined;
      });
      assert.equal(link.sent, 100);
      assert.equal(link.closed, null);
      link.close();
      assert.equal(link.closed, "closed by eyrie");

      await assert.rejects(
        BackchannelLink.open(cam.url.replace("rtsp://", "rtsp://admin:wrong@")),
        /refused eyrie's credentials \(401/,
      );
      await assert.rejects(BackchannelLink.open(plain.url), NoBackchannelError);
      await assert.rejects(
        BackchannelLink.open(`rtsp://127.0.0.1:${closedPort()}/x`),
        /Cannot reach the camera at 127\.0\.0\.1:\d+/,
      );

      // The camera going away is a cause on the link, not an error thrown anywhere.
      const gone = await BackchannelLink.open(withPassword);
      await cam.stop();
      const cause = await until("the link closed", () => gone.closed ?? undefined);
      assert.match(cause, /closed the connection|connection/);
      gone.send(pcmu(0)); // dropped without a throw
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
  sanitizeOps: false,
  sanitizeResources: false,
});

Deno.test("backchannelPipeline() builds in GStreamer for PCMU, PCMA, Opus and AAC; refuses others by name", () => {
  const base: Omit<Backchannel, "encoding" | "clockRate" | "payloadType"> = {
    control: "rtsp://h/s/stream=2",
    streams: [],
    index: 0,
    channels: 1,
    fmtp: "",
  };
  for (
    const [encoding, clockRate, payloadType] of [
      ["PCMU", 8000, 0],
      ["PCMA", 8000, 8],
      ["OPUS", 48000, 98],
      ["MPEG4-GENERIC", 16000, 99],
    ] as const
  ) {
    using p = Pipeline.parse(backchannelPipeline({ ...base, encoding, clockRate, payloadType }));
    assert.ok(p.appSrc("talk") && p.appSink("backchannel"), encoding);
  }
  assert.throws(
    () => backchannelPipeline({ ...base, encoding: "G726-32", clockRate: 8000, payloadType: 5 }),
    /takes G726-32\/8000, which eyrie cannot send/,
  );
});

/** The samples and rate of the WAV the camera wrote (wavenc's 44-byte header, 16-bit mono). */
async function heardSamples(path: string): Promise<{ rate: number; samples: Int16Array }> {
  const bytes = await Deno.readFile(path);
  const rate = bytes.length >= 44 ? new DataView(bytes.buffer).getUint32(24, true) : 0;
  return {
    rate,
    samples: new Int16Array(bytes.slice(44, 44 + ((bytes.length - 44) >> 1) * 2).buffer),
  };
}

// AAC is left out: gst-rtsp-server's camera (rtpmp4gdepay ! avdec_aac) wrote twice the samples
// its WAV header says (the tone at 441 Hz if read at 32 kHz), not resolved (docs/audio.md).
for (const codec of ["pcmu", "opus"] as const) {
  Deno.test({
    name:
      `BackchannelSpeaker transcodes a talker's Opus (a 440 Hz tone) to a ${codec} backchannel the camera plays`,
    fn: async () => {
      const dir = await Deno.makeTempDir({ prefix: "back-codec-" });
      const heard = join(dir, "heard.wav");
      await using cam = await startRtspCamera(closedPort(), {
        backchannel: heard,
        backchannelCodec: codec,
      });
      try {
        const speaker = new BackchannelSpeaker(cam.url);
        assert.equal(await speaker.open(), null);
        const packets = encodeOpus(pcm(3));
        for (const p of packets) {
          assert.ok(speaker.push(p.bytes, Math.round(p.ptsNs * 48_000 / 1e9)));
          assert.equal(speaker.poll(), null);
          // Paced as a browser sends them.
          await new Promise((r) => setTimeout(r, 20));
        }
        const { rate, samples } = await until("2 s of sound at the camera", async () => {
          const h = await heardSamples(heard).catch(() => undefined);
          return h !== undefined && h.rate > 0 && h.samples.length >= h.rate * 2 ? h : undefined;
        });
        speaker.close();
        const peak = peakOf(samples, rate, samples.length - 8192 - rate / 4, 8192);
        console.log(
          `${codec} backchannel: ${samples.length} samples at ${rate} Hz, peak ${
            peak.hz.toFixed(1)
          } Hz, ${(peak.share * 100).toFixed(1)} % within 30 Hz`,
        );
        assert.ok(Math.abs(peak.hz - 440) < 15, `peak at ${peak.hz} Hz`);
        assert.ok(peak.share > 0.8, `${peak.share} of the power around 440 Hz`);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
    sanitizeOps: false,
    sanitizeResources: false,
  });
}
