// Recording in Matroska, MOV and AVI end to end, with the real `eyrie run`:
// three test cameras (H.264 in mkv, H.264 in mov, MJPEG in avi) in 10 s
// segments for ~25 s. ffprobe reads every segment with the right container,
// codec and duration; thumbnails and ranges work; exports copy to mp4, mkv,
// mov and transcode to WebM (one at a time per camera: a second one is a
// 429 with Retry-After; progress shows), and the WebM plays in Chromium; the
// /recordings player plays each (the mkv file itself, the mov as a copy to
// MP4, the MJPEG as pictures); then a SIGKILL mid-segment costs what
// docs/recording.md says, and a restart closes and repairs the cut files.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { join } from "node:path";
import { startEyrie, tempConfig } from "../cli/_eyrie.ts";
import { getJson, gstDecodesAny, listAll, type ListedSegment } from "./_recordings_client.ts";
import { clickTimeline, openBrowser } from "./_recordings_browser.ts";
import { probeInfo } from "../../actors/recorder/_media.ts";

const SEGMENT_S = 10;
const FRAME_S = 1 / 30;
const CONFIG = `
[console]
listen = "127.0.0.1:0"
[log]
format = "json"
[recording]
dir = "rec"
segment_s = ${SEGMENT_S}
[[camera]]
id = "mk"
source = "test"
width = 320
height = 240
fps = 30
  [camera.recording]
  container = "mkv"
[[camera]]
id = "mo"
source = "test"
width = 320
height = 240
fps = 30
  [camera.recording]
  container = "mov"
[[camera]]
id = "av"
source = "test"
pattern = "ball"
width = 320
height = 240
fps = 30
codec = "mjpeg"
`;

const CAMERAS = { mk: "mkv", mo: "mov", av: "avi" } as const;
const FORMAT_NAME = { mkv: "matroska,webm", mov: "mov,mp4,m4a,3gp,3g2,mj2", avi: "avi" };
const MEDIA_TYPE = { mkv: "video/x-matroska", mov: "video/quicktime", avi: "video/x-msvideo" };

type Listed = ListedSegment & { container: string; codec: string; media_type: string };

async function waitFor<T>(what: string, fn: () => Promise<T | null>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function save(res: Response, file: string): Promise<string> {
  await Deno.writeFile(file, new Uint8Array(await res.arrayBuffer()));
  return file;
}

async function diskSegments(rec: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const cam of Object.keys(CAMERAS)) {
    for await (const day of Deno.readDir(join(rec, cam))) {
      for await (const f of Deno.readDir(join(rec, cam, day.name))) {
        if (f.name.endsWith(".jpg")) continue;
        const path = `${cam}/${day.name}/${f.name}`;
        out.set(path, (await Deno.lstat(join(rec, path))).size);
      }
    }
  }
  return out;
}

Deno.test("eyrie records mkv, mov and avi that ffprobe reads, exports them to every format (WebM one at a time, playing in Chromium), plays each on /recordings, and a SIGKILL costs what the docs say", async () => {
  await using cfg = await tempConfig(CONFIG);
  const rec = join(cfg.dir, "rec");
  let eyrie = await startEyrie(cfg.file);
  try {
    const base = eyrie.url;
    const all = await waitFor("two closed segments of each camera", async () => {
      const list = (await listAll(base)) as Listed[];
      const ready = Object.keys(CAMERAS).every((c) =>
        list.filter((s) => s.camera === c && !s.open).length >= 2
      );
      return ready ? list : null;
    });
    const closed = (camera: string) => all.filter((s) => s.camera === camera && !s.open);

    // ffprobe reads every closed segment: container, codec, the index's duration and frames.
    for (const [camera, container] of Object.entries(CAMERAS)) {
      for (const s of closed(camera)) {
        assert.equal(s.container, container);
        assert.equal(s.codec, camera === "av" ? "mjpeg" : "h264");
        assert.equal(s.media_type, MEDIA_TYPE[container]);
        assert.ok(s.path.endsWith(`.${container}`), s.path);
        const p = await probeInfo(join(rec, s.path));
        assert.equal(p.format, FORMAT_NAME[container], s.path);
        assert.equal(p.codec, s.codec, s.path);
        assert.equal(p.frames, s.frames, s.path);
        assert.ok(
          Math.abs(p.duration! - s.duration_s!) <= FRAME_S + 0.001,
          `${s.path}: ${p.duration}`,
        );
        assert.equal(s.complete, true);
        // The file by id, with its media type and ranges; its thumbnail.
        const part = await fetch(`${base}${s.url}`, { headers: { range: "bytes=0-99" } });
        assert.equal(part.status, 206);
        assert.equal(part.headers.get("content-type"), MEDIA_TYPE[container]);
        assert.equal((await part.arrayBuffer()).byteLength, 100);
        const thumb = await fetch(`${base}${s.thumbnail_url}`);
        assert.deepEqual([...new Uint8Array(await thumb.arrayBuffer()).subarray(0, 2)], [
          0xff,
          0xd8,
        ]);
      }
    }

    // Copies of one segment into each format: the same codec, duration and frames.
    const [mk1, mk2] = closed("mk");
    const [mo1] = closed("mo");
    const [av1, av2] = closed("av");
    for (
      const [s, format] of [[mk1, "mp4"], [mk1, "mov"], [mo1, "mkv"], [av1, "mkv"], [
        av1,
        "mov",
      ]] as const
    ) {
      const res = await fetch(`${base}${s.url}?format=${format}`);
      assert.equal(res.status, 200, `${s.path} as ${format}`);
      const file = await save(res, join(cfg.dir, `copy-${s.id}.${format}`));
      const p = await probeInfo(file);
      assert.equal(p.codec, s.codec);
      assert.equal(p.frames, s.frames, `${s.path} as ${format}`);
      assert.ok(Math.abs(p.duration! - s.duration_s!) <= 2 * FRAME_S, `${format}: ${p.duration}`);
    }
    // A copy is a file: ranges work on it.
    const ranged = await fetch(`${base}${mo1.url}?format=mp4`, {
      headers: { range: "bytes=10-19" },
    });
    assert.equal(ranged.status, 206);
    await ranged.body?.cancel();
    // Formats that cannot be: 400 naming the allowed ones.
    const bad = await getJson<{ error: string }>(`${base}${mk1.url}?format=avi`);
    assert.equal(bad.status, 400);
    // Refused by the route's query schema (ui/http/validate.ts), naming the field and the formats.
    assert.match(
      bad.body.error,
      /^format: Invalid option: expected one of "mp4"\|"mkv"\|"mov"\|"webm"/,
    );
    const mjpegMp4 = await getJson<{ error: string }>(`${base}${av1.url}?format=mp4`);
    assert.equal(mjpegMp4.status, 400);
    assert.match(mjpegMp4.body.error, /exports to mkv, mov, webm/);

    // Stitched downloads across a cut, each camera to a container that holds its codec.
    for (
      const [camera, first, second, format] of [
        ["mk", mk1, mk2, "mkv"],
        ["av", av1, av2, "mov"],
      ] as const
    ) {
      const from = first.start_ms + 3000;
      const to = second.start_ms + 4000;
      const res = await fetch(
        `${base}/api/recordings/download?camera=${camera}&from=${from}&to=${to}&format=${format}`,
      );
      assert.equal(res.status, 200);
      const file = await save(res, join(cfg.dir, `dl-${camera}.${format}`));
      const p = await probeInfo(file);
      assert.equal(p.codec, first.codec);
      const span = (to - from) / 1000;
      // From the keyframe at or before `from` (H.264: up to 1 s before; MJPEG: every frame is one).
      assert.ok(
        p.duration! >= span - 2 * FRAME_S && p.duration! <= span + 1 + FRAME_S,
        `${p.duration}`,
      );
      assert.equal(await gstDecodesAny(file), "");
    }

    // WebM: one transcode at a time per camera. The first waits for its reader, so it is running.
    const webmUrl = `${base}/api/recordings/download?camera=mk&from=${mk1.start_ms}&to=${
      mk2.start_ms + 2000
    }&format=webm`;
    const first = await fetch(webmUrl);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get("content-type"), "video/webm");
    const second = await fetch(webmUrl);
    assert.equal(second.status, 429);
    assert.ok(Number(second.headers.get("retry-after")) >= 1);
    assert.match((await second.json()).error, /already running.*one export at a time/);
    const running = await getJson<
      { exports: { camera: string; state: string; total_s: number }[] }
    >(
      `${base}/api/recordings/exports?camera=mk`,
    );
    assert.equal(running.body.exports[0].state, "running");
    assert.ok(
      Math.abs(running.body.exports[0].total_s - (mk2.start_ms + 2000 - mk1.start_ms) / 1000) < 1,
    );
    const webm = await save(first, join(cfg.dir, "mk.webm"));
    const w = await probeInfo(webm);
    assert.equal(w.format, "matroska,webm");
    assert.equal(w.codec, "vp8");
    const webmSpan = (mk2.start_ms + 2000 - mk1.start_ms) / 1000;
    assert.ok(Math.abs(w.duration! - webmSpan) <= 2 * FRAME_S, `webm lasts ${w.duration} s`);
    // Every recorded frame of the range, re-encoded (a camera under load records fewer than 30/s).
    const same = await probeInfo(
      await save(
        await fetch(webmUrl.replace("format=webm", "format=mkv")),
        join(cfg.dir, "mk-copy.mkv"),
      ),
    );
    assert.equal(w.frames, same.frames);
    const done = await waitFor("the export to end", async () => {
      const list = (await getJson<{ exports: { state: string; progress: number }[] }>(
        `${base}/api/recordings/exports`,
      )).body.exports;
      return list[0].state === "done" ? list[0] : null;
    }, 10_000);
    assert.equal(done.progress, 1);

    {
      await using browser = await openBrowser();
      const { page } = browser;
      // The WebM export plays in Chromium to its end. (Served from the file saved above: a
      // transcode at nice 19 on a machine busy with other tests can be slower than the player.)
      const webmBytes = await Deno.readFile(webm);
      await page.route(
        "**/export.webm",
        (route) =>
          route.fulfill({
            status: 200,
            contentType: "video/webm",
            body: Buffer.from(webmBytes),
          }),
      );
      await page.goto(`${base}/recordings`);
      await page.waitForSelector("body[data-ready='1']");
      const played = await page.evaluate(async (src) => {
        const v = document.createElement("video");
        v.muted = true;
        document.body.append(v);
        v.src = src;
        v.playbackRate = 4;
        await v.play();
        await new Promise((resolve, reject) => {
          v.onended = resolve;
          v.onerror = () => reject(new Error(v.error?.message ?? "error"));
          setTimeout(() => reject(new Error(`stuck at ${v.currentTime}`)), 30_000);
        });
        const out = { duration: v.duration, currentTime: v.currentTime, width: v.videoWidth };
        v.remove();
        return out;
      }, `${base}/export.webm`);
      assert.equal(played.width, 320);
      assert.ok(Math.abs(played.currentTime - w.duration!) <= 2 * FRAME_S, JSON.stringify(played));
      assert.ok(Math.abs(played.duration - w.duration!) <= 2 * FRAME_S, JSON.stringify(played));

      // The player: the mkv file itself, the mov as a copy to MP4, the MJPEG as pictures.
      await page.selectOption("#zoom", "10m");
      const video = () =>
        page.evaluate(() => {
          const v = document.querySelector<HTMLVideoElement>("#player")!;
          return { segment: v.dataset.segment, source: v.dataset.source, t: v.currentTime };
        });
      await clickTimeline(page, "mk", mk1.start_ms + 5000);
      await page.waitForFunction(
        (id) => {
          const v = document.querySelector<HTMLVideoElement>("#player")!;
          return v.dataset.segment === id && !v.paused && v.currentTime >= 5.2;
        },
        String(mk1.id),
        { timeout: 20_000 },
      );
      assert.equal((await video()).source, "file");
      await clickTimeline(page, "mo", mo1.start_ms + 5000);
      await page.waitForFunction(
        (id) => {
          const v = document.querySelector<HTMLVideoElement>("#player")!;
          return v.dataset.segment === id && !v.paused && v.currentTime >= 5.2;
        },
        String(mo1.id),
        { timeout: 20_000 },
      );
      const mo = await video();
      assert.equal(mo.source, "mp4");
      assert.ok(mo.t < 8, `seeked to ${mo.t} s`);
      await clickTimeline(page, "av", av1.start_ms + 8500);
      await page.waitForFunction(
        (id) => {
          const i = document.querySelector<HTMLImageElement>("#mjpeg")!;
          return i.dataset.segment === id && i.naturalWidth === 320 &&
            Number(i.dataset.time) >= 8.7;
        },
        String(av1.id),
        { timeout: 20_000 },
      );
      // On into the next segment.
      await page.waitForFunction(
        (id) => {
          const i = document.querySelector<HTMLImageElement>("#mjpeg")!;
          return i.dataset.segment === id && Number(i.dataset.time) > 0.1;
        },
        String(av2.id),
        { timeout: 20_000 },
      );
    }

    // SIGKILL in the middle of a segment of each camera.
    const open = await waitFor("mid-segment", async () => {
      const list = (await listAll(base)) as Listed[];
      const now = Date.now();
      const opens = Object.keys(CAMERAS).map((c) => list.find((s) => s.camera === c && s.open));
      const mid = opens.every((s) =>
        s !== undefined && now - s.start_ms >= 3500 && now - s.start_ms <= 8000
      );
      return mid ? opens as Listed[] : null;
    });
    const killedAt = Date.now();
    await eyrie.stop("SIGKILL");
    const cut = new Map<string, number>();
    for (const s of open) {
      const file = join(rec, s.path);
      const p = await probeInfo(file);
      // Every frame left decodes, and at most 1 s is lost.
      const lost = (killedAt - s.start_ms) / 1000 - p.frames / 30;
      assert.ok(lost <= 1, `${s.path}: lost ${lost} s`);
      assert.equal(await gstDecodesAny(file), "", s.path);
      // mov states its duration at once; mkv and avi only once repaired.
      if (s.container === "mov") assert.ok(p.duration !== null, s.path);
      else assert.equal(p.duration, null, s.path);
      cut.set(s.path, p.frames);
    }

    // Restart: the cut segments are closed and repaired, the index matches the disk, all plays.
    eyrie = await startEyrie(cfg.file);
    const after = (await listAll(eyrie.url)) as Listed[];
    for (const s of open) {
      const row = after.find((x) => x.id === s.id)!;
      assert.equal(row.open, false, s.path);
      assert.equal(row.complete, false, s.path);
      assert.equal(row.frames, cut.get(s.path), s.path);
      const p = await probeInfo(join(rec, s.path));
      assert.ok(p.duration !== null, `${s.path} has a duration after the repair`);
      assert.ok(
        Math.abs(p.duration - row.duration_s!) <= FRAME_S + 0.001,
        `${s.path}: ${p.duration}`,
      );
    }
    const disk = await waitFor("the index to match the disk", async () => {
      const [listed, onDisk] = [await listAll(eyrie.url), await diskSegments(rec)];
      const same = listed.length === onDisk.size && listed.every((s) => onDisk.has(s.path));
      return same ? onDisk : null;
    }, 5000);
    for (const s of after.filter((s) => !s.open)) {
      assert.equal(s.bytes, disk.get(s.path), s.path);
      assert.equal(await gstDecodesAny(join(rec, s.path)), "", s.path);
    }
    // Delete takes the file and its thumbnail, whatever the container.
    assert.equal((await fetch(`${eyrie.url}${av1.url}`, { method: "DELETE" })).status, 204);
    await assert.rejects(Deno.lstat(join(rec, av1.path)), Deno.errors.NotFound);
    await assert.rejects(
      Deno.lstat(join(rec, av1.path.replace(/\.avi$/, ".jpg"))),
      Deno.errors.NotFound,
    );
    assert.equal(await eyrie.stop(), 0);
  } finally {
    await eyrie.stop("SIGKILL").catch(() => {});
  }
});
