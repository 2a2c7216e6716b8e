// Raw frames from GStreamer's videotestsrc, for tests on frames the project
// did not draw itself.

/**
 * Runs `videotestsrc pattern=<pattern> num-buffers=<frames>` into a GRAY8
 * raw file and returns one Uint8Array per frame.
 */
export async function videotestsrcGray(
  pattern: string,
  options: { width: number; height: number; frames: number; extra?: string[] },
): Promise<Uint8Array[]> {
  const { width, height, frames, extra = [] } = options;
  const dir = await Deno.makeTempDir({ prefix: "eyrie-detector-" });
  const file = `${dir}/frames.gray`;
  try {
    const { code, stderr } = await new Deno.Command("gst-launch-1.0", {
      args: [
        "-q",
        "videotestsrc",
        `pattern=${pattern}`,
        `num-buffers=${frames}`,
        ...extra,
        "!",
        `video/x-raw,format=GRAY8,width=${width},height=${height},framerate=30/1`,
        "!",
        "filesink",
        `location=${file}`,
      ],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (code !== 0) throw new Error(`gst-launch-1.0 failed: ${new TextDecoder().decode(stderr)}`);
    const bytes = await Deno.readFile(file);
    const size = width * height;
    if (bytes.length !== size * frames) {
      throw new Error(`Expected ${frames} frames of ${size} bytes, got ${bytes.length} bytes`);
    }
    return Array.from({ length: frames }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
