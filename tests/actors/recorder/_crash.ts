// SIGKILL in the middle of a segment: start a recorder (gst-launch-1.0 or a
// Deno process), wait until its segment has grown for a while, wait a chosen
// phase, and kill it. Shared by the crash tests of every container.

/** Longest wait for the segment to grow; the test fails past it (the recorder hung). */
export const GROWTH_TIMEOUT_MS = 30_000;
const POLL_MS = 20;

export async function fileSize(path: string): Promise<number> {
  try {
    return (await Deno.stat(path)).size;
  } catch {
    return 0;
  }
}

/**
 * Starts `cmd`, waits until the segment at `seg` has grown `growths` times
 * (mp4/mov grow once a fragment; mkv/avi once a frame), then `phaseMs`, then
 * SIGKILLs it. Returns its stderr.
 */
export async function killMidSegment(
  cmd: string,
  args: string[],
  seg: string,
  options: { growths: number; phaseMs: number },
): Promise<string> {
  const child = new Deno.Command(cmd, { args, stdin: "null", stdout: "null", stderr: "piped" })
    .spawn();
  try {
    const deadline = Date.now() + GROWTH_TIMEOUT_MS;
    let seen = 0;
    let last = 0;
    while (seen < options.growths) {
      if (Date.now() > deadline) throw new Error(`Segment ${seg} stopped growing at ${last} bytes`);
      await new Promise((r) => setTimeout(r, POLL_MS));
      const size = await fileSize(seg);
      if (size !== last) seen++;
      last = size;
    }
    await new Promise((r) => setTimeout(r, options.phaseMs));
  } finally {
    child.kill("SIGKILL");
  }
  const { stderr } = await child.output();
  return new TextDecoder().decode(stderr);
}
