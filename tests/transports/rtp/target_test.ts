import assert from "node:assert/strict";
import { PacketBuffer } from "../../../transports/rtp/mod.ts";

Deno.test("PacketBuffer grows past its preallocated slots and keeps earlier packets", () => {
  const b = new PacketBuffer({ slots: 2, slotBytes: 100 });
  for (let i = 0; i < 5; i++) {
    const region = b.begin(100);
    region[12] = i;
    b.end(13 + i, i === 4);
  }
  assert.equal(b.length, 5);
  for (let i = 0; i < 5; i++) {
    assert.equal(b.packet(i).length, 13 + i);
    assert.equal(b.packet(i)[12], i);
    assert.equal(b.marker(i), i === 4);
  }
});

Deno.test("PacketBuffer rejects a packet larger than its slots, and end() without begin()", () => {
  const b = new PacketBuffer({ slotBytes: 100 });
  assert.throws(() => b.begin(101), /100-byte slot, asked 101/);
  assert.throws(() => b.end(20, false), /needs a begin\(\) first/);
  b.begin(100);
  assert.throws(() => b.end(101, false), RangeError);
});
