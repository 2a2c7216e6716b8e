/**
 * Fuzzing HTTP Range (RFC 9110 §14), the header any viewer allowed to
 * download a recording sends: parseRange() never throws for any header,
 * whatever it returns lies within the file, and a range written as a
 * header reads back as itself.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { contentRange, parseRange } from "../../actors/recorder/http_range.ts";
import { fuzz } from "./_runs.ts";

const size = fc.oneof(
  fc.constantFrom(0, 1, 2, 1000, 2 ** 53 - 1),
  fc.integer({ min: 0, max: 1 << 30 }),
);
const digits = fc.oneof(
  fc.nat().map(String),
  fc.constantFrom("", "0", "00", "9".repeat(16), "9".repeat(17), "18446744073709551616", "-1"),
);
const header = fc.oneof(
  fc.tuple(
    fc.constantFrom("bytes", "BYTES", "bytes ", "items", ""),
    fc.constantFrom("=", " = ", "=="),
    digits,
    fc.constantFrom("-", " - ", "--", ""),
    digits,
    fc.constantFrom("", ",0-1", ", 5-", " ", "\t"),
  ).map((parts) => parts.join("")),
  fc.string({ maxLength: 300 }),
  fc.constant(undefined),
  fc.constant(null),
);

Deno.test("fuzz: parseRange() of any header is a range inside the file, unsatisfiable or ignored, never an error", () => {
  fuzz("http range", fc.tuple(header, size), ([h, n]) => {
    const r = parseRange(h, n);
    if (r === null || r === "unsatisfiable") return;
    assert.ok(Number.isSafeInteger(r.start) && Number.isSafeInteger(r.end));
    assert.ok(0 <= r.start && r.start <= r.end && r.end < n, `${JSON.stringify(r)} of ${n}`);
  }, 20_000);
});

Deno.test("fuzz: a range written as a header reads back as itself", () => {
  const case_ = size.filter((n) => n > 0).chain((n) =>
    fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 }))
  );
  fuzz("http range round trip", case_, ([n, a, b]) => {
    const range = { start: Math.min(a, b), end: Math.max(a, b) };
    const header = contentRange(range, n).replace(/^bytes (\d+-\d+)\/\d+$/, "bytes=$1");
    assert.deepEqual(parseRange(header, n), range);
  }, 5_000);
});

Deno.test("parseRange() refuses a size that is no file size with RangeError", () => {
  for (const n of [-1, 1.5, NaN, 2 ** 53]) {
    assert.throws(() => parseRange("bytes=0-1", n), RangeError);
  }
});
