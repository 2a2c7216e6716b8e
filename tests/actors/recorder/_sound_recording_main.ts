// A recording with sound in a process of its own, to be SIGKILLed: a test
// camera and its tone on real Workers (camera, encoder, audio, recorder),
// recording continuously into DIR until killed.
//
// As a program: deno run -A _sound_recording_main.ts DIR
import { startRecording } from "./_recording_tree.ts";

const dir = Deno.args[0];
if (dir === undefined) throw new TypeError("Usage: _sound_recording_main.ts DIR");
await startRecording({
  dir,
  sound: true,
  cameras: [{ id: "cam", recording: { mode: "continuous" } }],
});
// Records until the test kills the process.
await new Promise(() => {});
