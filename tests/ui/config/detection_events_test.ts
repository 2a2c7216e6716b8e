// The event side of [detection]: webhooks, retention, and zones that must hold pixels.
import assert from "node:assert/strict";
import { ConfigError } from "../../../ui/cli/errors.ts";
import { parseConfig } from "../../../ui/config/mod.ts";

function problems(text: string): string[] {
  try {
    parseConfig(text, "eyrie.toml");
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${e}`);
    return e.problems.map((p) => `${p.line}: ${p.path}: ${p.message}`);
  }
  assert.fail("the config was accepted");
}

Deno.test("[[detection.webhook]] gets defaults, and a camera's own list replaces it", () => {
  const c = parseConfig(
    `
[detection]
max_events = 500
max_snapshot_bytes = "50MB"
  [[detection.webhook]]
  url = "http://127.0.0.1:9000/hook"
  [[detection.webhook]]
  url = "https://example.com/eyrie"
  types = ["object", "motion_start"]
  timeout_ms = 2000
  retries = 0
[[camera]]
id = "front"
[[camera]]
id = "back"
  [[camera.detection.webhook]]
  url = "http://10.0.0.5/back"
`,
    "eyrie.toml",
  );
  const [front, back] = c.camera;
  assert.deepEqual(front.detection.webhooks, [
    { url: "http://127.0.0.1:9000/hook", types: [], timeout_ms: 5000, retries: 3 },
    {
      url: "https://example.com/eyrie",
      types: ["object", "motion_start"],
      timeout_ms: 2000,
      retries: 0,
    },
  ]);
  assert.deepEqual(back.detection.webhooks.map((w) => w.url), ["http://10.0.0.5/back"]);
  assert.deepEqual([front.detection.max_events, front.detection.max_snapshot_bytes], [500, 50e6]);
});

Deno.test("retention defaults: 10,000 events and 200 MB of snapshots per camera", () => {
  const det = parseConfig(`[[camera]]\nid = "a"`, "eyrie.toml").camera[0].detection;
  assert.deepEqual([det.max_events, det.max_snapshot_bytes, det.webhooks], [10_000, 200e6, []]);
});

const BAD: [string, string, RegExp][] = [
  [
    "not http",
    `[detection]\n  [[detection.webhook]]\n  url = "ftp://example.com/x"`,
    /^3: detection\.webhook\[0\]\.url: "ftp:\/\/example\.com\/x" must be an http:\/\/ or https:\/\/ URL/,
  ],
  [
    "not a URL",
    `[detection]\n  [[detection.webhook]]\n  url = "example.com"`,
    /^3: detection\.webhook\[0\]\.url: "example\.com" is not a URL/,
  ],
  [
    "no url",
    `[detection]\n  [[detection.webhook]]\n  retries = 1`,
    /detection\.webhook\[0\]\.url: is required/,
  ],
  [
    "unknown type",
    `[detection]\n  [[detection.webhook]]\n  url = "http://a/"\n  types = ["motion"]`,
    /^4: detection\.webhook\[0\]\.types\[0\]: must be one of "motion_start", "motion_end", "object", "object_end", "global_change", "model_error"; got "motion"/,
  ],
  [
    "too many retries",
    `[detection]\n  [[detection.webhook]]\n  url = "http://a/"\n  retries = 11`,
    /^4: detection\.webhook\[0\]\.retries: must be 0 to 10, got 11/,
  ],
  [
    "bad size",
    `[detection]\nmax_snapshot_bytes = "lots"`,
    /^2: detection\.max_snapshot_bytes: /,
  ],
  [
    "zone under a mask",
    `[detection]\n  [[detection.zone]]\n  name = "door"\n  polygon = [[0, 0], [0.5, 0], [0.5, 0.5]]\n  [[detection.mask]]\n  polygon = [[0, 0], [1, 0], [1, 1], [0, 1]]`,
    /detection\.zone: Zone "door" covers no pixel of a 320x180 frame outside the masks/,
  ],
];

for (const [what, text, expected] of BAD) {
  Deno.test(`a bad [detection] names the key path and line: ${what}`, () => {
    const found = problems(text);
    assert.ok(found.some((p) => expected.test(p)), `expected ${expected} in:\n${found.join("\n")}`);
  });
}
