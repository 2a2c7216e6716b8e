import assert from "node:assert/strict";
import {
  COCO_LABELS,
  loadLabels,
  ModelError,
  parseLabels,
  parseUltralyticsNames,
} from "../../../actors/detector/mod.ts";

Deno.test("COCO_LABELS holds the 80 COCO classes in YOLO order", () => {
  assert.equal(COCO_LABELS.length, 80);
  assert.deepEqual([
    COCO_LABELS[0],
    COCO_LABELS[2],
    COCO_LABELS[15],
    COCO_LABELS[16],
    COCO_LABELS[79],
  ], [
    "person",
    "car",
    "cat",
    "dog",
    "toothbrush",
  ]);
  assert.equal(new Set(COCO_LABELS).size, 80);
});

Deno.test("parseLabels() reads one label per line, trimmed, with CRLF, a BOM and trailing blank lines", () => {
  assert.deepEqual(parseLabels("\uFEFFperson\r\n  delivery van \ncat\n\n\n"), [
    "person",
    "delivery van",
    "cat",
  ]);
});

Deno.test("parseLabels() names the line of a blank, repeated or overlong label", () => {
  assert.throws(() => parseLabels("a\n\nb"), { name: "SyntaxError", message: /line 2 is blank/ });
  assert.throws(() => parseLabels("a\nb\na"), {
    name: "SyntaxError",
    message: /line 3 repeats "a" from line 1/,
  });
  assert.throws(() => parseLabels("a\n" + "x".repeat(101)), {
    name: "SyntaxError",
    message: /line 2 is longer than 100/,
  });
  assert.throws(() => parseLabels("\n \n"), { name: "SyntaxError", message: /empty/ });
});

Deno.test("parseUltralyticsNames() reads the names dict of an Ultralytics export", () => {
  assert.deepEqual(parseUltralyticsNames("{0: 'person', 1: \"men's bike\", 2: 'a\\'b'}"), [
    "person",
    "men's bike",
    "a'b",
  ]);
  assert.equal(parseUltralyticsNames("{1: 'person'}"), null, "ids must start at 0");
  assert.equal(parseUltralyticsNames("{0: 'a', 2: 'b'}"), null, "ids must not skip");
  assert.equal(parseUltralyticsNames("['a', 'b']"), null);
  assert.equal(parseUltralyticsNames("{}"), null);
});

Deno.test("loadLabels() reads a file and reports a missing or bad one as a ModelError", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/ok.txt`, "person\nparcel\n");
    assert.deepEqual(await loadLabels(`${dir}/ok.txt`), ["person", "parcel"]);
    await assert.rejects(() => loadLabels(`${dir}/nope.txt`), (e: unknown) => {
      assert.ok(e instanceof ModelError);
      assert.equal(e.problem, "labels");
      assert.equal(e.path, `${dir}/nope.txt`);
      assert.match(e.message, /Labels file ".*nope.txt" does not exist/);
      return true;
    });
    await Deno.writeTextFile(`${dir}/bad.txt`, "a\na\n");
    await assert.rejects(() => loadLabels(`${dir}/bad.txt`), {
      name: "ModelError",
      message: /bad.txt": Labels line 2 repeats "a"/,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
