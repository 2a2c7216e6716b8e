import assert from "node:assert/strict";
import { fixMmapThreshold, limitMallocArenas } from "../../../ffi/libc/malloc.ts";

Deno.test("limitMallocArenas() and fixMmapThreshold() refuse values glibc would misread", () => {
  assert.throws(() => limitMallocArenas(0), RangeError);
  assert.throws(() => limitMallocArenas(1.5), /whole number from 1, got 1.5/);
  assert.throws(() => fixMmapThreshold(100), RangeError);
  assert.throws(() => fixMmapThreshold(64 * 2 ** 20), /4096 to 33554432 bytes, got 67108864/);
});

Deno.test("glibc takes the arena limit and the mmap threshold (mallopt answers 1)", () => {
  // mallopt returns 0 for a parameter it does not know: a wrong number would throw here.
  limitMallocArenas(2);
  fixMmapThreshold(128 << 10);
});
