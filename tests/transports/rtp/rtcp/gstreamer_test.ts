// RTCP against a real peer: GStreamer's rtpbin as a sender (its SR, SDES and
// BYE parsed here) and as a receiver (its RR must echo eyrie's SR in LSR).

import assert from "node:assert/strict";
import {
  JpegPayloader,
  ntpMiddle,
  PacketBuffer,
  parseRtcp,
  parseRtpHeader,
  randomInitialSequence,
  ReceiverStats,
  RtcpPacket,
  RtpClock,
  RtpPacketizer,
  RtpSequencer,
  senderReport,
  serializeRtcp,
  unixMsFromNtp,
} from "../../../../transports/rtp/mod.ts";
import { jpegs } from "../_media.ts";
import {
  freePort,
  gst,
  GstProcess,
  HAVE_GST,
  send,
  sleep,
  UdpCollector,
  udpSender,
} from "../_peers.ts";
import { EyrieStream, RtpSessionReceiver } from "./_rtpsession.ts";

Deno.test({
  name:
    "parseRtcp() reads the SR, SDES CNAME and BYE that GStreamer's rtpbin sends, and they match its RTP",
  ignore: !HAVE_GST,
  async fn() {
    const rtp = new UdpCollector();
    const rtcp = new UdpCollector();
    const [rtpPort, rtcpPort] = [await rtp.bind(), await rtcp.bind()];
    // Judged by the BYE that arrives, not by gst-launch's exit: rtpbin sometimes sends its BYE
    // and then never ends its RTCP pad, so the process waits for an EOS that never comes
    // (reproduced at load ~40: 1 in 2 runs of the bare gst-launch line, GST_DEBUG=rtpsession:5
    // shows the BYE sent and the RTCP thread going on with RRs).
    const sender = new GstProcess(
      `rtpbin name=b videotestsrc num-buffers=30 is-live=true ! ` +
        `video/x-raw,width=160,height=120,framerate=30/1,format=I420 ! jpegenc ! rtpjpegpay ! ` +
        `b.send_rtp_sink_0 b.send_rtp_src_0 ! udpsink host=127.0.0.1 port=${rtpPort} ` +
        `b.send_rtcp_src_0 ! udpsink host=127.0.0.1 port=${rtcpPort} sync=false async=false`,
    );
    try {
      await sender.ready();
      const bye = () => rtcp.packets.some((p) => parseRtcp(p).some((r) => r.type === "bye"));
      for (let waited = 0; !bye() && waited < 30_000; waited += 100) await sleep(100);
      assert.ok(bye(), "rtpbin sent a BYE within 30 s of its last buffer");
      await rtcp.settle(300);
    } finally {
      await sender.stop();
      await rtp.close();
      await rtcp.close();
    }
    const packets = rtcp.packets.flatMap((p) => parseRtcp(p));
    const headers = rtp.packets.map((p) => parseRtpHeader(p));
    const srs = packets.filter((p) => p.type === "sr");
    assert.ok(srs.length >= 1);
    const last = srs[srs.length - 1] as Extract<RtcpPacket, { type: "sr" }>;
    assert.equal(last.ssrc, headers[0].ssrc);
    // The BYE's SR counts everything sent: packets and payload octets.
    assert.equal(last.packetCount, headers.length);
    assert.equal(last.octetCount, headers.reduce((n, h) => n + h.payloadLength, 0));
    assert.ok(
      Math.abs(
        unixMsFromNtp({ seconds: last.ntpSeconds, fraction: last.ntpFraction }) - Date.now(),
      ) < 60_000,
    );
    const sdes = packets.find((p) => p.type === "sdes");
    assert.ok(
      sdes?.type === "sdes" && sdes.chunks[0].items.some((i) => i.type === 1 && i.text.length > 0),
    );
    assert.ok(packets.some((p) => p.type === "bye" && p.ssrcs.includes(last.ssrc)));
  },
});

Deno.test({
  name:
    "GStreamer's rtpbin receiver echoes eyrie's sender report in its RR (LSR) and reports no loss",
  ignore: !HAVE_GST,
  async fn() {
    const set = await jpegs("420");
    const [rtpPort, rtcpPort] = [await freePort(), await freePort()];
    const back = new UdpCollector();
    const backPort = await back.bind();
    const rx = new GstProcess(
      `rtpbin name=b ` +
        `udpsrc address=127.0.0.1 buffer-size=4194304 port=${rtpPort} caps=application/x-rtp,media=video,clock-rate=90000,encoding-name=JPEG,payload=26 ! b.recv_rtp_sink_0 ` +
        `b. ! rtpjpegdepay ! fakesink ` +
        `udpsrc address=127.0.0.1 port=${rtcpPort} ! b.recv_rtcp_sink_0 ` +
        `b.send_rtcp_src_0 ! udpsink host=127.0.0.1 port=${backPort} sync=false async=false`,
    );
    const socket = await udpSender();
    const ssrc = 0x5eed5eed;
    const sentSrs: number[] = [];
    let report: Extract<RtcpPacket, { type: "rr" }>["reports"][number] | undefined;
    try {
      await rx.ready();
      const clock = new RtpClock({ source: "capture", offset: 12345 });
      const packetizer = new RtpPacketizer(new JpegPayloader(), { payloadType: 26, ssrc, clock });
      const buf = new PacketBuffer();
      let packets = 0, octets = 0;
      const t0 = performance.now();
      // RTCP intervals are seconds long: stream for up to 15 s, until an RR echoes an SR.
      for (let f = 0; f < 450 && report === undefined; f++) {
        const nowNs = (performance.now() - t0) * 1e6;
        buf.clear();
        const n = packetizer.packetize({
          data: set.files[f % set.files.length],
          ptsNs: 0,
          captureNs: nowNs,
        }, buf);
        const list = Array.from({ length: n }, (_, i) => buf.packet(i));
        await send(socket, list, rtpPort);
        packets += n;
        octets += list.reduce((s, p) => s + p.length - 12, 0);
        if (f % 15 === 0) {
          const ours = senderReport({
            ssrc,
            unixMs: Date.now(),
            rtpTimestamp: clock.fromNs(nowNs),
            packetCount: packets,
            octetCount: octets,
          });
          sentSrs.push(ntpMiddle({ seconds: ours.ntpSeconds, fraction: ours.ntpFraction }));
          const sr = serializeRtcp([
            ours,
            { type: "sdes", chunks: [{ ssrc, items: [{ type: 1, text: "eyrie@test" }] }] },
          ]);
          await send(socket, [sr], rtcpPort);
        }
        for (const p of back.packets.splice(0)) {
          for (const pkt of parseRtcp(p)) {
            if (pkt.type !== "rr" && pkt.type !== "sr") continue;
            const r = pkt.reports.find((b) => b.ssrc === ssrc && b.lastSr !== 0);
            if (r) report = r;
          }
        }
        await sleep(33);
      }
    } finally {
      socket.close();
      await rx.stop();
      await back.close();
    }
    assert.ok(report, "no receiver report with LSR arrived");
    assert.ok(sentSrs.includes(report.lastSr), `LSR ${report.lastSr} is none of the SRs sent`);
    // rtpbin counts the packets of its probation period as received but not
    // as expected, so a loss-free stream reports −1 there, never more than 0
    // (0 when it took the SR in first and skipped probation; see below why the
    // stream must then not begin at sequence 0).
    assert.ok(report.cumulativeLost <= 0, `cumulative lost ${report.cumulativeLost}`);
    assert.equal(report.fractionLost, 0);
  },
});

// The flaky failure was `cumulative lost 65536` in the test above, when it sent
// from sequence 0: rtpbin reads RTP and RTCP on two threads, and when it took
// in the SR first it knew the source from RTCP, skipped probation, and its
// first-packet init (`max_seq = seq - 1` in 16 bits) made 0 look like a wrap
// from 65535. These tests order the two steps instead of racing them.

/** Sends what `order` says first, and returns the report after all of it. */
async function firstPacketTrial(
  rx: RtpSessionReceiver,
  stream: EyrieStream,
  order: "rtcp first" | "rtp first",
) {
  const hasAll = (r: { extendedHighestSeq: number; lastSr: number }) =>
    (r.extendedHighestSeq & 0xffff) === stream.lastSeq && r.lastSr !== 0;
  if (order === "rtcp first") {
    await stream.senderReport();
    // A block about the SSRC with LSR set: rtpsession took the SR in.
    await rx.reportWhere(stream.ssrc, (r) => r.lastSr !== 0, () => stream.senderReport());
    await stream.frames(5);
    return await rx.reportWhere(stream.ssrc, hasAll);
  }
  await stream.frames(5);
  await rx.reportWhere(stream.ssrc, (r) => (r.extendedHighestSeq & 0xffff) === stream.lastSeq);
  await stream.senderReport();
  await stream.frames(5);
  return await rx.reportWhere(stream.ssrc, hasAll, () => stream.senderReport());
}

Deno.test({
  name:
    "GStreamer's rtpsession reports 65536 lost for a source it heard RTCP from before a first RTP packet 0",
  ignore: !HAVE_GST,
  async fn() {
    const set = await jpegs("420");
    const rx = await RtpSessionReceiver.start();
    try {
      const stream = new EyrieStream(rx, {
        ssrc: 0x0bad_0000,
        frames: set.files,
        sequencer: new RtpSequencer({ initial: 0 }),
      });
      const report = await firstPacketTrial(rx, stream, "rtcp first");
      // The peer's behaviour that eyrie steers clear of: one phantom 16-bit cycle.
      assert.equal(report.extendedHighestSeq, 0x1_0000 + stream.lastSeq);
      assert.equal(report.cumulativeLost, 0x1_0000);
    } finally {
      await rx.stop();
    }
  },
});

Deno.test({
  name:
    "GStreamer's rtpsession reports no loss for eyrie's streams near the wrap, whether it takes in RTCP or RTP first",
  ignore: !HAVE_GST,
  async fn() {
    const set = await jpegs("420");
    const firsts = [
      new RtpSequencer().next(),
      randomInitialSequence(() => 0),
      randomInitialSequence(() => 1 - Number.EPSILON),
      65534,
    ];
    const rx = await RtpSessionReceiver.start();
    try {
      let ssrc = 0x5eed_0000;
      for (const initial of firsts) {
        for (const order of ["rtcp first", "rtp first"] as const) {
          const stream = new EyrieStream(rx, {
            ssrc: ssrc++,
            frames: set.files,
            sequencer: new RtpSequencer({ initial }),
          });
          const r = await firstPacketTrial(rx, stream, order);
          const sent = (stream.lastSeq - initial + 1 + 0x1_0000) % 0x1_0000;
          const label = `first ${initial}, ${order}`;
          // Cycles count from the packet that validated the source: the first
          // one without probation (RTCP first), else the second.
          const validatedAt = order === "rtcp first" ? 0 : 1;
          assert.equal(
            r.extendedHighestSeq,
            ((initial + validatedAt) & 0xffff) + sent - 1 - validatedAt,
            label,
          );
          // RTP first: the packet rtpsession queued on probation is counted twice
          // (received, not expected), so a loss-free stream reports -1.
          assert.equal(r.cumulativeLost, order === "rtcp first" ? 0 : -1, label);
        }
      }
    } finally {
      await rx.stop();
    }
  },
});

Deno.test({
  name:
    "ReceiverStats counts no loss and the right extended sequence for GStreamer streams that begin at 0, 65535 and 65534",
  ignore: !HAVE_GST,
  async fn() {
    for (const offset of [0, 65535, 65534]) {
      const rtp = new UdpCollector();
      const port = await rtp.bind();
      try {
        await gst(
          `videotestsrc num-buffers=10 ! video/x-raw,width=160,height=120,framerate=30/1,format=I420 ! ` +
            `jpegenc ! rtpjpegpay seqnum-offset=${offset} mtu=400 ! udpsink host=127.0.0.1 port=${port}`,
        );
        await rtp.settle(200);
      } finally {
        await rtp.close();
      }
      const headers = rtp.packets.map((p) => parseRtpHeader(p));
      assert.equal(headers[0].sequenceNumber, offset);
      const stats = new ReceiverStats({ ssrc: headers[0].ssrc });
      headers.forEach((h, i) => stats.update(h, i * 1e6));
      // The first packet is on probation (MIN_SEQUENTIAL = 2) and does not count;
      // cycles count from the second, as in RFC 3550 A.1 and rtpsession.
      const validated = headers[1].sequenceNumber;
      assert.equal(stats.extendedHighestSeq, validated + headers.length - 2, `offset ${offset}`);
      assert.equal(stats.received, headers.length - 1);
      assert.equal(stats.cumulativeLost, 0);
      assert.equal(stats.report().cumulativeLost, 0);
    }
  },
});
