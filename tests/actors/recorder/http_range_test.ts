import assert from "node:assert/strict";
import {
  contentRange,
  MAX_RANGE_HEADER_LENGTH,
  parseRange,
  unsatisfiedRange,
} from "../../../actors/recorder/http_range.ts";

const SIZE = 1000;

// [header, expected] against a 1000-byte file.
const CASES: [string | null | undefined, ReturnType<typeof parseRange>][] = [
  [null, null],
  [undefined, null],
  ["bytes=0-499", { start: 0, end: 499 }],
  ["bytes=500-999", { start: 500, end: 999 }],
  ["bytes=500-5000", { start: 500, end: 999 }], // end clamped to the last byte
  ["bytes=0-0", { start: 0, end: 0 }],
  ["bytes=900-", { start: 900, end: 999 }], // open-ended
  ["bytes=-100", { start: 900, end: 999 }], // suffix
  ["bytes=-5000", { start: 0, end: 999 }], // suffix longer than the file
  ["Bytes = 10 - 20", { start: 10, end: 20 }],
  ["bytes=1000-", "unsatisfiable"], // starts at the end
  ["bytes=1500-2000", "unsatisfiable"],
  ["bytes=-0", "unsatisfiable"],
  ["bytes=0-499,600-699", null], // several ranges: whole file
  ["bytes=-", null],
  ["bytes=abc-def", null],
  ["bytes=500-400", null], // last < first is invalid
  ["items=0-10", null], // another unit
  ["bytes 0-10", null],
  ["bytes=99999999999999999999-", null], // past 2^53
  ["bytes=0-" + "9".repeat(MAX_RANGE_HEADER_LENGTH), null], // too long to look at
];

Deno.test("parseRange() answers every case of the table", () => {
  for (const [header, expected] of CASES) {
    assert.deepEqual(parseRange(header, SIZE), expected, String(header));
  }
});

Deno.test("parseRange() finds every range of an empty file unsatisfiable", () => {
  assert.equal(parseRange("bytes=0-", 0), "unsatisfiable");
  assert.equal(parseRange("bytes=-10", 0), "unsatisfiable");
  assert.equal(parseRange(null, 0), null);
});

Deno.test("parseRange() refuses a file size that is not a byte count", () => {
  assert.throws(() => parseRange("bytes=0-1", -1), { name: "RangeError", message: /-1/ });
  assert.throws(() => parseRange("bytes=0-1", 1.5), RangeError);
});

Deno.test("contentRange() and unsatisfiedRange() write the Content-Range values", () => {
  assert.equal(contentRange({ start: 0, end: 499 }, 1234), "bytes 0-499/1234");
  assert.equal(unsatisfiedRange(1234), "bytes */1234");
});
