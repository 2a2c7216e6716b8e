/// <reference lib="dom" />
/**
 * Sound devices with a real sound server: a private PulseAudio
 * (tests/_pulse.ts, null sinks only). A camera whose `audio` is a PulseAudio
 * source records what is played into it (660 Hz in the segment's Opus track,
 * by ffmpeg's decode); `eyrie probe` lists the server; talk from Chromium's
 * fake microphone (a 1 kHz WAV) reaches a `pulse:` speaker and an `alsa:`
 * one (ALSA's pulse plugin), each judged by what the sink's monitor
 * captured.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { launchChromium } from "../../_chromium.ts";
import { PULSE_INSTALLED, startPulse } from "../../_pulse.ts";
import { peakOf } from "../../_spectrum.ts";
import { fakeMicrophone, makeTone } from "../../_tone.ts";
import { camera, getJson, startEyrie, tempConfig, until } from "../../faults/_faults.ts";
import { EYRIE_FLAGS, MAIN } from "../../ui/cli/_eyrie.ts";
import { dominantHz } from "./_audio.ts";
import { openTalkPage, talkFrom } from "../viewer/_talk_page.ts";

const ignore = !PULSE_INSTALLED;

/** 48 kHz mono S16LE samples of a file. */
async function samplesOf(file: string): Promise<Int16Array> {
  const bytes = await Deno.readFile(file);
  return new Int16Array(bytes.buffer, 0, bytes.length >> 1);
}

Deno.test({
  name:
    "a camera's audio from a PulseAudio source is recorded (660 Hz), and eyrie probe lists the server",
  ignore,
  async fn() {
    await using pulse = await startPulse(["eyrie_mic"]);
    const tone = pulse.play("eyrie_mic", 660);
    try {
      await using cfg = await tempConfig(
        `[console]\nlisten = "127.0.0.1:0"\n[recording]\ndir = "rec"\nsegment_s = 10\n` +
          camera("porch", "test", `audio = "pulse:eyrie_mic.monitor"\n`),
      );
      const probe = await new Deno.Command(Deno.execPath(), {
        args: ["run", ...EYRIE_FLAGS, MAIN, "probe", "--json"],
        env: pulse.env,
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(probe.code, 0, new TextDecoder().decode(probe.stderr));
      const inputs = JSON.stringify(JSON.parse(new TextDecoder().decode(probe.stdout)));
      assert.match(inputs, /"pulse:default"/);

      const eyrie = await startEyrie(cfg.file, { env: pulse.env });
      try {
        const audio = await until("the camera's sound live", async () => {
          const c = await getJson<{ audio: { state: string; source?: string } }>(
            `${eyrie.url}/api/cameras/porch`,
          );
          return c.audio.state === "live" ? c.audio : undefined;
        });
        assert.equal(audio.state, "live");
        const segment = await until("a closed segment with sound", async () => {
          const list = await getJson<{ segments: { path: string; open: boolean }[] }>(
            `${eyrie.url}/api/recordings?camera=porch`,
          );
          return list.segments.find((s) => !s.open);
        }, 60_000);
        const raw = join(cfg.dir, "porch.raw");
        const ff = await new Deno.Command("ffmpeg", {
          args: [
            "-v",
            "error",
            "-i",
            join(cfg.dir, "rec", segment.path),
            "-map",
            "0:a",
            "-ac",
            "1",
            "-ar",
            "48000",
            "-f",
            "s16le",
            raw,
          ],
          stdout: "null",
          stderr: "piped",
        }).output();
        assert.equal(ff.code, 0, new TextDecoder().decode(ff.stderr));
        const pcm = await samplesOf(raw);
        assert.ok(pcm.length >= 48_000 * 2, `${pcm.length} samples in the segment's sound`);
        // The segment's last second: its first may open before the sound is up (silence first).
        const { hz, rms } = dominantHz(pcm.subarray(pcm.length - 48_000));
        assert.equal(hz, 660);
        assert.ok(rms > 1000, `rms ${rms}: the tone, not silence`);
      } finally {
        assert.equal(await eyrie.stop(), 0);
      }
    } finally {
      await tone.stop();
    }
  },
});

Deno.test({
  name:
    "talk from Chromium's microphone (1 kHz) plays through a pulse: speaker and an alsa: one (ALSA's pulse plugin), as their sinks' monitors capture it",
  ignore,
  async fn() {
    // The first sink is the server's default: where ALSA's "pulse" PCM plays.
    await using pulse = await startPulse(["alsa_out", "door_out"]);
    const dir = await Deno.makeTempDir({ prefix: "pulse-talk-" });
    try {
      const wav = await makeTone(dir);
      await using cfg = await tempConfig(
        `[console]\nlisten = "127.0.0.1:0"\n[recording]\nenabled = false\n` +
          camera("door", "test", `audio = "none"\nspeaker = "pulse:door_out"\n`) +
          camera("hall", "test", `audio = "none"\nspeaker = "alsa:pulse"\n`),
      );
      const eyrie = await startEyrie(cfg.file, { env: pulse.env });
      await using browser = await launchChromium({ args: fakeMicrophone(wav) });
      try {
        for (const [id, sink] of [["door", "door_out"], ["hall", "alsa_out"]]) {
          const captured = join(dir, `${id}.pcm`);
          const rec = pulse.record(`${sink}.monitor`, captured);
          const page = await openTalkPage(browser, eyrie.url);
          const got = await talkFrom(page, eyrie.url, id);
          assert.equal(got.status, 201, got.body);
          await until(`${id}: three seconds of the microphone played`, async () => {
            const t = (await getJson<{ talk: { state: string; packets?: number } }>(
              `${eyrie.url}/api/cameras/${id}`,
            )).talk;
            return t.state === "held" && (t.packets ?? 0) >= 150 ? t : undefined;
          });
          await page.close();
          await rec.stop();
          const pcm = await samplesOf(captured);
          assert.ok(pcm.length > 48_000 * 2, `${id}: ${pcm.length} samples captured`);
          // The loudest stretch of a second: the capture begins before the talk does.
          let best = { start: 0, rms: -1 };
          for (let s = 0; s + 16_384 <= pcm.length; s += 4_800) {
            const p = peakOf(pcm, 48_000, s);
            if (p.rms > best.rms) best = { start: s, rms: p.rms };
          }
          const peak = peakOf(pcm, 48_000, best.start);
          assert.ok(
            Math.abs(peak.hz - 1000) < 10,
            `${id}: peak at ${peak.hz} Hz, rms ${peak.rms}; eyrie: ${
              eyrie.logs().split("\n").filter((l) => /speaker|talk|pulse/i.test(l)).join("\n")
            }`,
          );
          assert.ok(peak.share > 0.9, `${id}: ${peak.share} of the power around 1 kHz`);
          console.log(
            `${id} (${sink}): peak ${peak.hz.toFixed(1)} Hz, ${
              (peak.share * 100).toFixed(1)
            } % of the power within 30 Hz, rms ${peak.rms.toFixed(3)}`,
          );
        }
      } finally {
        assert.equal(await eyrie.stop(), 0);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
