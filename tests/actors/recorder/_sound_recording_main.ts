// A recording with sound in a process of its own, to be SIGKILLed: a test
// camera and its tone on real Workers (camera, encoder, audio, recorder),
// recording continuously into DIR until killed.
//
// As a program: deno run -A _sound_recording_main.ts DIR [mp4|mkv|avi]
// (avi: an MJPEG camera, whose container it is).
import { startRecording } from "./_recording_tree.ts";

const [dir, container = "mp4"] = Deno.args;
if (dir === undefined) throw new TypeError("Usage: _sound_recording_main.ts DIR [CONTAINER]");
await startRecording({
  dir,
  sound: true,
  cameras: [{
    id: "cam",
    ...(container === "avi" ? { codec: "mjpeg", encoder: "jpeg" } : {}),
    recording: { mode: "continuous", container },
  }],
});
// Records until the test kills the process.
await new Promise(() => {});
