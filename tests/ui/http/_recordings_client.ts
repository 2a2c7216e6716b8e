// Helpers for the recordings tests against a real `eyrie run`: the API as a
// client sees it, raw HTTP for paths fetch() would normalise, and the media
// judges (ffprobe, GStreamer).

/** A segment as GET /api/recordings lists it. */
export interface ListedSegment {
  id: number;
  camera: string;
  path: string;
  start_ms: number;
  end_ms: number | null;
  duration_s: number | null;
  bytes: number;
  frames: number;
  complete: boolean;
  open: boolean;
  url: string;
  thumbnail_url: string | null;
}

export async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const r = await fetch(url);
  return { status: r.status, body: await r.json() as T };
}

/** Every segment, following `next` through pages of `limit`. */
export async function listAll(base: string, query = "", limit = 100): Promise<ListedSegment[]> {
  const out: ListedSegment[] = [];
  let cursor: string | null = null;
  do {
    const q: string = `${base}/api/recordings?limit=${limit}${query}` +
      (cursor === null ? "" : `&cursor=${cursor}`);
    const { status, body } = await getJson<{ segments: ListedSegment[]; next: string | null }>(q);
    if (status !== 200) throw new Error(`${q} answered ${status}`);
    out.push(...body.segments);
    cursor = body.next;
  } while (cursor !== null);
  return out;
}

/** Sends `GET <path>` byte for byte (no dot-segment normalisation) and returns the status code. */
export async function rawGet(base: string, path: string): Promise<number> {
  const { hostname, port } = new URL(base);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  try {
    await conn.write(
      new TextEncoder().encode(
        `GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: close\r\n\r\n`,
      ),
    );
    const buf = new Uint8Array(4096);
    let text = "";
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      text += new TextDecoder().decode(buf.subarray(0, n));
      if (text.includes("\r\n")) break;
    }
    return Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
  } finally {
    conn.close();
  }
}

async function tool(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  const o = await new Deno.Command(cmd, {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const d = new TextDecoder();
  return { code: o.code, out: d.decode(o.stdout) + d.decode(o.stderr) };
}

/** The presentation times (s) of a file's video keyframes, by ffprobe. */
export async function keyframeTimes(file: string): Promise<number[]> {
  const r = await tool("ffprobe", [
    "-v",
    "error",
    "-select_streams",
    "v:0",
    "-skip_frame",
    "nokey",
    "-show_entries",
    "frame=pts_time",
    "-of",
    "json",
    file,
  ]);
  if (r.code !== 0) throw new Error(`ffprobe failed on ${file}: ${r.out}`);
  return JSON.parse(r.out).frames.map((f: { pts_time: string }) => Number(f.pts_time));
}

/** ffprobe's duration (s) and decoded frame count of a file. */
export async function probe(file: string): Promise<{ duration: number; frames: number }> {
  const r = await tool("ffprobe", [
    "-v",
    "error",
    "-count_frames",
    "-select_streams",
    "v:0",
    "-show_entries",
    "format=duration:stream=duration,nb_read_frames",
    "-of",
    "json",
    file,
  ]);
  if (r.code !== 0) throw new Error(`ffprobe failed on ${file}: ${r.out}`);
  const j = JSON.parse(r.out);
  // The video's own duration: a segment with sound may end its audio track a fragment apart
  // (the file's duration is the longer of the two), and the index measures the video.
  const video = Number(j.streams[0].duration);
  return {
    duration: Number.isFinite(video) ? video : Number(j.format.duration),
    frames: Number(j.streams[0].nb_read_frames),
  };
}

/** Decodes every frame with GStreamer (qtdemux, avdec_h264); true when it gets to the end cleanly. */
export async function gstDecodes(file: string): Promise<string> {
  const r = await tool("gst-launch-1.0", [
    "-q",
    "filesrc",
    `location=${file}`,
    "!",
    "qtdemux",
    "!",
    "h264parse",
    "!",
    "avdec_h264",
    "!",
    "fakesink",
  ]);
  return r.code === 0 ? "" : r.out.trim() || `exit ${r.code}`;
}

/** Decodes every frame with GStreamer's decodebin (any container, any codec); "" when clean. */
export async function gstDecodesAny(file: string): Promise<string> {
  const r = await tool("gst-launch-1.0", [
    "-q",
    "filesrc",
    `location=${file}`,
    "!",
    "decodebin",
    "!",
    "fakesink",
  ]);
  return r.code === 0 ? "" : r.out.trim() || `exit ${r.code}`;
}
