import assert from "node:assert/strict";
import {
  type DepacketizeResult,
  JpegDepacketizer,
  JpegPayloader,
  makeQuantTables,
  PacketBuffer,
  parseJpeg,
  RtpPacketizer,
  RtpSequencer,
} from "../../../../transports/rtp/mod.ts";
import { decodeJpegs, HAVE_GST, writeNumbered } from "../_peers.ts";
import { JPEG_CASES, type JpegCase, scanRange } from "./_cases.ts";

/** Packets of `frames` consecutive frames of a case, one array per frame. */
export function packetsOf(c: JpegCase, frames = 1, initialSeq = 100): Uint8Array[][] {
  const packetizer = new RtpPacketizer(new JpegPayloader({ mtu: c.mtu, q: c.q }), {
    payloadType: 26,
    ssrc: 7,
    sequencer: new RtpSequencer({ initial: initialSeq }),
  });
  const out: Uint8Array[][] = [];
  const buf = new PacketBuffer({ slotBytes: c.mtu });
  for (let f = 0; f < frames; f++) {
    buf.clear();
    const n = packetizer.packetize({ data: c.jpeg, ptsNs: f * 33_333_333, captureNs: 0 }, buf);
    out.push(Array.from({ length: n }, (_, i) => buf.packet(i).slice()));
  }
  return out;
}

/** Every result the packets produce, frames copied out. */
function feed(d: JpegDepacketizer, packets: Uint8Array[]) {
  const results: (DepacketizeResult & { copy?: Uint8Array })[] = [];
  for (const p of packets) {
    for (let r = d.push(p); r.kind !== "more"; r = d.pull()) {
      results.push(r.kind === "frame" ? { ...r, copy: r.data.slice() } : { ...r });
    }
  }
  return results;
}

function assertSameImage(c: JpegCase, rebuilt: Uint8Array): void {
  const info = parseJpeg(rebuilt);
  assert.equal(info.width, c.width8 * 8);
  assert.equal(info.height, c.height8 * 8);
  assert.equal(info.type, c.type & 1);
  assert.equal(info.restartInterval, c.restartInterval);
  const tables = c.q !== undefined && c.q < 128
    ? [...makeQuantTables(c.q)]
    : [...c.luma, ...c.chroma];
  assert.deepEqual(
    [
      ...rebuilt.subarray(info.lumaTable, info.lumaTable + 64),
      ...rebuilt.subarray(info.chromaTable, info.chromaTable + 64),
    ],
    tables,
  );
  const [s, e] = scanRange(c.jpeg);
  assert.deepEqual(rebuilt.subarray(info.scanStart, info.scanEnd), c.jpeg.subarray(s, e));
}

for (const c of JPEG_CASES) {
  Deno.test(`JpegDepacketizer rebuilds the JPEG: ${c.name}`, () => {
    const results = feed(new JpegDepacketizer(), packetsOf(c)[0]);
    assert.equal(results.length, 1);
    assert.equal(results[0].kind, "frame");
    assertSameImage(c, results[0].copy!);
  });
}

Deno.test("JpegDepacketizer puts swapped packets back in order", () => {
  const c = JPEG_CASES.find((x) => x.packets.length >= 4)!;
  const [a, b] = packetsOf(c, 2);
  const swapped = [a[0], a[2], a[1], ...a.slice(3), b[1], b[0], ...b.slice(2)];
  const d = new JpegDepacketizer();
  const results = feed(d, swapped);
  assert.deepEqual(results.map((r) => r.kind), ["frame", "frame"]);
  for (const r of results) assertSameImage(c, r.copy!);
  assert.equal(d.stats.lost, 0);
});

Deno.test("JpegDepacketizer drops a frame with a lost packet and says so, then goes on", () => {
  const c = JPEG_CASES.find((x) => x.packets.length >= 4)!;
  const [a, b, f3] = packetsOf(c, 3);
  const d = new JpegDepacketizer({ reorderWindow: 2 });
  const results = feed(d, [...a, b[0], b[1], ...b.slice(3), ...f3]);
  assert.deepEqual(results.map((r) => r.kind === "dropped" ? r.reason : r.kind), [
    "frame",
    "loss",
    "frame",
  ]);
  assertSameImage(c, results[2].copy!);
  assert.equal(d.stats.lost, 1);
  assert.equal(d.stats.dropped, 1);
});

Deno.test("JpegDepacketizer drops a frame whose first packet was lost", () => {
  const c = JPEG_CASES.find((x) => x.packets.length >= 3)!;
  const [a, b, f3] = packetsOf(c, 3);
  const results = feed(new JpegDepacketizer({ reorderWindow: 1 }), [...a, ...b.slice(1), ...f3]);
  assert.deepEqual(results.map((r) => r.kind === "dropped" ? r.reason : r.kind), [
    "frame",
    "loss",
    "frame",
  ]);
});

Deno.test("JpegDepacketizer ignores duplicates and counts them", () => {
  const c = JPEG_CASES.find((x) => x.packets.length >= 3)!;
  const [a] = packetsOf(c);
  const d = new JpegDepacketizer();
  const results = feed(d, [a[0], a[0], a[1], a[1], ...a.slice(2)]);
  assert.deepEqual(results.map((r) => r.kind), ["frame"]);
  assert.equal(d.stats.late, 2);
});

Deno.test("JpegDepacketizer reports a frame that never got its marker as incomplete", () => {
  const c = JPEG_CASES.find((x) => x.packets.length >= 2)!;
  const [a, b] = packetsOf(c, 2);
  const last = a[a.length - 1].slice();
  last[1] &= 0x7f; // clear the marker
  const results = feed(new JpegDepacketizer(), [...a.slice(0, -1), last, ...b]);
  assert.deepEqual(results.map((r) => r.kind === "dropped" ? r.reason : r.kind), [
    "incomplete",
    "frame",
  ]);
});

Deno.test("JpegDepacketizer reuses Q 128-254 tables when a later frame sends Length 0", () => {
  const c = JPEG_CASES[0];
  const packetizer = new RtpPacketizer(new JpegPayloader({ q: 200 }), { payloadType: 26, ssrc: 1 });
  const buf = new PacketBuffer();
  packetizer.packetize({ data: c.jpeg, ptsNs: 0, captureNs: 0 }, buf);
  const first = buf.packet(0).slice();
  buf.clear();
  packetizer.packetize({ data: c.jpeg, ptsNs: 40_000_000, captureNs: 0 }, buf);
  const p = buf.packet(0);
  // Same packet without the 128 table bytes, Length 0 (RFC 2435 3.1.8).
  const second = Uint8Array.from([...p.subarray(0, 20), 0, 0, 0, 0, ...p.subarray(20 + 132)]);
  const results = feed(new JpegDepacketizer(), [first, second]);
  assert.deepEqual(results.map((r) => r.kind), ["frame", "frame"]);
  assert.deepEqual(results[1].copy, results[0].copy);
});

Deno.test("JpegDepacketizer counts non-RTP datagrams as malformed and never throws", () => {
  const d = new JpegDepacketizer();
  for (
    const junk of [
      new Uint8Array(0),
      new Uint8Array(11),
      Uint8Array.from([0x40, 26, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    ]
  ) {
    assert.equal(d.push(junk).kind, "more");
  }
  assert.equal(d.stats.malformed, 3);
});

Deno.test({
  name: "JpegDepacketizer's JPEGs decode in GStreamer's jpegdec exactly like the originals",
  ignore: !HAVE_GST,
  async fn() {
    // The width-20 case decodes to 24x16, a different picture by design.
    const cases = JPEG_CASES.filter((c) =>
      c.width8 * 8 === parseJpeg(c.jpeg).width && c.height8 * 8 === parseJpeg(c.jpeg).height
    );
    const rebuilt = cases.map((c) => feed(new JpegDepacketizer(), packetsOf(c)[0])[0].copy!);
    const dir = await Deno.makeTempDir({ prefix: "eyrie-rtp-jpeg-cases-" });
    try {
      await writeNumbered(`${dir}/orig`, cases.map((c) => c.jpeg), "jpg");
      await writeNumbered(`${dir}/rebuilt`, rebuilt, "jpg");
      const a = await decodeJpegs(`${dir}/orig`, `${dir}/orig-raw`);
      const b = await decodeJpegs(`${dir}/rebuilt`, `${dir}/rebuilt-raw`);
      assert.equal(a.length, cases.length);
      assert.equal(b.length, cases.length);
      a.forEach((frame, i) =>
        assert.ok(frame.length > 0 && frame.every((v, k) => v === b[i][k]), cases[i].name)
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
