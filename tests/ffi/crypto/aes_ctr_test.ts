import assert from "node:assert/strict";
import { createCipheriv } from "node:crypto";
import { AesCtr128 } from "../../../ffi/crypto/mod.ts";

function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) out[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return out;
}

Deno.test("AesCtr128.apply() encrypts in place as node:crypto's aes-128-ctr, for each message's own counter", () => {
  const key = bytes(16, 1);
  using aes = new AesCtr128(key);
  for (const [n, seed] of [[0, 1], [1, 2], [15, 3], [16, 4], [17, 5], [1188, 6], [9000, 7]]) {
    const counter = bytes(16, seed + 100);
    if (seed === 6) counter.fill(0xff, 12); // the low 32 bits carry into the next word
    const plain = bytes(n, seed);
    const want = createCipheriv("aes-128-ctr", key, counter).update(plain);
    const data = plain.slice();
    aes.apply(data, counter);
    assert.deepEqual(data, new Uint8Array(want), `${n} bytes`);
    aes.apply(data, counter);
    assert.deepEqual(data, plain, "the same counter decrypts");
  }
});

Deno.test("AesCtr128.apply() works on a view in the middle of a buffer and leaves the rest", () => {
  const key = bytes(16, 2);
  using aes = new AesCtr128(key);
  const backing = bytes(100, 5);
  const before = backing.slice();
  const counter = bytes(16, 6);
  aes.apply(backing.subarray(12, 90), counter);
  const want = createCipheriv("aes-128-ctr", key, counter).update(before.subarray(12, 90));
  assert.deepEqual(backing.subarray(12, 90), new Uint8Array(want));
  assert.deepEqual(backing.subarray(0, 12), before.subarray(0, 12));
  assert.deepEqual(backing.subarray(90), before.subarray(90));
});

Deno.test("AesCtr128 refuses keys and counters of the wrong size, and use after dispose", () => {
  assert.throws(() => new AesCtr128(new Uint8Array(32)), RangeError);
  const aes = new AesCtr128(new Uint8Array(16));
  assert.throws(() => aes.apply(new Uint8Array(4), new Uint8Array(12)), RangeError);
  aes[Symbol.dispose]();
  aes[Symbol.dispose]();
  assert.throws(() => aes.apply(new Uint8Array(4), new Uint8Array(16)), Deno.errors.BadResource);
});
