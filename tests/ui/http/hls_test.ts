/**
 * LL-HLS of a real `eyrie run`, read by ffprobe and ffmpeg: the
 * multivariant and media playlists, the rules Apple's validator checks,
 * blocking playlist reload, the preload-hinted part, the window that bounds
 * what is kept, and every refusal with its reason. (hls.js in Chromium:
 * tests/ui/console/hls_browser_test.ts.)
 */
import assert from "node:assert/strict";
import { startEyrie, tempConfig } from "../cli/_eyrie.ts";
import { assertLowLatencyRules, parseMediaPlaylist } from "./_hls.ts";
import { HLS_WINDOW } from "../../../actors/hls/stream.ts";

const CONFIG = `
[console]
listen = "127.0.0.1:0"
[recording]
enabled = false
[[camera]]
id = "front"
source = "test"
width = 320
height = 240
fps = 15
encoder = "x264"
[[camera]]
id = "mjpeg"
source = "test"
width = 320
height = 240
fps = 5
codec = "mjpeg"
[[camera]]
id = "gone"
source = "rtsp://127.0.0.1:9/nothing"
encoder = "x264"
`;

async function run(
  cmd: string,
  args: string[],
): Promise<{ code: number; out: Uint8Array; err: string }> {
  const r = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  return { code: r.code, out: r.stdout, err: new TextDecoder().decode(r.stderr) };
}

async function error(res: Response): Promise<string> {
  return (await res.json()).error;
}

Deno.test("LL-HLS: ffprobe and ffmpeg play it; blocking reload, preload hint, window and refusals", async () => {
  await using cfg = await tempConfig(CONFIG);
  const eyrie = await startEyrie(cfg.file);
  try {
    await check(eyrie.url, cfg.dir);
  } finally {
    await eyrie.stop();
  }
});

async function check(url: string, dir: string): Promise<void> {
  const base = `${url}/api/cameras/front/hls`;

  // The multivariant playlist: one variant with CODECS from the SPS, its size and bandwidth.
  const index = await fetch(`${base}/index.m3u8`);
  assert.equal(index.status, 200);
  assert.equal(index.headers.get("content-type"), "application/vnd.apple.mpegurl");
  const variants = await index.text();
  assert.match(
    variants,
    /^#EXT-X-STREAM-INF:BANDWIDTH=\d+,CODECS="avc1\.[0-9a-f]{6}",RESOLUTION=320x240,/m,
  );
  assert.match(variants, /^stream\.m3u8$/m);

  // ffprobe reads the stream; ffmpeg decodes 45 whole frames of it without an error.
  const probe = await run("ffprobe", [
    "-v",
    "error",
    "-show_streams",
    "-of",
    "json",
    `${base}/index.m3u8`,
  ]);
  assert.equal(probe.code, 0, probe.err);
  const stream = JSON.parse(new TextDecoder().decode(probe.out)).streams[0];
  assert.equal(stream.codec_name, "h264");
  assert.equal(stream.width, 320);
  assert.equal(stream.height, 240);
  const frames = 45;
  const decode = await run("ffmpeg", [
    "-v",
    "error",
    "-i",
    `${base}/index.m3u8`,
    "-frames:v",
    String(frames),
    "-f",
    "rawvideo",
    "-pix_fmt",
    "gray",
    "-",
  ]);
  assert.equal(decode.code, 0, decode.err);
  assert.equal(decode.err, "");
  assert.equal(decode.out.length, frames * 320 * 240);

  // The media playlist keeps the validator's rules.
  const now = parseMediaPlaylist(await (await fetch(`${base}/stream.m3u8`)).text());
  assertLowLatencyRules(now);
  assert.ok(now.segments.length >= 2, "at least one whole segment and the open one");
  for (const s of now.segments.filter((s) => s.parts.length > 0 && s.duration !== null)) {
    assert.ok(s.parts[0].independent, `segment ${s.msn} opens with an independent part`);
  }
  const init = await fetch(`${base}/${now.map}`);
  assert.equal(init.headers.get("content-type"), "video/mp4");
  assert.equal(new TextDecoder().decode((await init.bytes()).subarray(4, 8)), "ftyp");

  // Blocking reload: ask for the part after the last one listed; the answer lists it.
  const last = now.segments.at(-1)!;
  const msn = last.msn;
  const want = last.duration === null ? last.parts.length : 0;
  const wantMsn = last.duration === null ? msn : msn + 1;
  const blocked = await fetch(`${base}/stream.m3u8?_HLS_msn=${wantMsn}&_HLS_part=${want}`);
  assert.equal(blocked.status, 200);
  const after = parseMediaPlaylist(await blocked.text());
  // §6.2.5.2: that part, or, when the segment ended before it, a part of the next segment.
  const seg = after.segments.find((s) => s.msn === wantMsn);
  const next = after.segments.find((s) => s.msn === wantMsn + 1);
  assert.ok(
    (seg !== undefined && seg.parts.length > want) ||
      (seg?.duration != null && next !== undefined && next.parts.length > 0),
    `part ${wantMsn}.${want} or a later one is listed`,
  );

  // The preload hint names the next part; fetching it waits for it, and then it is listed.
  const hint = after.preloadHint;
  const part = await fetch(`${base}/${hint}`);
  assert.equal(part.status, 200);
  assert.equal(new TextDecoder().decode((await part.bytes()).subarray(4, 8)), "moof");
  const listed = parseMediaPlaylist(await (await fetch(`${base}/stream.m3u8`)).text());
  assert.ok(listed.segments.some((s) => s.parts.some((p) => p.uri === hint)), `${hint} listed`);

  // A whole segment is its parts: ffprobe reads init + segment as one file.
  const whole = listed.segments.find((s) => s.duration !== null)!;
  const bytes = new Uint8Array([
    ...await (await fetch(`${base}/${listed.map}`)).bytes(),
    ...await (await fetch(`${base}/${whole.uri}`)).bytes(),
  ]);
  const file = await Deno.makeTempFile({ dir, suffix: ".mp4" });
  await Deno.writeFile(file, bytes);
  // Every sample decodes: as many frames as packets, and the segment's worth of them (no
  // sample lasts longer than a part: a stall on a loaded machine counts as one frame time).
  const count = await run("ffprobe", [
    "-v",
    "error",
    "-count_frames",
    "-count_packets",
    "-show_entries",
    "stream=nb_read_frames,nb_read_packets",
    "-of",
    "csv=p=0",
    file,
  ]);
  assert.equal(count.code, 0, count.err);
  const [decoded, packets] = new TextDecoder().decode(count.out).trim().split(",").map(Number);
  assert.equal(decoded, packets);
  const least = Math.floor(whole.duration! / listed.partTarget);
  assert.ok(decoded >= least && decoded > 0, `${decoded} frames in ${whole.duration} s`);

  // Refusals, each with its reason.
  const far = await fetch(`${base}/stream.m3u8?_HLS_msn=${msn + 10}`);
  assert.equal(far.status, 400);
  assert.match(await error(far), /past the live edge/);
  const bad = await fetch(`${base}/stream.m3u8?_HLS_msn=1&_HLS_part=x`);
  assert.equal(bad.status, 400);
  assert.match(await error(bad), /^_HLS_part: is not a number$/);
  const orphan = await fetch(`${base}/stream.m3u8?_HLS_part=1`);
  assert.equal(orphan.status, 400);
  assert.match(await error(orphan), /_HLS_part needs _HLS_msn/);
  const ahead = await fetch(`${base}/part/${Number(/\d+/.exec(hint)![0]) + 50}.mp4`);
  assert.equal(ahead.status, 404);
  assert.match(await error(ahead), /past the live edge/);
  const mjpeg = await fetch(`${url}/api/cameras/mjpeg/hls/index.m3u8`);
  assert.equal(mjpeg.status, 409);
  assert.match(await error(mjpeg), /LL-HLS needs codec = "h264"/);
  // A camera that delivers nothing: 503 with Retry-After and the reason, not a hang.
  const down = await fetch(`${url}/api/cameras/gone/hls/index.m3u8`);
  assert.equal(down.status, 503);
  assert.equal(down.headers.get("retry-after"), "2");
  assert.match(await error(down), /delivered no video|is not running/);
  const none = await fetch(`${url}/api/cameras/nope/hls/index.m3u8`);
  assert.equal(none.status, 404);
  await none.body?.cancel();

  // The window: once more segments than it holds were made, the oldest are gone and 404.
  let latest = listed;
  while (latest.mediaSequence === 0) {
    latest = parseMediaPlaylist(
      await (await fetch(
        `${base}/stream.m3u8?_HLS_msn=${latest.segments.at(-1)!.msn + 1}`,
      )).text(),
    );
  }
  assert.ok(latest.segments.length <= HLS_WINDOW + 1, `${latest.segments.length} segments kept`);
  const gone = await fetch(`${base}/part/0.mp4`);
  assert.equal(gone.status, 404);
  assert.match(await error(gone), /no longer kept/);
  const goneSeg = await fetch(`${base}/seg/0.mp4`);
  assert.equal(goneSeg.status, 404);
  await goneSeg.body?.cancel();
}
