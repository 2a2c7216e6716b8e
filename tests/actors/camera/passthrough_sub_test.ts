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
    main: {
      mode: string;
      source?: { profile: string; width: number };
      decoding?: { decoded: number; every: boolean };
    };
    sub: { mode: string; reason: string; width: number; state: string; users: number } | null;
  };
  stats: { "sub-encoder"?: { accessUnits: number; fps: number; idle: boolean } };
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
    const r = await until("passing through, the sub encoder reporting", async () => {
      const c = await report();
      return c.streams.main.mode === "passthrough" && c.streams.main.source !== undefined &&
          c.stats["sub-encoder"] !== undefined
        ? c
        : undefined;
    });
    assert.equal(r.streams.main.source!.profile, "high");
    assert.equal(r.streams.sub!.mode, "encoded");
    assert.match(r.streams.sub!.reason, /decoded/);
    // Nobody uses the sub stream yet: nothing is encoded for it.
    assert.equal(r.streams.sub!.state, "idle");
    assert.equal(r.stats["sub-encoder"]!.accessUnits, 0);
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
    const used = await report();
    assert.equal(used.streams.sub!.state, "encoding");
    assert.equal(used.streams.sub!.users, 1);
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

Deno.test("a passed-through camera without B-frames decodes keyframes only while nobody uses its sub stream, and every picture while a viewer does", async () => {
  await using rtsp = await startRtspCamera(closedPort(), { size: "320x240", fps: 15 });
  await using cfg = await tempConfig(
    `[console]\nlisten = "127.0.0.1:0"\n[recording]\nenabled = false\n[detection]\nmotion = false\n` +
      `[[camera]]\nid = "gate"\nsource = "${rtsp.url}"\nwidth = 320\nheight = 240\nfps = 15\n` +
      `  [camera.sub]\n  width = 160\n  height = 120\n  bitrate_kbps = 200\n`,
  );
  const eyrie = await startEyrie(cfg.file);
  const profile = await Deno.makeTempDir({ prefix: "substream-chromium-" });
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_FLAGS,
  });
  try {
    const report = () => getJson<Report>(`${eyrie.url}/api/cameras/gate`);
    // The camera's GOP is its fps (one keyframe a second): idle, one access unit a second decoded.
    const a = await until("passing through, decoding", async () => {
      const c = await report();
      return (c.streams.main.decoding?.decoded ?? 0) >= 2 ? c : undefined;
    });
    assert.equal(a.streams.main.decoding!.every, false);
    const b = await until("three more keyframes decoded", async () => {
      const c = await report();
      return c.streams.main.decoding!.decoded >= a.streams.main.decoding!.decoded + 3
        ? c
        : undefined;
    });
    const idleDecoded = b.streams.main.decoding!.decoded - a.streams.main.decoding!.decoded;
    assert.ok(idleDecoded <= 5, `${idleDecoded} access units decoded for 3 keyframes`);
    assert.equal(b.stats["sub-encoder"]!.accessUnits, 0);
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
    const c = await report();
    assert.equal(c.streams.main.decoding!.every, true);
    // Every access unit now: more than a keyframe's worth per second.
    const d = await until("every picture decoded", async () => {
      const x = await report();
      return x.streams.main.decoding!.decoded >= c.streams.main.decoding!.decoded + 30
        ? x
        : undefined;
    });
    assert.ok(d.streams.main.decoding!.every);
  } finally {
    await browser.close().catch(() => {});
    await Deno.remove(profile, { recursive: true });
    await eyrie.stop("SIGTERM");
  }
});
