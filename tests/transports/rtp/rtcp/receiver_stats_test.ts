import assert from "node:assert/strict";
import { ReceiverStats } from "../../../../transports/rtp/mod.ts";

const FRAME_NS = 33_333_333;
const pkt = (sequenceNumber: number, timestamp: number) => ({ sequenceNumber, timestamp });
const FRAME_TICKS = 3000;

Deno.test("ReceiverStats extends the sequence number across the 16-bit wrap (RFC 3550 A.1)", () => {
  const s = new ReceiverStats({ ssrc: 1 });
  for (let i = 0; i < 100; i++) s.update(pkt((65500 + i) & 0xffff, i * FRAME_TICKS), i * FRAME_NS);
  assert.equal(s.extendedHighestSeq, 65536 + 63);
  assert.equal(s.cumulativeLost, 0);
  // The first packet is on probation (MIN_SEQUENTIAL = 2) and does not count.
  assert.equal(s.received, 99);
});

Deno.test("ReceiverStats counts no phantom cycle for a stream that begins at 0 (probation forgets it)", () => {
  const s = new ReceiverStats({ ssrc: 1 });
  for (let seq = 0; seq < 10; seq++) s.update(pkt(seq, 0), 0);
  assert.equal(s.extendedHighestSeq, 9);
  assert.equal(s.report().cumulativeLost, 0);
});

Deno.test("ReceiverStats reports fraction lost per interval and cumulative loss (A.3)", () => {
  const s = new ReceiverStats({ ssrc: 9 });
  for (let seq = 0; seq < 100; seq++) if (seq < 2 || seq % 10 !== 5) s.update(pkt(seq, 0), 0);
  const first = s.report({ lastSr: 0x1234, delaySinceLastSr: 65536 });
  // Expected 99 (from seq 1), received 89: 10 lost; 10/99 × 256 = 25.8.
  assert.deepEqual(first, {
    ssrc: 9,
    fractionLost: 25,
    cumulativeLost: 10,
    extendedHighestSeq: 99,
    jitter: 0,
    lastSr: 0x1234,
    delaySinceLastSr: 65536,
  });
  for (let seq = 100; seq < 200; seq++) s.update(pkt(seq, 0), 0);
  const second = s.report();
  assert.equal(second.fractionLost, 0);
  assert.equal(second.cumulativeLost, 10);
});

Deno.test("ReceiverStats counts duplicates as negative loss and clamps at zero fraction", () => {
  const s = new ReceiverStats({ ssrc: 1 });
  for (let seq = 0; seq < 10; seq++) s.update(pkt(seq, 0), 0);
  s.update(pkt(9, 0), 0);
  s.update(pkt(9, 0), 0);
  const r = s.report();
  assert.equal(r.cumulativeLost, -2);
  assert.equal(r.fractionLost, 0);
});

Deno.test("ReceiverStats jitter stays 0 for a steady stream and approaches |D| for alternating delays (A.8)", () => {
  const steady = new ReceiverStats({ ssrc: 1 });
  for (let i = 0; i < 200; i++) steady.update(pkt(i, (i * FRAME_TICKS) >>> 0), 5e9 + i * FRAME_NS);
  assert.equal(steady.jitter, 0);
  // Every other packet 10 ms late: D is 900 ticks each time, J → 900.
  const bumpy = new ReceiverStats({ ssrc: 1 });
  for (let i = 0; i < 400; i++) {
    bumpy.update(
      pkt(i, (i * FRAME_TICKS + 0xffff_0000) >>> 0),
      i * FRAME_NS + (i % 2) * 10_000_000,
    );
  }
  assert.ok(bumpy.jitter >= 880 && bumpy.jitter <= 900, `jitter ${bumpy.jitter}`);
});

Deno.test("ReceiverStats ignores one wild jump and resyncs after two sequential packets of a restarted source", () => {
  const s = new ReceiverStats({ ssrc: 1 });
  for (let seq = 0; seq < 50; seq++) s.update(pkt(seq, 0), 0);
  assert.equal(s.update(pkt(40_000, 0), 0), false);
  assert.equal(s.update(pkt(50, 0), 0), true);
  assert.equal(s.update(pkt(30_000, 0), 0), false);
  assert.equal(s.update(pkt(30_001, 0), 0), true);
  assert.equal(s.extendedHighestSeq, 30_001);
});
