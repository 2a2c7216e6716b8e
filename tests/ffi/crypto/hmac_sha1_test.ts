import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { HmacSha1, SHA1_DIGEST_BYTES } from "../../../ffi/crypto/mod.ts";

function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) out[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return out;
}

Deno.test("HmacSha1.sign() gives node:crypto's HMAC-SHA1 for keys of 0–100 bytes and messages of 0–9000", () => {
  for (const keyBytes of [0, 1, 20, 64, 65, 100]) {
    const key = bytes(keyBytes, keyBytes + 1);
    const hmac = new HmacSha1(key);
    for (const n of [0, 1, 55, 56, 63, 64, 65, 1204, 1500, 9000]) {
      const data = bytes(n + 7, n);
      const want = createHmac("sha1", key).update(data.subarray(0, n)).digest();
      assert.deepEqual(hmac.sign(data, n), new Uint8Array(want), `key ${keyBytes} B, ${n} B`);
    }
  }
});

Deno.test("HmacSha1.sign() reads a view at its offset, and its digest is overwritten by the next call", () => {
  const key = bytes(20, 9);
  const hmac = new HmacSha1(key);
  const backing = bytes(2000, 3);
  const view = backing.subarray(100, 1300);
  const first = hmac.sign(view, 1200);
  assert.equal(first.byteLength, SHA1_DIGEST_BYTES);
  const want = new Uint8Array(createHmac("sha1", key).update(backing.subarray(100, 1300)).digest());
  assert.deepEqual(first, want);
  const second = hmac.sign(view, 10);
  assert.equal(second, first, "one buffer, reused");
  assert.deepEqual(
    second,
    new Uint8Array(createHmac("sha1", key).update(view.subarray(0, 10)).digest()),
  );
});

Deno.test("HmacSha1.sign() refuses a length past the buffer", () => {
  const hmac = new HmacSha1(new Uint8Array(20));
  assert.throws(() => hmac.sign(new Uint8Array(10), 11), RangeError);
  assert.throws(() => hmac.sign(new Uint8Array(10), -1), RangeError);
});
