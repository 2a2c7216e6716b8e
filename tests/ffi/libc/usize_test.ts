import assert from "node:assert/strict";
import { usize } from "../../../ffi/libc/mod.ts";

Deno.test("usize() gives the count as a BigInt, the same one each time for a datagram's sizes", () => {
  assert.equal(usize(0), 0n);
  assert.equal(usize(1204), 1204n);
  assert.equal(usize(1204), usize(1204));
  assert.equal(usize(65_535), 65_535n);
  assert.equal(usize(1_382_400), 1_382_400n, "a 720p I420 frame: made per call");
});
