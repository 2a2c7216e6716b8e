/**
 * GStreamer's rtspsrc as a player in tests: whether it decoded a number of
 * frames from an RTSP URL.
 *
 * Judged by the EOS that `fakesink num-buffers=N` sends once N frames went
 * through, not by gst-launch's exit code: rtspsrc (1.22) has a race of its
 * own at shutdown. Going PLAYING → NULL queues PAUSE and then CLOSE, and
 * CLOSE flushes the connection while PAUSE is on it; the PAUSE then fails
 * with "Could not send message. (Received end-of-file)", an ERROR is posted
 * and gst-launch exits 1, although the server never saw the PAUSE and the
 * TEARDOWN that follows is answered 200 (seen 1 in 40 runs, with
 * GST_DEBUG=rtspsrc:6 showing "connection flush busy PAUSE"). An error
 * before the EOS still fails: then no EOS is printed.
 *
 * @module
 */

/** What one gst-launch run of rtspsrc ! chain ! fakesink did. */
export interface RtspsrcRun {
  /** The sink got its `buffers` frames (the pipeline reached EOS). */
  ok: boolean;
  /** gst-launch's stdout and stderr, for the assertion's message. */
  output: string;
  code: number;
}

/**
 * Plays `url` through rtspsrc and `chain` (e.g. "rtph264depay ! avdec_h264")
 * into a fakesink that ends after `buffers` frames.
 */
export async function rtspsrcDecodes(
  url: string,
  chain: string,
  opts: { buffers?: number; rtspsrc?: string[]; timeoutMs?: number } = {},
): Promise<RtspsrcRun> {
  const out = await new Deno.Command("gst-launch-1.0", {
    args: [
      "rtspsrc",
      `location=${url}`,
      ...(opts.rtspsrc ?? []),
      "!",
      ...chain.split(" "),
      "!",
      "fakesink",
      `num-buffers=${opts.buffers ?? 30}`,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(opts.timeoutMs ?? 40_000),
  }).output();
  const d = new TextDecoder();
  const stdout = d.decode(out.stdout);
  const output = stdout + d.decode(out.stderr);
  return { ok: /^Got EOS from element "pipeline0"\.$/m.test(stdout), output, code: out.code };
}
