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

Deno.test("a camera records in mp4 by default, an MJPEG camera in avi, and [recording] or [camera.recording] choose another", () => {
  const c = parseConfig(
    [
      `[recording]`,
      `[[camera]]`,
      `id = "a"`,
      `[[camera]]`,
      `id = "b"`,
      `codec = "mjpeg"`,
      `[[camera]]`,
      `id = "c"`,
      `  [camera.recording]`,
      `  container = "mkv"`,
      `[[camera]]`,
      `id = "d"`,
      `codec = "mjpeg"`,
      `  [camera.recording]`,
      `  container = "mov"`,
    ].join("\n"),
    "eyrie.toml",
  );
  assert.deepEqual(c.camera.map((x) => x.recording.container), ["mp4", "avi", "mkv", "mov"]);
  const all = parseConfig(`[recording]\ncontainer = "mkv"\n[[camera]]\nid = "a"`, "eyrie.toml");
  assert.equal(all.camera[0].recording.container, "mkv");
});

Deno.test("config check says AVI is for MJPEG cameras, at the key and its line", () => {
  const found = problems(
    `[recording]\n[[camera]]\nid = "a"\n  [camera.recording]\n  container = "avi"`,
  );
  assert.deepEqual(found, [
    '5: camera[0].recording.container: "avi" is for MJPEG cameras (codec = "mjpeg"); ' +
    'H.264 records in "mp4", "mkv", "mov"',
  ]);
});

Deno.test("config check says MP4 cannot hold MJPEG, at the camera when [recording] chose it", () => {
  assert.deepEqual(
    problems(`[[camera]]\nid = "a"\ncodec = "mjpeg"\n  [camera.recording]\n  container = "mp4"`),
    [
      `5: camera[0].recording.container: "mp4" cannot hold MJPEG (GStreamer's mp4mux has no ` +
      `JPEG input); use "mkv", "mov", "avi"`,
    ],
  );
  const found = problems(`[recording]\ncontainer = "mp4"\n[[camera]]\nid = "a"\ncodec = "mjpeg"`);
  assert.equal(found.length, 1);
  assert.match(
    found[0],
    /^3: camera\[0\]\.recording\.container: "mp4" cannot hold MJPEG.*\[recording\] sets it; override it here/,
  );
});

Deno.test("config check names the containers there are, and a camera that does not record is not held to its container", () => {
  assert.match(
    problems(`[recording]\ncontainer = "webm"`)[0],
    /^2: recording\.container: must be one of "mp4", "mkv", "mov", "avi"; got "webm"/,
  );
  const c = parseConfig(
    `[recording]\ncontainer = "avi"\n[[camera]]\nid = "a"\n  [camera.recording]\n  mode = "off"`,
    "eyrie.toml",
  );
  assert.equal(c.camera[0].recording.container, "mp4");
});
