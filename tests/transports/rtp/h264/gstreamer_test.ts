// Interop with a real peer: GStreamer's rtph264depay/avdec_h264 receive what
// eyrie sends, and eyrie receives what rtph264pay sends. Loopback UDP only.

import assert from "node:assert/strict";
import {
  type DepacketizeResult,
  H264Depacketizer,
  H264Payloader,
  PacketBuffer,
  RtpPacketizer,
  RtpSequencer,
  splitAnnexB,
} from "../../../../transports/rtp/mod.ts";
import { h264 } from "../_media.ts";
import {
  concat,
  decodeH264,
  freePort,
  gst,
  GstProcess,
  HAVE_GST,
  send,
  sleep,
  UdpCollector,
  udpSender,
  waitForFiles,
} from "../_peers.ts";

const CAPS = "application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=96";
const FRAMES = 30;

function assertSameFrames(got: Uint8Array[], want: Uint8Array[], what: string): void {
  assert.equal(got.length, want.length, `${what}: decoded ${got.length} of ${want.length} frames`);
  want.forEach((w, i) => {
    assert.equal(got[i].length, w.length, `${what}: frame ${i} size`);
    assert.ok(got[i].every((v, k) => v === w[k]), `${what}: frame ${i} differs`);
  });
}

for (const mtu of [1200, 1400, 300]) {
  Deno.test({
    name: `GStreamer's rtph264depay decodes every access unit eyrie sends (MTU ${mtu})`,
    ignore: !HAVE_GST,
    async fn() {
      const set = await h264(FRAMES);
      const dir = await Deno.makeTempDir({ prefix: "eyrie-rtp-h264-tx-" });
      await Deno.mkdir(`${dir}/out`);
      const port = await freePort();
      const rx = new GstProcess(
        `udpsrc address=127.0.0.1 port=${port} buffer-size=4194304 caps=${CAPS} ! rtph264depay ! ` +
          `avdec_h264 ! multifilesink location=${dir}/out/%05d.raw`,
      );
      const socket = await udpSender();
      try {
        await rx.ready();
        const packetizer = new RtpPacketizer(new H264Payloader({ mtu }), {
          payloadType: 96,
          ssrc: 0x4242,
          sequencer: new RtpSequencer({ initial: 65500 }),
        });
        const buf = new PacketBuffer({ slotBytes: mtu });
        for (const [i, au] of set.files.entries()) {
          buf.clear();
          const n = packetizer.packetize({ data: au, ptsNs: i * 33_333_333, captureNs: 0 }, buf);
          await send(socket, Array.from({ length: n }, (_, k) => buf.packet(k)), port);
          await sleep(5);
        }
        await waitForFiles(`${dir}/out`, FRAMES - 2);
      } finally {
        socket.close();
        await rx.stop(); // EOS flushes the decoder's last frames
      }
      await Deno.writeFile(`${dir}/orig.h264`, concat(set.files));
      const want = await decodeH264(`${dir}/orig.h264`, `${dir}/ref`);
      const names = (await Array.fromAsync(Deno.readDir(`${dir}/out`))).map((e) => e.name).sort();
      const got = await Promise.all(names.map((n) => Deno.readFile(`${dir}/out/${n}`)));
      assert.equal(want.length, FRAMES);
      assertSameFrames(got, want, `MTU ${mtu}`);
      await Deno.remove(dir, { recursive: true });
    },
  });
}

function nalsOf(au: Uint8Array): Uint8Array[] {
  const units = splitAnnexB(au);
  return Array.from({ length: units.count }, (_, i) => units.nal(i));
}

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
  const d = new H264Depacketizer();
  const aus: Uint8Array[] = [];
  const events: string[] = [];
  const take = (first: DepacketizeResult) => {
    for (let r = first; r.kind !== "more"; r = d.pull()) {
      if (r.kind === "frame") {
        aus.push(r.data.slice());
        events.push(r.keyframe ? "IDR" : "P");
      } else events.push(r.reason);
    }
  };
  for (const p of packets) take(d.push(p));
  take(d.flush());
  return { aus, events, stats: d.stats };
}

/** rtph264pay's packets for a fresh x264 stream, and the stream itself. */
async function fromGstreamer(dir: string, mode: string, mtu: number) {
  await Deno.mkdir(`${dir}/orig`, { recursive: true });
  const packets = await capture((port) =>
    `videotestsrc num-buffers=${FRAMES} pattern=ball ! ` +
    `video/x-raw,width=320,height=240,format=I420,framerate=30/1 ! ` +
    `x264enc key-int-max=10 tune=zerolatency speed-preset=ultrafast bitrate=1500 ! ` +
    // h264parse puts SPS/PPS before every IDR; rtph264pay's own config-interval
    // would add them again between the slices of one IDR picture.
    `h264parse config-interval=-1 ! video/x-h264,stream-format=byte-stream,alignment=au ! tee name=t ` +
    `t. ! queue ! multifilesink location=${dir}/orig/%05d.h264 ` +
    `t. ! queue ! rtph264pay aggregate-mode=${mode} mtu=${mtu} pt=96 ! ` +
    `udpsink host=127.0.0.1 port=${port}`
  );
  const files = [];
  for (let i = 0; i < FRAMES; i++) {
    files.push(await Deno.readFile(`${dir}/orig/${String(i).padStart(5, "0")}.h264`));
  }
  return { packets, files, stream: concat(files) };
}

for (const [mode, mtu] of [["zero-latency", 1200], ["none", 500], ["max-stap", 600]] as const) {
  Deno.test({
    name:
      `H264Depacketizer rebuilds every access unit rtph264pay sends (aggregate-mode=${mode}, MTU ${mtu})`,
    ignore: !HAVE_GST,
    async fn() {
      const dir = await Deno.makeTempDir({ prefix: "eyrie-rtp-h264-rx-" });
      const { packets, files, stream } = await fromGstreamer(dir, mode, mtu);
      if (mode !== "none") assert.ok(packets.some((p) => (p[12] & 0x1f) === 24), "no STAP-A seen");
      assert.ok(packets.some((p) => (p[12] & 0x1f) === 28), "no FU-A seen");
      const { aus, events } = depacketizeAll(packets);
      assert.equal(aus.length, FRAMES);
      assert.deepEqual(events.filter((e) => e !== "IDR" && e !== "P"), []);
      // The same NAL units as the encoder's access units, AUD included.
      aus.forEach((au, i) => assert.deepEqual(nalsOf(au), nalsOf(files[i]), `AU ${i}`));
      await Deno.writeFile(`${dir}/orig.h264`, stream);
      await Deno.writeFile(`${dir}/rebuilt.h264`, concat(aus));
      const want = await decodeH264(`${dir}/orig.h264`, `${dir}/ref`);
      const got = await decodeH264(`${dir}/rebuilt.h264`, `${dir}/got`);
      assert.equal(want.length, FRAMES);
      assertSameFrames(got, want, mode);
      await Deno.remove(dir, { recursive: true });
    },
  });
}

Deno.test({
  name:
    "H264Depacketizer drops rtph264pay's stream from a lost packet to the next IDR, and the rest decodes",
  ignore: !HAVE_GST,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "eyrie-rtp-h264-loss-" });
    const { packets } = await fromGstreamer(dir, "zero-latency", 1200);
    // Lose the first packet of access unit 3 (a P frame; IDRs are 0, 10, 20).
    const ends = packets.map((p, i) => (p[1] & 0x80 ? i : -1)).filter((i) => i >= 0);
    const lossy = depacketizeAll(packets.filter((_, i) => i !== ends[2] + 1));
    // AU 3 may have been one packet, lost whole: then AU 4 is the first to say "loss".
    assert.deepEqual(lossy.events.slice(0, 4), ["IDR", "P", "P", "loss"]);
    const next = lossy.events.indexOf("IDR", 4);
    assert.ok(lossy.events.slice(4, next).every((e) => e === "awaiting_keyframe"));
    assert.ok(lossy.events.slice(next).every((e) => e === "IDR" || e === "P"));
    // AUs 3 to 9 never reach the decoder; the IDR at 10 starts it again.
    assert.equal(lossy.aus.length, FRAMES - 7);
    await Deno.writeFile(`${dir}/lossy.h264`, concat(lossy.aus));
    const decoded = await decodeH264(`${dir}/lossy.h264`, `${dir}/got`);
    assert.equal(decoded.length, FRAMES - 7);
    await Deno.remove(dir, { recursive: true });
  },
});
