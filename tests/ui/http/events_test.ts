/// <reference lib="dom" />
// The events API and page, served by the real app over a real System (one
// camera with zones and masks, no actors), with events recorded through the
// same hub the detector uses. Peers: curl (SSE), ffprobe (snapshots) and
// Chromium (the page, EventSource).
import assert from "node:assert/strict";
import {
  closeEventHubs,
  type EventBody,
  EventHub,
  type StoredEvent,
} from "../../../actors/events/mod.ts";
import { System } from "../../../actors/system/mod.ts";
import { SnapshotEncoder } from "../../../actors/detector/snapshot.ts";
import { checkConfig } from "../../../ui/config/mod.ts";
import { createApp } from "../../../ui/http/app.ts";
import { MAX_SSE_CLIENTS, sseClients } from "../../../ui/http/sse.ts";
import { colourFrame } from "../../actors/detector/_frames.ts";
import { launchChromium } from "../../_chromium.ts";

const T0 = Date.UTC(2026, 4, 6, 7, 8, 9);
const DOOR: [number, number][] = [[0.5, 0.3], [0.9, 0.3], [0.9, 1], [0.5, 1]];
const TREE: [number, number][] = [[0, 0], [0.2, 0], [0.2, 0.3]];
const LIMITS = { maxEvents: 100, maxSnapshotBytes: 1 << 20 };

const box = { x: 0.55, y: 0.4, w: 0.2, h: 0.5 };
const BODIES: [string, EventBody, boolean][] = [
  ["front", { type: "motion_start", atMs: T0, zone: "door", box, area: 0.04 }, true],
  ["front", {
    type: "object",
    atMs: T0 + 1000,
    zone: "door",
    label: "person",
    classId: 0,
    score: 0.87,
    box,
  }, true],
  ["back", { type: "global_change", atMs: T0 + 2000, meanShift: 61, changedFraction: 0.9 }, false],
  ["front", {
    type: "motion_end",
    atMs: T0 + 3000,
    zone: "door",
    box,
    durationMs: 2500,
    peakArea: 0.06,
  }, false],
];

async function run(cmd: string, args: string[]) {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  const d = new TextDecoder();
  return { code: out.code, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr) };
}

Deno.test("events API and page: list, filter, page, snapshot, SSE and the page in Chromium", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "eyrie-events-http-" });
  const config = checkConfig({
    data_dir: dir,
    camera: [{
      id: "front",
      source: "test",
      detection: { zone: [{ name: "door", polygon: DOOR }], mask: [{ polygon: TREE }] },
    }],
  }, "");
  const system = await System.start({ config, log: () => {}, children: [] });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    createApp(system).fetch,
  );
  const url = `http://127.0.0.1:${server.addr.port}`;
  const hub = EventHub.for(dir);
  using encoder = new SnapshotEncoder(320, 180);
  const jpeg = encoder.encode(
    colourFrame(320, 180, { rects: [{ x: 176, y: 72, w: 64, h: 90, rgb: [255, 255, 255] }] }).data,
  );
  const stored: StoredEvent[] = BODIES.map(([camera, body, shot]) =>
    hub.record(camera, body, { snapshot: shot ? jpeg : null, limits: LIMITS })
  );
  const get = async (path: string) => {
    const r = await fetch(url + path);
    return { status: r.status, type: r.headers.get("content-type"), body: await r.json() };
  };
  try {
    await t.step(
      "GET /api/events lists newest first and filters by camera, type and time",
      async () => {
        const all = await get("/api/events");
        assert.equal(all.status, 200);
        assert.deepEqual(all.body, { events: [...stored].reverse(), next: null });
        const ids = async (q: string) =>
          (await get(`/api/events?${q}`)).body.events.map((e: StoredEvent) => e.id);
        assert.deepEqual(await ids("camera=front"), [4, 2, 1]);
        assert.deepEqual(await ids("type=object,global_change"), [3, 2]);
        assert.deepEqual(await ids(`from=${T0 + 1000}&to=${new Date(T0 + 2000).toISOString()}`), [
          3,
          2,
        ]);
        const first = await get("/api/events?limit=3");
        assert.deepEqual([first.body.events.length, first.body.next], [3, 2]);
        assert.deepEqual(await ids("limit=3&before=2"), [1]);
      },
    );

    await t.step("bad queries are 400 with the reason", async () => {
      for (
        const [q, message] of [
          ["limit=0", '"limit" must be an integer from 1 to 500, got "0"'],
          ["type=motion", '"motion" is not an event type'],
          // Refused by the document's schema (validate.ts), before the route's own checks.
          ["camera=Front!", "camera: must be an id: a-z, 0-9 and -, 1 to 32 characters"],
          ["from=yesterday", "from: must be an ISO 8601 time or milliseconds since 1970"],
          [`from=${T0}&to=${T0 - 1}`, `"to" (${T0 - 1}) is before "from" (${T0})`],
          ["cam=front", 'Unrecognized key: "cam"'],
          ["limit=1&limit=2", "limit: Invalid input: expected string, received array"],
        ]
      ) {
        const r = await get(`/api/events?${q}`);
        assert.deepEqual([r.status, r.body], [400, { error: message }], q);
      }
      const stream = await get("/api/events/stream?before=3");
      assert.equal(stream.status, 400);
    });

    await t.step("one event, its snapshot (ffprobe reads it), and 404s", async () => {
      assert.deepEqual((await get("/api/events/2")).body, stored[1]);
      assert.deepEqual(await get("/api/events/99"), {
        status: 404,
        type: "application/json",
        body: { error: "No event 99" },
      });
      const r = await fetch(`${url}/api/events/2/snapshot.jpg`);
      assert.equal(r.headers.get("content-type"), "image/jpeg");
      const file = `${dir}/snap.jpg`;
      await Deno.writeFile(file, new Uint8Array(await r.arrayBuffer()));
      const probe = await run("ffprobe", [
        "-v",
        "error",
        "-show_entries",
        "stream=codec_name,width,height",
        "-of",
        "csv=p=0",
        file,
      ]);
      assert.equal(probe.stdout.trim(), "mjpeg,320,180");
      assert.equal((await get("/api/events/3/snapshot.jpg")).status, 404);
      assert.equal((await get("/api/events/abc")).status, 404);
    });

    await t.step("GET /api/detection gives each camera's size, zones and masks", async () => {
      const r = await get("/api/detection");
      assert.deepEqual(r.body, [{
        camera: "front",
        width: 320,
        height: 180,
        frame_width: config.camera[0].width,
        frame_height: config.camera[0].height,
        motion: true,
        model: "",
        modelState: "off",
        modelError: null,
        zones: [{ name: "door", polygon: DOOR }],
        masks: [TREE],
      }]);
    });

    await t.step(
      "curl follows the stream: missed events after Last-Event-ID, then live ones",
      async () => {
        const curl = new Deno.Command("curl", {
          args: [
            "-sN",
            "--max-time",
            "2",
            "-H",
            "Last-Event-ID: 2",
            `${url}/api/events/stream?camera=front`,
          ],
          stdout: "piped",
          stderr: "piped",
        }).spawn();
        const output = curl.output();
        await waitFor(() => sseClients() === 1);
        const live = hub.record("front", { ...BODIES[0][1], atMs: T0 + 5000 }, {
          snapshot: null,
          limits: LIMITS,
        });
        hub.record("back", { ...BODIES[2][1], atMs: T0 + 6000 }, {
          snapshot: null,
          limits: LIMITS,
        });
        const text = new TextDecoder().decode((await output).stdout);
        const messages = text.split("\n\n").filter((m) => m.startsWith("id: "));
        assert.deepEqual(messages.map((m) => m.split("\n").slice(0, 2).join(" ")), [
          "id: 4 event: motion_end",
          `id: ${live.id} event: motion_start`,
        ]);
        assert.deepEqual(JSON.parse(messages[1].split("\n")[2].slice(6)), live);
        assert.match(text, /^retry: 3000\n\n/);
        await waitFor(() => sseClients() === 0);
      },
    );

    await t.step(`at most ${MAX_SSE_CLIENTS} streams are open at once`, async () => {
      const open = await Promise.all(
        Array.from({ length: MAX_SSE_CLIENTS }, () => fetch(`${url}/api/events/stream`)),
      );
      assert.ok(open.every((r) => r.status === 200));
      const refused = await get("/api/events/stream");
      assert.deepEqual(refused.status, 503);
      for (const r of open) await r.body!.cancel();
      await waitFor(() => sseClients() === 0);
      const again = await fetch(`${url}/api/events/stream`);
      assert.equal(again.status, 200);
      await again.body!.cancel();
    });

    await t.step(
      "Chromium shows the events with snapshot, box and zones, and new ones live",
      async () => {
        await using context = await launchChromium();
        const page = await context.newPage();
        await page.goto(`${url}/events?camera=front`);
        await page.waitForSelector('#status[data-live="yes"]', { timeout: 10_000 });
        const ids = () => page.$$eval("article", (as) => as.map((a) => Number(a.dataset.id)));
        const front = (await get("/api/events?camera=front")).body.events.map((e: StoredEvent) =>
          e.id
        );
        assert.deepEqual(await ids(), front);
        assert.equal(await page.isVisible("#more"), false, "no older page to offer");
        // The person's card: the box sits where the event says, over a loaded snapshot.
        const card = await page.$eval('article[data-id="2"]', (a) => {
          const frame = a.querySelector(".frame")!.getBoundingClientRect();
          const b = a.querySelector(".box")!.getBoundingClientRect();
          const img = a.querySelector("img")!;
          return {
            box: [
              (b.x - frame.x) / frame.width,
              (b.y - frame.y) / frame.height,
              b.width / frame.width,
              b.height / frame.height,
            ],
            label: a.querySelector(".box span")!.textContent,
            aspect: frame.width / frame.height,
            loaded: img.complete && img.naturalWidth,
            zones: a.querySelectorAll("svg polygon.zone.hit").length,
            masks: a.querySelectorAll("svg polygon.mask").length,
            text: a.querySelector(".meta")!.textContent,
          };
        });
        card.box.forEach((v, i) =>
          assert.ok(Math.abs(v - Object.values(box)[i]) < 0.01, `box ${card.box}`)
        );
        assert.equal(card.label, "person 87%");
        assert.ok(Math.abs(card.aspect - 16 / 9) < 0.01);
        assert.equal(card.loaded, 320);
        assert.deepEqual([card.zones, card.masks], [1, 1]);
        assert.match(card.text, /^Objectfront.*person \(87%\) in door▶ Recording$/);
        // A new event arrives over the stream and goes on top; another camera's does not show.
        hub.record("back", { ...BODIES[2][1], atMs: T0 + 8000 }, {
          snapshot: null,
          limits: LIMITS,
        });
        const fresh = hub.record("front", { ...BODIES[1][1], atMs: T0 + 9000 }, {
          snapshot: jpeg,
          limits: LIMITS,
        });
        await page.waitForSelector(`article[data-id="${fresh.id}"]`, { timeout: 10_000 });
        assert.deepEqual(await ids(), [fresh.id, ...front]);
        // Filtering by type reloads the list.
        await page.selectOption("#type", "motion_end");
        await page.waitForFunction(() => document.querySelectorAll("article").length === 1);
        assert.deepEqual(await ids(), [4]);
      },
    );
  } finally {
    await server.shutdown();
    await system.stop();
    closeEventHubs();
    await Deno.remove(dir, { recursive: true });
  }
});

async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("Timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}
