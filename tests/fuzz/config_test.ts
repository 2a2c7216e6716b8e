/**
 * Fuzzing the config (TOML through smol-toml, then eyrie's checks): the
 * file an admin edits, and what a reload reads while eyrie runs. Any text
 * is a Config or a ConfigError whose problems each name a path and a line
 * inside the file, never another error; a document written out as TOML
 * reads back to the same verdict.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { stringify } from "smol-toml";
import { ConfigError } from "../../ui/cli/errors.ts";
import { checkConfig, parseConfig } from "../../ui/config/mod.ts";
import { hostileBytes } from "./_bytes.ts";
import { fuzz } from "./_runs.ts";

/** The examples of docs/config.md and security.md, one feature each. */
const SEEDS = [
  `data_dir = "/var/lib/eyrie"

[console]
listen = "127.0.0.1:8080"

[recording]
max_bytes = "20GB"
max_age = "14d"

[[camera]]
id = "front"
source = "auto"
quality = "medium"

  [[camera.rtp]]
  host = "239.0.0.10"
  port = 5004
  dscp = 46

  [camera.recording]
  mode = "events"

[[camera]]
id = "garage"
source = "rtsp://192.168.1.20/stream1"
width = 1920
height = 1080
fps = 15
`,
  `[[camera]]
id = "drive"
[camera.detection]
motion = true
[[camera.detection.zone]]
name = "driveway"
polygon = [[0.0, 0.6], [0.5, 0.6], [0.5, 1.0], [0.0, 1.0]]
min_area = 0.02
classes = ["car", "person"]

[[camera.detection.mask]]
polygon = [[0.8, 0.0], [1.0, 0.0], [1.0, 0.2], [0.8, 0.2]]
`,
  `[console]
listen = "0.0.0.0:8443"
[tls]
dir = "/var/lib/eyrie/certs"
server_name = "console"
require_client_cert = false
[[camera]]
id = "garage"
  [[camera.forward]]
  host = "192.168.1.10"
  port = 7443
  remote = "hub"
  cert = "garage-cam"
`,
].map((t) => new TextEncoder().encode(t));

/** Throws unless `text` gives a Config or a ConfigError with its problems inside the file. */
function verdict(text: string): string {
  try {
    parseConfig(text, "eyrie.toml");
    return "ok";
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const lines = text.split("\n").length;
    assert.ok(e.problems.length > 0);
    for (const p of e.problems) {
      assert.ok(p.message.length > 0);
      assert.ok(p.line === undefined || (p.line >= 1 && p.line <= lines), `${p.line} of ${lines}`);
    }
    // Problems come in line order (ui/config); the same set is what must match.
    for (let i = 1; i < e.problems.length; i++) {
      const a: number | undefined = e.problems[i - 1].line;
      const b: number | undefined = e.problems[i].line;
      assert.ok(
        a === undefined || b === undefined || a <= b,
        `problems out of line order: ${a}, ${b}`,
      );
    }
    return problemSet(e);
  }
}

/** The problems as one text, in a fixed order (a document without lines has no line order). */
function problemSet(e: ConfigError): string {
  return e.problems.map((p) => `${p.path}: ${p.message}`).sort().join("\n");
}

Deno.test("fuzz: any config text is a Config or a ConfigError naming lines inside the file", () => {
  let ok = 0;
  const text = hostileBytes(SEEDS, 512).map((b) => new TextDecoder().decode(b));
  fuzz("config text", fc.oneof(text, fc.string({ unit: "binary", maxLength: 300 })), (t) => {
    if (verdict(t) === "ok") ok++;
  }, 5_000);
  assert.ok(ok > 100, `only ${ok} configs were valid`);
});

const id = fc.oneof(fc.constantFrom("front", "back", "garage"), fc.string({ maxLength: 12 }));
const anyValue = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.integer({ min: -10, max: 100_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
  fc.boolean(),
  fc.array(fc.integer({ min: 0, max: 10 }), { maxLength: 3 }),
);
/** Documents shaped like configs: known keys with right and wrong values, and strays. */
const doc = fc.record({
  data_dir: fc.oneof(fc.constant("/tmp/eyrie-fuzz"), fc.string({ maxLength: 10 })),
  console: fc.record({
    listen: fc.oneof(
      fc.constantFrom("127.0.0.1:8080", "[::1]:0", "localhost:99999", "0.0.0.0:80", ":80"),
      fc.string({ maxLength: 20 }),
    ),
    insecure: fc.boolean(),
  }, { requiredKeys: [] }),
  recording: fc.record({
    max_bytes: fc.oneof(fc.constantFrom("20GB", "1KB", "0", "-1GB", "1e3GB"), anyValue),
    max_age: fc.oneof(fc.constantFrom("14d", "1h", "0s", "99999999d"), anyValue),
    segment_s: anyValue,
  }, { requiredKeys: [] }),
  camera: fc.array(
    fc.record({
      id,
      source: fc.oneof(fc.constantFrom("test", "auto", "v4l2:/dev/video0", "rtsp://x/y"), anyValue),
      width: fc.oneof(fc.integer({ min: 0, max: 5000 }), anyValue),
      height: fc.oneof(fc.integer({ min: 0, max: 5000 }), anyValue),
      fps: fc.oneof(fc.integer({ min: 0, max: 200 }), anyValue),
      codec: fc.oneof(fc.constantFrom("h264", "mjpeg"), anyValue),
      quality: fc.oneof(fc.constantFrom("low", "medium", "high", "ultra"), anyValue),
      rtp: fc.array(
        fc.record({ host: fc.string({ maxLength: 15 }), port: anyValue, dscp: anyValue }, {
          requiredKeys: [],
        }),
        { maxLength: 2 },
      ),
      stray: anyValue,
    }, { requiredKeys: ["id"] }),
    { maxLength: 3 },
  ),
}, { requiredKeys: [] }).map((d) => JSON.parse(JSON.stringify(d)) as Record<string, unknown>);

Deno.test("fuzz: any config document is a Config or a ConfigError, and reads back from its TOML the same", () => {
  let ok = 0;
  fuzz(
    "config document",
    doc,
    (d) => {
      let direct: string;
      try {
        checkConfig(d, "eyrie.toml");
        direct = "ok";
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        direct = problemSet(e);
      }
      if (direct === "ok") ok++;
      assert.equal(verdict(stringify(d)), direct);
      // Checked twice (directly and from its TOML), about 1 ms each: fewer runs in the long form.
    },
    3_000,
    { longMax: 100_000 },
  );
  assert.ok(ok > 10, `only ${ok} documents were valid`);
});
