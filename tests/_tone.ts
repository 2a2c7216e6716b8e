/**
 * A WAV of a sine made with gst-launch (GStreamer's audiotestsrc and
 * wavenc), for Chromium's fake microphone
 * (`--use-file-for-fake-audio-capture`): 48 kHz mono 16-bit, half scale.
 */
import assert from "node:assert/strict";
import { join } from "node:path";

/** Writes `<dir>/tone.wav` (1 s of `hz`) and returns its path. */
export async function makeTone(dir: string, hz = 1000): Promise<string> {
  const wav = join(dir, "tone.wav");
  const out = await new Deno.Command("gst-launch-1.0", {
    args: [
      "-q",
      "audiotestsrc",
      `freq=${hz}`,
      "volume=0.5",
      "num-buffers=100",
      "samplesperbuffer=480",
      "!",
      "audio/x-raw,rate=48000,channels=1,format=S16LE",
      "!",
      "wavenc",
      "!",
      "filesink",
      `location=${wav}`,
    ],
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return wav;
}

/** Chromium's flags for a fake microphone playing `wav`, without asking. */
export function fakeMicrophone(wav: string): string[] {
  return [
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    `--use-file-for-fake-audio-capture=${wav}`,
  ];
}
