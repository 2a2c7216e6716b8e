import assert from "node:assert/strict";
import {
  createByteRing,
  createFrameRing,
  type EntryMeta,
  RingReader,
  ringStats,
  RingWriter,
} from "../../../actors/ring/mod.ts";
import { H_OLDEST, H_WRITE_SEQ } from "../../../actors/ring/_layout.ts";
import { fill, matches, sizeFor } from "./_pattern.ts";

function meta(seq: number, flags = 0): EntryMeta {
  return {
    pts: seq * 33_333_333,
    captureNs: 1e9 + seq,
    durationNs: 33_333_333,
    flags,
    format: 1,
    width: 64,
    height: 48,
    aux: seq * 3000,
  };
}

function writeSeeded(w: RingWriter, max: number, flags = 0): number {
  const seq = w.nextSeq;
  const size = sizeFor(seq, max);
  fill(w.reserve(size), seq, size);
  return w.commit(size, meta(seq, flags));
}

Deno.test("a frame ring hands every frame to a reader that keeps up, across wrap-around", () => {
  const sab = createFrameRing({ slots: 4, slotBytes: 1000 });
  const w = new RingWriter(sab);
  const r = new RingReader(sab, 0, { start: "next" });
  const got = new Uint8Array(1000);
  for (let seq = 0; seq < 50; seq++) {
    fill(w.reserve(1000), seq, 1000);
    w.commit(1000, meta(seq));
    assert.equal(r.next(), true);
    assert.equal(r.seq, seq);
    assert.equal(r.pts, seq * 33_333_333);
    assert.equal(r.aux, seq * 3000);
    assert.equal(r.width, 64);
    assert.equal(r.copyTo(got), 1000);
    assert.ok(matches(got, seq), `frame ${seq} has its own bytes`);
    assert.equal(r.next(), false);
  }
  assert.equal(r.drops, 0);
});

Deno.test("a slow reader of a frame ring is overrun, counts the drops and resumes at the newest frame", () => {
  const sab = createFrameRing({ slots: 4, slotBytes: 16 });
  const w = new RingWriter(sab);
  const r = new RingReader(sab, 0, { start: "next" });
  for (let seq = 0; seq < 10; seq++) writeSeeded(w, 16);
  assert.equal(r.next(), true);
  assert.equal(r.seq, 9, "resumes at the newest frame");
  assert.equal(r.gap, true);
  assert.equal(r.drops, 9);
  assert.equal(r.next(), false);
  writeSeeded(w, 16);
  assert.equal(r.next(), true);
  assert.equal(r.seq, 10);
  assert.equal(r.gap, false);
  const s = ringStats(sab);
  assert.deepEqual(s.readers, [{ index: 0, lag: 0, drops: 9, gaps: 1 }]);
  assert.equal(s.available, 4);
});

Deno.test("a zero-copy view is reported invalid once the writer has reused its slot", () => {
  const sab = createFrameRing({ slots: 2, slotBytes: 8 });
  const w = new RingWriter(sab);
  const r = new RingReader(sab, 0, { start: "next" });
  writeSeeded(w, 8);
  assert.equal(r.next(), true);
  const view = r.view();
  assert.equal(r.valid(), true);
  writeSeeded(w, 8);
  assert.equal(r.valid(), true, "the next slot does not touch this one");
  writeSeeded(w, 8);
  assert.equal(view.length, r.size);
  assert.equal(r.valid(), false, "two writes later the slot is reused");
  assert.equal(r.copyTo(new Uint8Array(8)), -1);
});

Deno.test("a byte ring keeps variable entries contiguous and intact across many wraps", () => {
  const sab = createByteRing({ entries: 64, dataBytes: 4096 });
  const w = new RingWriter(sab);
  const r = new RingReader(sab, 1, { start: "next" });
  let checked = 0;
  for (let n = 0; n < 5000; n++) {
    writeSeeded(w, 700);
    if (n % 12 === 11) {
      while (r.next()) {
        const view = r.view();
        const intact = matches(view, r.seq);
        assert.equal(r.valid(), true);
        assert.ok(intact, `entry ${r.seq} intact`);
        checked++;
      }
    }
  }
  assert.equal(checked + r.drops + r.lag, 5000, "every entry is read, dropped or still waiting");
  assert.ok(r.drops > 0, "reading every 12 entries of ~350 B overruns 4 KiB");
  assert.ok(checked > 1000, `a good share of entries read (${checked})`);
});

Deno.test("an overrun access-unit reader resumes at the newest intact keyframe", () => {
  const sab = createByteRing({ entries: 16, dataBytes: 1 << 16 });
  const w = new RingWriter(sab);
  const r = new RingReader(sab, 0, { start: "keyframe" });
  for (let seq = 0; seq < 40; seq++) writeSeeded(w, 100, seq % 10 === 0 ? 1 : 0);
  assert.equal(r.next(), true);
  assert.equal(r.seq, 30, "the newest keyframe still in the ring");
  assert.equal(r.gap, true);
  let seq = 30;
  while (r.next()) assert.equal(r.seq, ++seq);
  assert.equal(seq, 39);
});

Deno.test("an access-unit reader with no keyframe in reach waits for the next one", () => {
  const sab = createByteRing({ entries: 8, dataBytes: 1 << 16 });
  const w = new RingWriter(sab);
  const r = new RingReader(sab, 0, { start: "keyframe" });
  for (let seq = 0; seq < 20; seq++) writeSeeded(w, 100, seq === 0 ? 1 : 0);
  assert.equal(r.next(), false, "nothing decodable yet");
  writeSeeded(w, 100, 0);
  assert.equal(r.next(), false);
  writeSeeded(w, 100, 1);
  assert.equal(r.next(), true);
  assert.equal(r.seq, 21);
  assert.equal(r.flags & 1, 1);
});

Deno.test("sequence numbers keep their order across the 2^32 wrap", () => {
  const sab = createByteRing({ entries: 8, dataBytes: 4096 });
  const header = new Int32Array(sab, 0, 64);
  header[H_WRITE_SEQ] = -5; // 2^32 - 5
  header[H_OLDEST] = -5;
  const w = new RingWriter(sab);
  const r = new RingReader(sab, 0, { start: "next" });
  const seen: number[] = [];
  for (let n = 0; n < 12; n++) {
    writeSeeded(w, 50);
    assert.equal(r.next(), true);
    assert.ok(matches(r.view(), r.seq));
    seen.push(r.seq);
  }
  assert.deepEqual(seen, [-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6]);
  assert.equal(r.drops, 0);
});

Deno.test("a restarted writer continues the sequence and readers notice no reset", () => {
  const sab = createFrameRing({ slots: 4, slotBytes: 8 });
  const first = new RingWriter(sab);
  const r = new RingReader(sab, 0, { start: "next" });
  writeSeeded(first, 8);
  first.close();
  assert.equal(r.closed, true);
  const second = new RingWriter(sab);
  assert.equal(r.closed, false);
  writeSeeded(second, 8);
  assert.equal(r.next(), true);
  assert.equal(r.next(), true);
  assert.equal(r.seq, 1);
  assert.equal(ringStats(sab).writerGeneration, 2);
});

Deno.test("bad ring shapes and reservations are refused with the offending value", () => {
  assert.throws(() => createFrameRing({ slots: 3, slotBytes: 8 }), /power-of-two.*got 3/);
  assert.throws(() => createByteRing({ entries: 8, dataBytes: 0 }), /got 0/);
  assert.throws(() => new RingReader(new SharedArrayBuffer(1024), 0), /not an eyrie ring/);
  const w = new RingWriter(createByteRing({ entries: 8, dataBytes: 4096 }));
  assert.throws(() => w.reserve(2000), /1 to 1024 bytes, got 2000/);
  assert.throws(() => w.commit(1, meta(0)), /needs a reserve/);
  w.reserve(10);
  assert.throws(() => w.commit(11, meta(0)), /1 to 10 bytes, got 11/);
  assert.throws(() => new RingReader(createFrameRing({ slots: 2, slotBytes: 1 }), 16), /got 16/);
});
