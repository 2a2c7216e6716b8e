import assert from "node:assert/strict";
import { FrameFlags } from "../../../actors/defs.ts";
import {
  MAX_IN_FLIGHT,
  MAX_PEER_LAG,
  PacketPool,
  type PacketSink,
  PeerCursor,
  POOL_PACKETS,
  SLOT_BYTES,
} from "../../../actors/viewer/fanout.ts";

/** A viewer that records what it got; `stalled` ones never finish a send. */
class Viewer implements PacketSink {
  got: number[] = [];
  discont: number[] = [];
  constructor(readonly stalled = false) {}
  send(pool: PacketPool, seq: number, discont: boolean, done: () => void): boolean {
    const packet = pool.packet(seq);
    const id = new DataView(packet.buffer, packet.byteOffset).getUint32(0);
    this.got.push(id);
    if (discont) this.discont.push(id);
    if (!this.stalled) queueMicrotask(done);
    return true;
  }
}

/** Frames of `perFrame` packets, a keyframe every `gop` frames; packet ids count from `next`. */
function feed(
  pool: PacketPool,
  frames: number,
  options: { perFrame: number; gop: number; first: number; key?: boolean },
) {
  let id = options.first;
  for (let f = 0; f < frames; f++) {
    for (let p = 0; p < options.perFrame; p++) {
      const bytes = new Uint8Array(12);
      new DataView(bytes.buffer).setUint32(0, id++);
      let flags = p === options.perFrame - 1 ? FrameFlags.MARKER : 0;
      if (p === 0 && f % options.gop === 0 && options.key !== false) flags |= FrameFlags.KEYFRAME;
      pool.push(bytes, flags, 0);
    }
  }
  return id;
}

const tick = () => new Promise((r) => setTimeout(r, 0));

Deno.test("A stalled viewer falls behind alone: it skips to a keyframe and counts, the others get every packet", async () => {
  const pool = new PacketPool();
  const fast = new Viewer();
  const other = new Viewer();
  const slow = new Viewer(true);
  const cursors = [fast, other, slow].map(() => new PeerCursor());
  // A keyframe every 2000 packets: further apart than MAX_PEER_LAG, so the slow one must wait.
  let id = feed(pool, 1, { perFrame: 4, gop: 1, first: 0 });
  for (const c of cursors) assert.equal(c.start(pool, { nowNs: 0, maxAgeNs: 1e9 }), false);
  const viewers = [fast, other, slow];
  let asked = 0;
  for (let round = 0; round < 120; round++) {
    id = feed(pool, 1, { perFrame: 20, gop: 1, first: id, key: round % 100 === 99 });
    cursors.forEach((c, i) => {
      if (c.pump(pool, viewers[i])) asked++;
    });
    await tick();
  }
  assert.equal(fast.got.length, id, "every packet, in order");
  assert.deepEqual(other.got, fast.got);
  assert.equal(cursors[0].dropped + cursors[1].dropped, 0);
  const s = cursors[2];
  assert.equal(s.inFlight, MAX_IN_FLIGHT, "the stalled viewer's sends never finish");
  assert.ok(s.dropped > 0, "and it drops its own packets");
  assert.equal(s.sent, slow.got.length);
  assert.ok(
    s.sent + s.dropped + (pool.head - s.next) === id,
    "every packet sent, dropped or queued",
  );
  assert.ok(pool.head - s.next <= MAX_PEER_LAG, "its queue stays bounded");
  assert.ok(asked >= 1, "skipping ahead asks for a keyframe");
  assert.equal(cursors[0].frames, 121);
});

Deno.test("A viewer that falls behind resumes at the next keyframe with a discontinuity, not mid-frame", async () => {
  const pool = new PacketPool();
  const v = new Viewer();
  const c = new PeerCursor();
  let id = feed(pool, 1, { perFrame: 2, gop: 10, first: 0 });
  c.start(pool, { nowNs: 0, maxAgeNs: 1e9 });
  c.pump(pool, v);
  await tick();
  // The viewer misses its turns while MAX_PEER_LAG + 1 packets arrive.
  id = feed(pool, (MAX_PEER_LAG + 2) / 2, { perFrame: 2, gop: 10, first: id });
  assert.equal(c.pump(pool, v), false, "a keyframe is in the pool: no need to ask");
  assert.ok(c.dropped > 0);
  const resumed = v.got[2];
  assert.deepEqual(v.discont, [resumed], "the first packet after the skip is marked");
  assert.ok(pool.flags(resumed) & FrameFlags.KEYFRAME, "and it is a keyframe's first packet");
  assert.ok(pool.head - resumed <= MAX_PEER_LAG, "the newest keyframe in reach");
});

Deno.test("A new viewer starts at a fresh keyframe, or waits for the next one when the newest is old", () => {
  const pool = new PacketPool();
  const bytes = () => new Uint8Array(12);
  pool.push(bytes(), FrameFlags.KEYFRAME, 1_000e6);
  pool.push(bytes(), FrameFlags.MARKER, 1_000e6);
  pool.push(bytes(), FrameFlags.MARKER, 1_033e6);
  const fresh = new PeerCursor();
  assert.equal(fresh.start(pool, { nowNs: 1_100e6, maxAgeNs: 150e6 }), false);
  assert.equal(fresh.next, 0);
  const late = new PeerCursor();
  assert.equal(late.start(pool, { nowNs: 1_200e6, maxAgeNs: 150e6 }), true, "asks for a keyframe");
  assert.equal(late.next, 3);
  assert.equal(late.waitingForKeyframe, true);
  const v = new Viewer();
  pool.push(bytes(), FrameFlags.MARKER, 1_066e6);
  late.pump(pool, v);
  assert.equal(v.got.length, 0, "P-frames before the keyframe are not sent");
  assert.equal(late.dropped, 0, "nor counted as drops: nothing was lost yet");
  pool.push(bytes(), FrameFlags.KEYFRAME | FrameFlags.MARKER, 1_100e6);
  late.pump(pool, v);
  assert.equal(v.got.length, 1);
});

Deno.test("PacketPool.clear() drops the packets but keeps the slab: sessions that come and go reuse one", () => {
  const pool = new PacketPool();
  feed(pool, 2, { perFrame: 3, gop: 1, first: 0 });
  const slab = pool.packet(pool.head - 1).buffer;
  assert.equal(slab.byteLength, POOL_PACKETS * SLOT_BYTES);
  for (let round = 0; round < 5; round++) {
    pool.clear();
    assert.equal(pool.lastKeyframe, -1);
    const seq = pool.head;
    feed(pool, 1, { perFrame: 2, gop: 1, first: 100 * round });
    assert.equal(pool.packet(seq).buffer, slab, `round ${round} made a new slab`);
    assert.equal(new DataView(slab, pool.offset(seq)).getUint32(0), 100 * round);
  }
});
