/// <reference lib="dom" />
/**
 * A passed-through RTSP camera (gst-rtsp-server, x264 High profile with
 * B-frames) with a sub stream: the main stream stays the camera's own in the
 * recording (ffprobe: its profile and size), and the sub stream is encoded
 * from the decoded source at its own size and rate; Chromium decodes it.
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from "../../_chromium.ts";
import { viewerReady } from "../../ui/http/_whep.ts";
import {
  closedPort,
  getJson,
  startEyrie,
  startRtspCamera,
  tempConfig,
  until,
} from "../../faults/_faults.ts";
import { connect, decoded, WHEP_PAGE } from "../viewer/_whep_page.ts";

interface Report {
  streams: {
    main: { mode: string; source?: { profile: string; width: number } };
    sub: { mode: string; reason: string; width: number } | null;
  };
  stats: { "sub-encoder"?: { accessUnits: number; fps: number } };
}

async function probe(file: string): Promise<{ profile: string; width: number; height: number }> {
  const out = await new Deno.Command("ffprobe", {
    args: [
      "-v",
      "error",
      "-select_streams",
      "v:0",
      "-show_entries",
      "stream=profile,width,height",
      "-of",
      "json",
      file,
    ],
  }).output();
  return JSON.parse(new TextDecoder().decode(out.stdout)).streams[0];
}

async function mp4s(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory) out.push(...await mp4s(p));
    else if (e.name.endsWith(".mp4")) out.push(p);
  }
  return out;
}

Deno.test("a passed-through RTSP camera with [camera.sub]: the recording is the camera's own High profile, the sub stream eyrie's encode of the decoded source, decoded by Chromium", async () => {
  await using rtsp = await startRtspCamera(closedPort(), {
    size: "320x240",
    fps: 15,
    profile: "high",
    bframes: 2,
  });
  await using cfg = await tempConfig(
    `[console]\nlisten = "127.0.0.1:0"\n[recording]\nsegment_s = 10\n[detection]\nmotion = false\n` +
      `[[camera]]\nid = "gate"\nsource = "${rtsp.url}"\nwidth = 320\nheight = 240\nfps = 15\n` +
      `  [camera.sub]\n  width = 160\n  height = 120\n  bitrate_kbps = 200\n`,
  );
  const eyrie = await startEyrie(cfg.file);
  const profile = await Deno.makeTempDir({ prefix: "substream-chromium-" });
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_FLAGS,
  });
  let stopped = false;
  try {
    const report = () => getJson<Report>(`${eyrie.url}/api/cameras/gate`);
    const r = await until("passing through, the sub stream encoding", async () => {
      const c = await report();
      return c.streams.main.mode === "passthrough" && c.streams.main.source !== undefined &&
          (c.stats["sub-encoder"]?.fps ?? 0) > 8
        ? c
        : undefined;
    });
    assert.equal(r.streams.main.source!.profile, "high");
    assert.equal(r.streams.sub!.mode, "encoded");
    assert.match(r.streams.sub!.reason, /decoded/);
    await viewerReady(eyrie.url, "gate");
    const page = await browser.newPage();
    await page.route(
      `${eyrie.url}/whep-page`,
      (route) => route.fulfill({ contentType: "text/html", body: WHEP_PAGE }),
    );
    await page.goto(`${eyrie.url}/whep-page`);
    await connect(page, "sub", `${eyrie.url}/api/cameras/gate/whep?stream=sub`);
    await until("the sub stream decoded at 160 wide", async () => {
      const d = await decoded(page, "sub");
      return d.frames >= 20 && d.width === 160 ? d : undefined;
    }, 30_000);
    await browser.close();
    assert.equal(await eyrie.stop("SIGTERM"), 0);
    stopped = true;
    const files = await mp4s(`${cfg.dir}/data/recordings/gate`);
    assert.ok(files.length >= 1);
    for (const f of files) {
      assert.deepEqual(await probe(f), { profile: "High", width: 320, height: 240 }, f);
    }
  } finally {
    await browser.close().catch(() => {});
    await Deno.remove(profile, { recursive: true });
    if (!stopped) await eyrie.stop("SIGTERM");
  }
});
