// Interop with a real peer: GStreamer's rtpjpegdepay/jpegdec receive what
// eyrie sends, and eyrie receives what rtpjpegpay sends. Loopback UDP only.

import assert from "node:assert/strict";
import {
  type DepacketizeResult,
  JpegDepacketizer,
  JpegPayloader,
  PacketBuffer,
  RtpPacketizer,
  RtpSequencer,
} from "../../../../transports/rtp/mod.ts";
import { type JpegKind, jpegs } from "../_media.ts";
import {
  decodeJpegs,
  freePort,
  gst,
  GstProcess,
  HAVE_FFMPEG,
  HAVE_GST,
  send,
  sleep,
  UdpCollector,
  udpSender,
  waitForFiles,
  writeNumbered,
} from "../_peers.ts";

const CAPS = "application/x-rtp,media=video,clock-rate=90000,encoding-name=JPEG,payload=26";

function assertSameFrames(got: Uint8Array[], want: Uint8Array[], what: string): void {
  assert.equal(got.length, want.length, `${what}: decoded ${got.length} of ${want.length} frames`);
  want.forEach((w, i) => {
    assert.equal(got[i].length, w.length, `${what}: frame ${i} size`);
    assert.ok(got[i].every((v, k) => v === w[k]), `${what}: frame ${i} differs`);
  });
}

const SEND_CASES: { kind: JpegKind; mtu: number; q?: number; needs?: boolean }[] = [
  { kind: "420", mtu: 1400 },
  { kind: "422", mtu: 1400 },
  { kind: "420", mtu: 400 },
  { kind: "q50", mtu: 1400, q: 50 },
  { kind: "dri", mtu: 1400, needs: HAVE_FFMPEG },
];

for (const c of SEND_CASES) {
  Deno.test({
    name: `GStreamer's rtpjpegdepay decodes every ${c.kind} frame eyrie sends (MTU ${c.mtu}${
      c.q ? `, Q ${c.q}` : ""
    })`,
    ignore: !HAVE_GST || c.needs === false,
    async fn() {
      const set = await jpegs(c.kind);
      const dir = await Deno.makeTempDir({ prefix: "eyrie-rtp-jpeg-tx-" });
      const port = await freePort();
      const rx = new GstProcess(
        `udpsrc address=127.0.0.1 port=${port} buffer-size=4194304 caps=${CAPS} ! rtpjpegdepay ! ` +
          `jpegdec ! multifilesink location=${dir}/out/%05d.raw`,
      );
      const socket = await udpSender();
      try {
        await Deno.mkdir(`${dir}/out`);
        await rx.ready();
        const packetizer = new RtpPacketizer(new JpegPayloader({ mtu: c.mtu, q: c.q }), {
          payloadType: 26,
          ssrc: 0x1234,
          sequencer: new RtpSequencer({ initial: 65530 }),
        });
        const buf = new PacketBuffer({ slotBytes: c.mtu });
        for (const [i, jpeg] of set.files.entries()) {
          buf.clear();
          const n = packetizer.packetize({ data: jpeg, ptsNs: i * 33_333_333, captureNs: 0 }, buf);
          await send(socket, Array.from({ length: n }, (_, k) => buf.packet(k)), port);
          await sleep(5);
        }
        await waitForFiles(`${dir}/out`, set.files.length);
      } finally {
        socket.close();
        await rx.stop();
      }
      const want = await decodeJpegs(set.dir, `${dir}/ref`);
      const got = (await Array.fromAsync(Deno.readDir(`${dir}/out`))).map((e) => e.name).sort();
      const frames = await Promise.all(got.map((n) => Deno.readFile(`${dir}/out/${n}`)));
      assertSameFrames(frames, want, c.kind);
      await Deno.remove(dir, { recursive: true });
    },
  });
}

/** Runs a sending pipeline into a collector; returns the datagrams. */
async function capture(pipeline: (port: number) => string): Promise<Uint8Array[]> {
  const col = new UdpCollector();
  const port = await col.bind();
  try {
    await gst(pipeline(port));
    await col.settle(300);
  } finally {
    await col.close();
  }
  return col.packets;
}

function depacketizeAll(packets: Uint8Array[]) {
  const d = new JpegDepacketizer();
  const frames: Uint8Array[] = [];
  const drops: string[] = [];
  const take = (first: DepacketizeResult) => {
    for (let r = first; r.kind !== "more"; r = d.pull()) {
      if (r.kind === "frame") frames.push(r.data.slice());
      else drops.push(r.reason);
    }
  };
  for (const p of packets) take(d.push(p));
  take(d.flush());
  return { frames, drops, stats: d.stats };
}

const RECEIVE_CASES: { name: string; format?: string; kind?: JpegKind }[] = [
  { name: "4:2:0", format: "I420" },
  { name: "4:2:2", format: "Y42B" },
  { name: "DRI (restart markers)", kind: "dri" },
];

for (const c of RECEIVE_CASES) {
  Deno.test({
    name: `JpegDepacketizer rebuilds every ${c.name} frame GStreamer's rtpjpegpay sends`,
    ignore: !HAVE_GST || (c.kind === "dri" && !HAVE_FFMPEG),
    async fn() {
      const dir = await Deno.makeTempDir({ prefix: "eyrie-rtp-jpeg-rx-" });
      let origDir = `${dir}/orig`;
      let packets: Uint8Array[];
      if (c.kind) {
        const set = await jpegs(c.kind);
        origDir = set.dir;
        packets = await capture((port) =>
          `multifilesrc location=${set.dir}/%05d.jpg caps=image/jpeg,framerate=30/1,width=320,height=240 ! ` +
          `rtpjpegpay ! udpsink host=127.0.0.1 port=${port}`
        );
      } else {
        await Deno.mkdir(origDir);
        packets = await capture((port) =>
          `videotestsrc num-buffers=12 pattern=ball ! ` +
          `video/x-raw,width=320,height=240,format=${c.format},framerate=30/1 ! jpegenc ! tee name=t ` +
          `t. ! queue ! multifilesink location=${origDir}/%05d.jpg ` +
          `t. ! queue ! rtpjpegpay ! udpsink host=127.0.0.1 port=${port}`
        );
      }
      const { frames, drops } = depacketizeAll(packets);
      assert.deepEqual(drops, []);
      await writeNumbered(`${dir}/rebuilt`, frames, "jpg");
      const want = await decodeJpegs(origDir, `${dir}/ref`);
      const got = await decodeJpegs(`${dir}/rebuilt`, `${dir}/got`);
      assertSameFrames(got, want, c.name);
      await Deno.remove(dir, { recursive: true });
    },
  });
}

Deno.test({
  name: "JpegDepacketizer drops only the frame that lost a packet of rtpjpegpay's stream",
  ignore: !HAVE_GST,
  async fn() {
    const packets = await capture((port) =>
      `videotestsrc num-buffers=6 pattern=ball ! video/x-raw,width=320,height=240,format=I420 ! ` +
      `jpegenc ! rtpjpegpay ! udpsink host=127.0.0.1 port=${port}`
    );
    const complete = depacketizeAll(packets);
    assert.equal(complete.frames.length, 6);
    // Lose the second packet of the third frame.
    const markers = packets.map((p, i) => (p[1] & 0x80 ? i : -1)).filter((i) => i >= 0);
    const victim = markers[1] + 2;
    const lossy = depacketizeAll(packets.filter((_, i) => i !== victim));
    assert.deepEqual(lossy.drops, ["loss"]);
    assert.equal(lossy.frames.length, 5);
    assert.deepEqual(lossy.frames, complete.frames.filter((_, i) => i !== 2));
    assert.equal(lossy.stats.lost, 1);
  },
});
