import assert from "node:assert/strict";
import { ConfigError } from "../../../ui/cli/errors.ts";
import { parseConfig } from "../../../ui/config/mod.ts";
import { QUALITY_PRESETS } from "../../../ui/config/camera.ts";

function problems(text: string): string[] {
  try {
    parseConfig(text, "eyrie.toml");
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${e}`);
    return e.problems.map((p) => `${p.line}: ${p.path}: ${p.message}`);
  }
  assert.fail("the config was accepted");
}

const CAMERA =
  `[[camera]]\nid = "front"\nsource = "rtsp://cam.local/stream1"\npassthrough = "auto"\n`;

Deno.test("[camera.sub] as the issue's contract writes it: 640x360 at 500 kb/s, the main stream's fps", () => {
  const c = parseConfig(
    `${CAMERA}  [camera.sub]\n  width = 640\n  height = 360\n  bitrate_kbps = 500\n`,
    "eyrie.toml",
  );
  const cam = c.camera[0];
  assert.deepEqual(cam.sub, { width: 640, height: 360, fps: 30, bitrate_kbps: 500 });
  assert.equal(cam.passthrough, "auto");
});

Deno.test("a camera has no sub stream unless [camera.sub] is there; an empty one takes the defaults", () => {
  assert.equal(parseConfig(CAMERA, "eyrie.toml").camera[0].sub, null);
  const c = parseConfig(`${CAMERA}fps = 20\n[camera.sub]\n`, "eyrie.toml");
  assert.deepEqual(c.camera[0].sub, { width: 640, height: 360, fps: 20, bitrate_kbps: 500 });
});

const BAD: [string, string, RegExp][] = [
  [
    "a sub stream larger than the main one",
    `${CAMERA}width = 640\nheight = 360\n[camera.sub]\nwidth = 1280\nheight = 720\n`,
    /^8: camera\[0\]\.sub\.width: the sub stream \(1280x720\) is larger than the main stream \(640x360\)/,
  ],
  [
    "a sub stream as large as the main one",
    `${CAMERA}width = 640\nheight = 360\n[camera.sub]\n`,
    /camera\[0\]\.sub\.width: the sub stream has the main stream's size \(640x360\)/,
  ],
  [
    "a sub bitrate above the main stream's",
    `${CAMERA}bitrate_kbps = 1000\n[camera.sub]\nbitrate_kbps = 2000\n`,
    /^7: camera\[0\]\.sub\.bitrate_kbps: 2000 is above the main stream's bitrate_kbps \(1000\)/,
  ],
  [
    "a sub bitrate out of range",
    `${CAMERA}[camera.sub]\nbitrate_kbps = 20\n`,
    /^6: camera\[0\]\.sub\.bitrate_kbps: must be 100 to 50000, got 20/,
  ],
  [
    "a sub bitrate that is not a number",
    `${CAMERA}[camera.sub]\nbitrate_kbps = "fast"\n`,
    /camera\[0\]\.sub\.bitrate_kbps: must be an integer/,
  ],
  [
    "a sub fps above the main stream's",
    `${CAMERA}fps = 15\n[camera.sub]\nfps = 30\n`,
    /camera\[0\]\.sub\.fps: 30 is above the main stream's fps \(15\)/,
  ],
  ["an odd sub height", `${CAMERA}[camera.sub]\nheight = 361\n`, /sub\.height: must be even/],
  ["an unknown sub key", `${CAMERA}[camera.sub]\nquality = "low"\n`, /sub\.quality: unknown key/],
  [
    "a sub stream on an MJPEG camera",
    `[[camera]]\nid = "a"\ncodec = "mjpeg"\n[camera.sub]\nwidth = 320\nheight = 180\n`,
    /camera\[0\]\.sub: a sub stream is H\.264 for WebRTC viewers: codec "mjpeg" has none/,
  ],
];

for (const [what, text, want] of BAD) {
  Deno.test(`[camera.sub] is refused with its key and line: ${what}`, () => {
    const got = problems(text);
    assert.ok(got.some((p) => want.test(p)), `no problem matched ${want}:\n${got.join("\n")}`);
  });
}

Deno.test("the quality presets are the plan's ladder (low 480p15 0.5 Mb/s … ultra 1080p60 6 Mb/s)", () => {
  assert.deepEqual(QUALITY_PRESETS, {
    low: { width: 640, height: 480, fps: 15, bitrate_kbps: 500 },
    medium: { width: 1280, height: 720, fps: 30, bitrate_kbps: 1500 },
    high: { width: 1920, height: 1080, fps: 30, bitrate_kbps: 3000 },
    ultra: { width: 1920, height: 1080, fps: 60, bitrate_kbps: 6000 },
  });
  // And the docs' table says the same.
  const docs = Deno.readTextFileSync(new URL("../../../docs/config.md", import.meta.url));
  for (const [name, p] of Object.entries(QUALITY_PRESETS)) {
    const kbps = p.bitrate_kbps >= 1000
      ? `${p.bitrate_kbps / 1000} Mb/s`
      : `${p.bitrate_kbps} kb/s`;
    const row = new RegExp(
      `\\| \`${name}\`\\s*\\| ${p.width}x${p.height}\\s*\\|\\s*${p.fps} \\| ${
        kbps.replace(".", "\\.")
      }`,
    );
    assert.match(docs, row, `docs/config.md's row for ${name}`);
  }
});
