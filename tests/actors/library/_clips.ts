/**
 * Short clips for the library tests and bench, made by gst-launch-1.0 (a
 * program the project did not write): 2 s of test pattern (and tone) in
 * each container the library reads.
 */

const V =
  "videotestsrc num-buffers=60 ! video/x-raw,format=I420,width=320,height=240,framerate=30/1";
const A = "audiotestsrc num-buffers=87 ! audioconvert ! audio/x-raw,rate=44100,channels=1";
const H264 =
  "x264enc key-int-max=15 speed-preset=ultrafast ! video/x-h264,profile=constrained-baseline ! h264parse";
const AAC = "avenc_aac ! aacparse";

/** gst-launch descriptions of each clip by file name; each ends with its muxer, named m. */
export const CLIPS: Readonly<Record<string, string>> = {
  "a.mp4": `${V} ! ${H264} ! queue ! m. ${A} ! ${AAC} ! queue ! m. mp4mux faststart=true name=m`,
  "b.mkv": `${V} ! ${H264} ! queue ! m. ${A} ! ${AAC} ! queue ! m. matroskamux name=m`,
  "c.webm":
    `${V} ! vp8enc deadline=1 ! queue ! m. ${A} ! audioresample ! opusenc ! queue ! m. webmmux name=m`,
  "d.avi": `${V} ! ${H264} ! queue ! m. avimux name=m`,
  "e.mov": `${V} ! ${H264} ! queue ! m. ${A} ! ${AAC} ! queue ! m. qtmux name=m`,
};

/** Runs one description into `out` (a path without spaces). */
export async function makeClip(description: string, out: string): Promise<void> {
  const text = `${description} ! filesink location=${out}`;
  const run = await new Deno.Command("gst-launch-1.0", {
    args: ["-q", ...text.split(" ").filter((s) => s !== "")],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (run.code !== 0) {
    throw new Error(`gst-launch-1.0 ${text} failed: ${new TextDecoder().decode(run.stderr)}`);
  }
}

/** Makes every clip in `dir`; returns their paths by name. */
export async function makeClips(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, d] of Object.entries(CLIPS)) {
    await makeClip(d, `${dir}/${name}`);
    out[name] = `${dir}/${name}`;
  }
  return out;
}
