import assert from "node:assert/strict";
import { join } from "node:path";
import {
  parseSegmentPath,
  resolveSegmentFile,
  resolveSegmentPath,
  segmentPath,
  segmentStem,
  thumbnailPath,
} from "../../../actors/recorder/paths.ts";
import { CONTAINERS } from "../../../actors/recorder/container.ts";

const START = Date.UTC(2026, 10, 22, 14, 3, 5, 123);

Deno.test("segmentPath() names a segment by camera, UTC day and start without colons", () => {
  assert.equal(segmentPath("front", START), "front/2026-11-22/2026-11-22T14-03-05.123Z.mp4");
  // 23:59:59.999 UTC stays in its UTC day, whatever the local zone.
  assert.equal(
    segmentPath("back-2", Date.UTC(2026, 0, 1, 23, 59, 59, 999)),
    "back-2/2026-01-01/2026-01-01T23-59-59.999Z.mp4",
  );
});

Deno.test("segment names sort in time order", () => {
  const starts = [START, START + 1, START + 999, START + 86_400_000, Date.UTC(2027, 0, 1)];
  const names = starts.map((s) => segmentPath("a", s));
  assert.deepEqual([...names].sort(), names);
});

Deno.test("parseSegmentPath() reads back what segmentPath() wrote", () => {
  for (const start of [0, START, Date.UTC(9999, 11, 31, 23, 59, 59, 999)]) {
    assert.deepEqual(parseSegmentPath(segmentPath("cam-1", start)), {
      camera: "cam-1",
      startMs: start,
      container: "mp4",
    });
  }
});

Deno.test("segmentPath() names each container by its extension, and parseSegmentPath() reads it back", () => {
  for (const container of CONTAINERS) {
    const path = segmentPath("cam-1", START, container);
    assert.ok(path.endsWith(`Z.${container}`), path);
    assert.deepEqual(parseSegmentPath(path), { camera: "cam-1", startMs: START, container });
    assert.equal(thumbnailPath(path), segmentStem(path) + ".jpg");
  }
});

Deno.test("segmentPath() refuses bad camera ids and times", () => {
  assert.throws(() => segmentPath("Front", START), { name: "TypeError", message: /"Front"/ });
  assert.throws(() => segmentPath("a/b", START), TypeError);
  assert.throws(() => segmentPath("", START), TypeError);
  assert.throws(() => segmentPath("x".repeat(65), START), TypeError);
  assert.throws(() => segmentPath("a", -1), RangeError);
  assert.throws(() => segmentPath("a", 1.5), RangeError);
});

Deno.test("parseSegmentPath() refuses every path that could leave the recordings dir", () => {
  const attempts: [string, RegExp][] = [
    ["../front/2026-11-22/2026-11-22T14-03-05.123Z.mp4", /'\.\.'/],
    ["front/../../etc/passwd", /'\.\.'/],
    ["front/2026-11-22/../../../x.mp4", /'\.\.'/],
    ["/etc/passwd", /absolute/],
    ["/front/2026-11-22/2026-11-22T14-03-05.123Z.mp4", /absolute/],
    ["front/2026-11-22/2026-11-22T14-03-05.123Z.mp4\0.jpg", /NUL/],
    ["front\\..\\..\\x.mp4", /backslash/],
    ["front//2026-11-22T14-03-05.123Z.mp4", /empty/],
    ["./front/2026-11-22/2026-11-22T14-03-05.123Z.mp4", /'\.'/],
    ["front/2026-11-22/2026-11-22T14-03-05.123Z.mp4/", /empty/],
    ["a".repeat(200), /longer than/],
  ];
  for (const [path, message] of attempts) {
    assert.throws(() => parseSegmentPath(path), { name: "TypeError", message }, path);
  }
});

Deno.test("parseSegmentPath() refuses names that are not segments", () => {
  const bad = [
    "front/2026-11-22/2026-11-22T14:03:05.123Z.mp4", // colons
    "front/2026-11-22/2026-11-22T14-03-05Z.mp4", // no milliseconds
    "front/2026-11-22/2026-11-22T14-03-05.123Z.webm", // not a recording container
    "front/2026-11-22/2026-11-22T14-03-05.123Z.MKV",
    "front/2026-11-23/2026-11-22T14-03-05.123Z.mp4", // day folder disagrees
    "front/2026-02-30/2026-02-30T14-03-05.123Z.mp4", // no such day
    "front/2026-11-22/2026-11-22T24-00-00.000Z.mp4",
    "FRONT/2026-11-22/2026-11-22T14-03-05.123Z.mp4",
    "front/2026-11-22T14-03-05.123Z.mp4",
    "x/front/2026-11-22/2026-11-22T14-03-05.123Z.mp4",
  ];
  for (const path of bad) assert.throws(() => parseSegmentPath(path), TypeError, path);
});

Deno.test("resolveSegmentPath() joins a checked path onto the recordings dir", () => {
  const rel = segmentPath("front", START);
  assert.equal(
    resolveSegmentPath("/var/rec", rel),
    join("/var/rec", "front", "2026-11-22", rel.split("/")[2]),
  );
  assert.throws(() => resolveSegmentPath("/var/rec", "../x"), TypeError);
});

Deno.test("thumbnailPath() puts the thumbnail beside its segment", () => {
  assert.equal(
    thumbnailPath(segmentPath("front", START)),
    "front/2026-11-22/2026-11-22T14-03-05.123Z.jpg",
  );
  assert.throws(() => thumbnailPath("../x.mp4"), TypeError);
});

Deno.test("resolveSegmentFile() refuses a symlink that escapes the recordings dir", async () => {
  const root = await Deno.makeTempDir();
  try {
    const dir = join(root, "rec");
    const outside = join(root, "secret.mp4");
    await Deno.writeTextFile(outside, "secret");
    const inside = segmentPath("front", START);
    const other = segmentPath("front", START + 1000);
    await Deno.mkdir(join(dir, "front", "2026-11-22"), { recursive: true });
    await Deno.writeTextFile(join(dir, other), "video");
    await Deno.symlink(outside, join(dir, inside));
    await assert.rejects(resolveSegmentFile(dir, inside), {
      name: "TypeError",
      message: /outside the recordings dir/,
    });
    assert.equal(await resolveSegmentFile(dir, other), join(await Deno.realPath(dir), other));
    // A symlinked camera folder that points elsewhere is refused too.
    await Deno.mkdir(join(root, "elsewhere", "2026-11-22"), { recursive: true });
    await Deno.writeTextFile(join(root, "elsewhere", other.slice(6)), "video");
    await Deno.symlink(join(root, "elsewhere"), join(dir, "back"));
    const viaLink = "back/" + other.slice(6);
    await assert.rejects(resolveSegmentFile(dir, viaLink), /outside the recordings dir/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
