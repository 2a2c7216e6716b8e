/// <reference lib="dom" />
/**
 * Main and sub streams with Chromium as the viewer: a viewer asks for the
 * sub stream and decodes it at its size; a viewer behind a link that loses
 * packets (a UDP proxy in this test that drops 40 % of the RTP packets, by
 * sequence number, so NACKed resends are lost too) is moved to the sub
 * stream and back once the link is clean, in the same session, while the
 * main stream's encoder keeps its rate and the recording (ffprobe) keeps
 * the main stream's size and bitrate.
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from "../../_chromium.ts";
import { viewerReady } from "../../ui/http/_whep.ts";
import { getJson, startEyrie, tempConfig, until } from "../../faults/_faults.ts";
import { connect, decoded, WHEP_PAGE } from "./_whep_page.ts";
import { LinkProxy } from "./_link_proxy.ts";

interface CameraReport {
  streams: { sub: { width: number; height: number; mode: string } | null };
  stats: {
    encoder?: { targetKbps: number };
    "sub-encoder"?: { targetKbps: number; accessUnits: number };
    viewer?: {
      started: number;
      targetKbps: number;
      sessions: {
        id: string;
        stream: string;
        adaptive: boolean;
        switches: number;
        downReason: string | null;
      }[];
    };
  };
}

async function ffprobe(file: string) {
  const out = await new Deno.Command("ffprobe", {
    args: [
      "-v",
      "error",
      "-select_streams",
      "v:0",
      "-show_entries",
      "stream=width,height:format=duration,size",
      "-of",
      "json",
      file,
    ],
  }).output();
  const j = JSON.parse(new TextDecoder().decode(out.stdout));
  const duration = Number(j.format.duration);
  return {
    width: j.streams[0].width as number,
    height: j.streams[0].height as number,
    duration,
    kbps: (Number(j.format.size) * 8) / duration / 1000,
  };
}

async function files(dir: string, ext: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory) out.push(...await files(p, ext));
    else if (e.name.endsWith(ext)) out.push(p);
  }
  return out.sort();
}

const MAIN_KBPS = 1500;
const SUB_KBPS = 300;

async function withEyrie(
  recording: boolean,
  body: (
    url: string,
    page: import("playwright-core").Page,
    camera: () => Promise<CameraReport>,
  ) => Promise<void>,
  after: (dir: string) => Promise<void> = () => Promise.resolve(),
) {
  // snow: every frame is new, so the encoder really spends the rate it is asked for.
  await using cfg = await tempConfig(
    `[console]\nlisten = "127.0.0.1:0"\n` +
      (recording ? `[recording]\nsegment_s = 10\n` : `[recording]\nenabled = false\n`) +
      `[detection]\nmotion = false\n` +
      `[[camera]]\nid = "yard"\nsource = "test"\npattern = "snow"\nwidth = 640\nheight = 360\n` +
      `fps = 20\nbitrate_kbps = ${MAIN_KBPS}\nmin_bitrate_kbps = 200\n` +
      `  [camera.sub]\n  width = 320\n  height = 180\n  fps = 10\n  bitrate_kbps = ${SUB_KBPS}\n`,
  );
  const eyrie = await startEyrie(cfg.file);
  const profile = await Deno.makeTempDir({ prefix: "substream-chromium-" });
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_FLAGS,
  });
  let stopped = false;
  try {
    await viewerReady(eyrie.url, "yard");
    const page = await browser.newPage();
    await page.route(
      `${eyrie.url}/whep-page`,
      (r) => r.fulfill({ contentType: "text/html", body: WHEP_PAGE }),
    );
    await page.goto(`${eyrie.url}/whep-page`);
    await body(eyrie.url, page, () => getJson<CameraReport>(`${eyrie.url}/api/cameras/yard`));
    await browser.close();
    assert.equal(await eyrie.stop("SIGTERM"), 0);
    stopped = true;
    await after(`${cfg.dir}/data/recordings/yard`);
  } finally {
    await browser.close().catch(() => {});
    await Deno.remove(profile, { recursive: true });
    if (!stopped) await eyrie.stop("SIGTERM");
  }
}

Deno.test("Chromium decodes the sub stream it asks for (?stream=sub) at its size, and the main stream by default", async () => {
  await withEyrie(false, async (url, page, camera) => {
    const sub = (await camera()).streams.sub!;
    assert.deepEqual([sub.mode, sub.width, sub.height], ["encoded", 320, 180]);
    await connect(page, "main", `${url}/api/cameras/yard/whep`);
    await connect(page, "sub", `${url}/api/cameras/yard/whep?stream=sub`);
    for (const [name, width] of [["main", 640], ["sub", 320]] as const) {
      await until(`${name}: 20 frames at ${width} wide`, async () => {
        const d = await decoded(page, name);
        return d.frames >= 20 && d.width === width ? d : undefined;
      }, 30_000);
    }
    const viewer = await until("both sessions in the stats", async () => {
      const v = (await camera()).stats.viewer;
      return v !== undefined && v.sessions.length === 2 ? v : undefined;
    });
    assert.deepEqual(
      viewer.sessions.map((s) => [s.stream, s.adaptive]).sort(),
      [["main", true], ["sub", false]],
    );
    const bad = await fetch(`${url}/api/cameras/yard/whep?stream=low`, {
      method: "POST",
      headers: { "content-type": "application/sdp" },
      body: "v=0\r\n",
    });
    assert.equal(bad.status, 400);
    // Refused by the route's query schema (ui/http/validate.ts), naming the field and the choices.
    assert.match(
      (await bad.json()).error,
      /^stream: Invalid option: expected one of "auto"\|"main"\|"sub"/,
    );
  });
});

Deno.test("a Chromium viewer behind a lossy link moves to the sub stream and back in one session; the main stream and its recording keep their size and rate", async () => {
  const proxy = new LinkProxy();
  const mainTargets = new Set<number>();
  let subLowest = SUB_KBPS;
  try {
    await withEyrie(true, async (url, page, camera) => {
      await page.exposeFunction("makeProxy", (port: number) => proxy.start(port));
      const watch = async () => {
        const c = await camera();
        if (c.stats.encoder !== undefined) mainTargets.add(c.stats.encoder.targetKbps);
        subLowest = Math.min(subLowest, c.stats["sub-encoder"]?.targetKbps ?? SUB_KBPS);
        return c;
      };
      const location = await connect(page, "v", `${url}/api/cameras/yard/whep`, true);
      const session = location.split("/").pop()!;
      const on = (stream: string) => async () => {
        const s = (await watch()).stats.viewer?.sessions.find((x) => x.id === session);
        return s?.stream === stream ? s : undefined;
      };
      await until("the main stream decoded, 640 wide", async () => {
        await watch();
        const d = await decoded(page, "v");
        return d.frames >= 30 && d.width === 640 ? d : undefined;
      }, 30_000);

      proxy.lossy = true;
      const down = await until("moved to the sub stream", on("sub"), 30_000);
      assert.equal(down.switches, 1);
      // Lossy a while longer: the sub stream's encoder follows its (only, weakest) viewer down.
      await until("the sub stream's rate lowered", async () => {
        await watch();
        return subLowest < SUB_KBPS ? subLowest : undefined;
      }, 20_000);
      assert.ok(proxy.dropped > 0);

      proxy.lossy = false;
      await until("the sub stream decoded in the same session, 320 wide", async () => {
        await watch();
        const d = await decoded(page, "v");
        return d.width === 320 ? d : undefined;
      }, 30_000);
      const up = await until("back on the main stream", on("main"), 60_000);
      assert.equal(up.switches, 2);
      const last = await until("the main stream decoded again, 640 wide", async () => {
        await watch();
        const d = await decoded(page, "v");
        return d.width === 640 ? d : undefined;
      }, 30_000);
      assert.equal(last.state, "connected", "the same RTCPeerConnection all along");
      assert.equal((await camera()).stats.viewer!.started, 1, "no new session");
      // And Prometheus says so (the viewer reports every second).
      await until("the metrics", async () => {
        const text = await (await fetch(`${url}/metrics`)).text();
        return /^eyrie_viewer_stream_switches_total\{camera="yard"\} 2$/m.test(text) &&
            /^eyrie_viewers_on_sub\{camera="yard"\} 0$/m.test(text)
          ? text
          : undefined;
      });
    }, async (dir) => {
      // No viewer moved the main stream's encoder: its target stayed the configured rate.
      assert.deepEqual([...mainTargets], [MAIN_KBPS]);
      await recordedAsConfigured(dir);
    });
  } finally {
    proxy.close();
  }
});

/** The recording is the main stream's, whoever watched how: size and rate of every whole segment. */
async function recordedAsConfigured(dir: string): Promise<void> {
  const segments = await files(dir, ".mp4");
  assert.ok(segments.length >= 2, `segments: ${segments.join(", ")}`);
  for (const f of segments) {
    const p = await ffprobe(f);
    assert.deepEqual([p.width, p.height], [640, 360], `${f}: the main stream's size`);
    // Whole segments only: a short last one's rate is its keyframe's.
    if (p.duration >= 5) {
      assert.ok(p.kbps > MAIN_KBPS * 0.6, `${f}: ${Math.round(p.kbps)} kb/s, not the main rate`);
    }
  }
}

Deno.test("a Chromium viewer behind a slow link that delays and loses nothing moves to the sub stream (jitter or REMB) and back; the recording keeps its size and rate", async () => {
  const proxy = new LinkProxy();
  const mainTargets = new Set<number>();
  try {
    await withEyrie(true, async (url, page, camera) => {
      await page.exposeFunction("makeProxy", (port: number) => proxy.start(port));
      const location = await connect(page, "v", `${url}/api/cameras/yard/whep`, true);
      const session = location.split("/").pop()!;
      const on = (stream: string) => async () => {
        const c = await camera();
        if (c.stats.encoder !== undefined) mainTargets.add(c.stats.encoder.targetKbps);
        const s = c.stats.viewer?.sessions.find((x) => x.id === session);
        return s?.stream === stream ? s : undefined;
      };
      await until("the main stream decoded, 640 wide", async () => {
        const d = await decoded(page, "v");
        return d.frames >= 30 && d.width === 640 ? d : undefined;
      }, 30_000);
      // A link of 40 % of the main stream's rate: it takes the sub stream (300 kb/s), not the main.
      proxy.throttleKbps = MAIN_KBPS * 0.4;
      const down = await until("moved to the sub stream", on("sub"), 45_000);
      assert.equal(down.switches, 1);
      assert.ok(
        down.downReason === "jitter" || down.downReason === "remb",
        `moved for ${down.downReason}`,
      );
      assert.equal(proxy.dropped, 0, "the proxy lost nothing");
      assert.ok(proxy.maxQueuedBytes > 0);
      await until("the sub stream decoded through the slow link, 320 wide", async () => {
        const d = await decoded(page, "v");
        return d.width === 320 ? d : undefined;
      }, 30_000);
      proxy.throttleKbps = 0;
      await until("back on the main stream", on("main"), 60_000);
      await until("the main stream decoded again, 640 wide", async () => {
        const d = await decoded(page, "v");
        return d.width === 640 ? d : undefined;
      }, 30_000);
    }, async (dir) => {
      assert.deepEqual([...mainTargets], [MAIN_KBPS]);
      await recordedAsConfigured(dir);
    });
  } finally {
    proxy.close();
  }
});
