import assert from "node:assert/strict";
import {
  type DepacketizeResult,
  H264Depacketizer,
  H264Payloader,
  PacketBuffer,
  RtpPacketizer,
  RtpSequencer,
  writeRtpHeader,
} from "../../../../transports/rtp/mod.ts";
import { accessUnit, H264_CASES, type H264Case, nal } from "./_cases.ts";

/** Packets of a sequence of access units, one array per AU. */
export function packetsOf(aus: Uint8Array[], mtu = 1200, initialSeq = 65530): Uint8Array[][] {
  const p = new RtpPacketizer(new H264Payloader({ mtu }), {
    payloadType: 96,
    ssrc: 9,
    sequencer: new RtpSequencer({ initial: initialSeq }),
  });
  const buf = new PacketBuffer({ slotBytes: mtu });
  return aus.map((au, f) => {
    buf.clear();
    const n = p.packetize({ data: au, ptsNs: f * 33_333_333, captureNs: 0 }, buf);
    return Array.from({ length: n }, (_, i) => buf.packet(i).slice());
  });
}

type Seen = { kind: string; data?: Uint8Array; keyframe?: boolean };

function feed(d: H264Depacketizer, packets: Uint8Array[]): Seen[] {
  const out: Seen[] = [];
  const take = (first: DepacketizeResult) => {
    for (let r = first; r.kind !== "more"; r = d.pull()) {
      out.push(
        r.kind === "frame"
          ? { kind: "frame", data: r.data.slice(), keyframe: r.keyframe }
          : { kind: r.reason },
      );
    }
  };
  for (const p of packets) take(d.push(p));
  return out;
}

function expectedAu(c: H264Case): Uint8Array {
  return Uint8Array.from(c.received.flatMap((i) => [0, 0, 0, 1, ...c.nals[i]]));
}

for (const c of H264_CASES) {
  Deno.test(`H264Depacketizer rebuilds the access unit: ${c.name}`, () => {
    const d = new H264Depacketizer({ waitForKeyframe: false });
    const seen = feed(d, packetsOf([accessUnit(c)], c.mtu)[0]);
    assert.equal(seen.length, 1);
    assert.equal(seen[0].kind, "frame");
    assert.deepEqual(seen[0].data, expectedAu(c));
    assert.equal(seen[0].keyframe, c.received.some((i) => (c.nals[i][0] & 0x1f) === 5));
  });
}

const IDR = accessUnit(H264_CASES[2]); // SPS, PPS, 3 KB IDR in FU-A
const P = accessUnit({ ...H264_CASES[0], nals: [nal(1, 2500, 2)] });

function kinds(seen: Seen[]): string[] {
  return seen.map((s) => s.kind === "frame" ? (s.keyframe ? "IDR" : "P") : s.kind);
}

Deno.test("H264Depacketizer waits for the first IDR by default", () => {
  const seen = feed(new H264Depacketizer(), packetsOf([P, IDR, P]).flat());
  assert.deepEqual(kinds(seen), ["awaiting_keyframe", "IDR", "P"]);
});

Deno.test("H264Depacketizer drops until the next IDR after a loss, says so, and asks for a keyframe", () => {
  const aus = packetsOf([IDR, P, P, P, IDR, P]);
  aus[1].splice(1, 1); // lose the middle FU-A fragment of the first P frame
  const d = new H264Depacketizer({ reorderWindow: 1 });
  const seen: Seen[] = [];
  seen.push(...feed(d, [...aus[0], ...aus[1], ...aus[2]]));
  assert.equal(d.needsKeyframe, true);
  seen.push(...feed(d, [...aus[3], ...aus[4], ...aus[5]]));
  assert.deepEqual(kinds(seen), [
    "IDR",
    "loss",
    "awaiting_keyframe",
    "awaiting_keyframe",
    "IDR",
    "P",
  ]);
  assert.equal(d.needsKeyframe, false);
  assert.equal(d.stats.lost, 1);
});

Deno.test("H264Depacketizer puts reordered FU-A fragments back in order", () => {
  const [a, b] = packetsOf([IDR, P]);
  const seen = feed(new H264Depacketizer(), [a[0], a[2], a[1], a[3], b[2], b[0], b[1]]);
  assert.deepEqual(kinds(seen), ["IDR", "P"]);
  assert.deepEqual(seen[0].data, expectedAu(H264_CASES[2]));
});

Deno.test("H264Depacketizer ends an access unit without marker when the timestamp changes", () => {
  const [a, b] = packetsOf([accessUnit(H264_CASES[1]), P]);
  const last = a[a.length - 1].slice();
  last[1] &= 0x7f;
  const seen = feed(new H264Depacketizer(), [...a.slice(0, -1), last, ...b]);
  assert.deepEqual(kinds(seen), ["IDR", "P"]);
});

function rtp(seq: number, ts: number, payload: number[], marker = true): Uint8Array {
  const p = new Uint8Array(12 + payload.length);
  writeRtpHeader(p, { marker, payloadType: 96, sequenceNumber: seq, timestamp: ts, ssrc: 1 });
  p.set(payload, 12);
  return p;
}

Deno.test("H264Depacketizer drops malformed STAP-A, FU-A without start and interleaved-mode packets", () => {
  const d = new H264Depacketizer({ waitForKeyframe: false });
  const cases: [number[], string][] = [
    [[24, 0, 9, 0x65, 1], "malformed"], // STAP-A unit longer than the packet
    [[24, 0, 0], "malformed"], // STAP-A unit of size 0
    [[28, 0x05, 1, 2], "loss"], // FU-A middle without its start
    [[25, 0, 0, 0, 2, 0x65, 1], "unsupported"], // STAP-B
    [[26, 0, 0], "unsupported"], // MTAP16
    [[29, 0x85, 0, 0, 1], "unsupported"], // FU-B
    [[28, 0x85], "malformed"], // FU-A with no data
    [[], "malformed"], // empty payload
  ];
  cases.forEach(([payload, reason], i) => {
    const seen = feed(d, [rtp(i, i * 3000, payload)]);
    assert.deepEqual(kinds(seen), [reason], JSON.stringify(payload));
  });
});

Deno.test("H264Depacketizer counts non-RTP datagrams and never throws", () => {
  const d = new H264Depacketizer();
  assert.equal(d.push(new Uint8Array(3)).kind, "more");
  assert.equal(
    d.push(Uint8Array.from([0xb0, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f])).kind,
    "more",
  );
  assert.equal(d.stats.malformed, 2);
});
