import assert from "node:assert/strict";
import { FrameFormat, rawFrameBytes } from "../../../actors/defs.ts";
import { stampTimecode } from "../../../actors/camera/timecode.ts";
import { ASSETS, NAV, PAGES, TIMECODE_JS } from "../../../ui/console/mod.ts";

Deno.test("Every console script parses as JavaScript", () => {
  for (const [name, asset] of Object.entries(ASSETS)) {
    if (!name.endsWith(".js")) continue;
    assert.doesNotThrow(() => new Function(asset.body), name);
  }
});

Deno.test("Every page links the live view, the latency probe, recordings and events, and loads only served assets", () => {
  assert.deepEqual(NAV.map(([href]) => href), [
    "/",
    "/recordings",
    "/events",
    "/library",
    "/latency",
  ]);
  for (const [path, page] of Object.entries(PAGES)) {
    for (const [href] of NAV) assert.ok(page.body.includes(`href="${href}"`), `${path} → ${href}`);
    for (const m of page.body.matchAll(/(?:src|href)="\/assets\/([^"]+)"/g)) {
      assert.ok(ASSETS[m[1]] !== undefined, `${path} loads /assets/${m[1]}`);
    }
    assert.ok(page.body.includes('name="viewport"'), "fits a phone");
  }
});

Deno.test("The browser's stamp reader reads what the camera stamps, at every cell size", () => {
  const reader = new Function(`${TIMECODE_JS}; return [eyrieTimecodeCell, eyrieReadStamp];`)();
  const [cellOf, read] = reader as [
    (w: number, h: number) => number,
    (rgba: Uint8ClampedArray, rowBytes: number, cell: number) => number | null,
  ];
  for (const [width, height] of [[1280, 720], [320, 240], [100, 60]]) {
    const frame = new Uint8Array(rawFrameBytes(FrameFormat.I420, width, height)).fill(60);
    const ms = 1_795_964_439_500 + width;
    stampTimecode(frame, ms, { format: "I420", width, height });
    // What a canvas holds: the luma as grey RGBA.
    const cell = cellOf(width, height);
    const w = 8 * cell;
    const rgba = new Uint8ClampedArray(w * 6 * cell * 4);
    for (let y = 0; y < 6 * cell; y++) {
      for (let x = 0; x < w; x++) {
        const v = frame[y * width + x];
        rgba.set([v, v, v, 255], (y * w + x) * 4);
      }
    }
    assert.equal(read(rgba, w * 4, cell), ms, `${width}x${height}`);
  }
});
