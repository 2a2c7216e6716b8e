/**
 * The audio actor in the real camera tree: a test camera's tone, encoded to
 * Opus and decoded again by GStreamer's opusdec (libopus) at 440 Hz; a
 * microphone that is not there, and a sound server that is not there, show
 * the audio offline with its cause while the video stays live.
 */
import assert from "node:assert/strict";
import {
  decodeOpus,
  dominantHz,
  FrameFlags,
  FrameFormat,
  readPackets,
  startSystem,
  until,
} from "./_audio.ts";

Deno.test("a test camera's sound is a 440 Hz tone in 20 ms Opus packets on the audio ring, live in /api/cameras/:id", async () => {
  const eyrie = await startSystem([{ id: "cam", source: "test" }]);
  try {
    const live = await until("the audio to be live", async () => {
      const c = await eyrie.camera("cam");
      return c.audio.state === "live" ? c : undefined;
    });
    assert.equal(live.audio.source, "test tone 440 Hz");
    assert.equal(live.audio.codec, "opus");
    const packets = await readPackets(eyrie.system.cameras.get("cam")!.rings.audio, 100);
    for (const p of packets) {
      assert.equal(p.format, FrameFormat.OPUS);
      assert.equal(p.durationNs, 20_000_000);
      assert.equal(p.aux, 960);
      assert.ok((p.flags & FrameFlags.KEYFRAME) !== 0);
      // RFC 6716 §3.1: TOC config 16–19 (CELT-only) or 12–15 (hybrid) or 0–11 (SILK); code 0.
      assert.equal(p.bytes[0] & 0x03, 0, "one frame per packet");
    }
    // Capture times 20 ms apart on the ring clock.
    for (let i = 1; i < packets.length; i++) {
      assert.equal(Math.round((packets[i].pts - packets[i - 1].pts) / 1e6), 20);
    }
    const pcm = decodeOpus(packets);
    assert.ok(pcm.length >= 48_000 * 1.9, `2 s of sound decoded, got ${pcm.length} samples`);
    const { hz, rms } = dominantHz(pcm.subarray(4800));
    assert.equal(hz, 440);
    assert.ok(rms > 1000, `a tone, not silence (rms ${rms.toFixed(0)})`);
    const stats = (await eyrie.camera("cam")).stats.audio!;
    assert.ok(stats.packets >= 100 && stats.bytes > 0);
  } finally {
    await eyrie.stop();
  }
});

Deno.test("a missing ALSA device and a missing sound server leave the video live and show the audio offline with its cause", async () => {
  const eyrie = await startSystem([
    { id: "mic", source: "test", audio: "alsa:hw:7,0" },
    { id: "pulse", source: "test", audio: "pulse:default" },
    { id: "mute", source: "test", audio: "none" },
  ]);
  try {
    const mic = await until("alsa:hw:7,0 offline", async () => {
      const c = await eyrie.camera("mic");
      return c.audio.state === "offline" ? c : undefined;
    });
    assert.equal(mic.audio.cause, "no such audio device alsa:hw:7,0 (no /dev/snd/pcmC7D0c)");
    assert.ok(Date.parse(mic.audio.retry_at!) > 0);
    const pulse = await until("pulse offline", async () => {
      const c = await eyrie.camera("pulse");
      return c.audio.state === "offline" ? c : undefined;
    });
    assert.match(pulse.audio.cause!, /^no sound server/);
    // The video is live and goes on, and nothing was restarted.
    for (const id of ["mic", "pulse", "mute"]) {
      const first = await until(`${id}'s video`, async () => {
        const c = await eyrie.camera(id);
        return c.status.state === "live" && (c.stats.encoder?.accessUnits ?? 0) > 0 ? c : undefined;
      });
      await until(`${id}'s video to go on`, async () => {
        const c = await eyrie.camera(id);
        return c.stats.encoder!.accessUnits > first.stats.encoder!.accessUnits + 5 ? c : undefined;
      });
      const c = await eyrie.camera(id);
      assert.deepEqual(c.actors.filter((a) => a.restarts > 0), [], `${id}: no restarts`);
    }
    // audio = "none": no audio actor at all, and no error.
    const mute = await eyrie.camera("mute");
    assert.deepEqual(mute.audio, { state: "none", reason: 'audio = "none"' });
    assert.ok(!mute.actors.some((a) => a.id.endsWith("/audio")));
  } finally {
    await eyrie.stop();
  }
});
