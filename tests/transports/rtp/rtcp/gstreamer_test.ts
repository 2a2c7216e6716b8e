// RTCP against a real peer: GStreamer's rtpbin as a sender (its SR, SDES and
// BYE parsed here) and as a receiver (its RR must echo eyrie's SR in LSR).

import assert from "node:assert/strict";
import {
  JpegPayloader,
  ntpMiddle,
  PacketBuffer,
  parseRtcp,
  parseRtpHeader,
  RtcpPacket,
  RtpClock,
  RtpPacketizer,
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

Deno.test({
  name:
    "parseRtcp() reads the SR, SDES CNAME and BYE that GStreamer's rtpbin sends, and they match its RTP",
  ignore: !HAVE_GST,
  async fn() {
    const rtp = new UdpCollector();
    const rtcp = new UdpCollector();
    const [rtpPort, rtcpPort] = [await rtp.bind(), await rtcp.bind()];
    try {
      await gst(
        `rtpbin name=b videotestsrc num-buffers=30 is-live=true ! ` +
          `video/x-raw,width=160,height=120,framerate=30/1,format=I420 ! jpegenc ! rtpjpegpay ! ` +
          `b.send_rtp_sink_0 b.send_rtp_src_0 ! udpsink host=127.0.0.1 port=${rtpPort} ` +
          `b.send_rtcp_src_0 ! udpsink host=127.0.0.1 port=${rtcpPort} sync=false async=false`,
      );
      await rtcp.settle(300);
    } finally {
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
        `udpsrc address=127.0.0.1 port=${rtpPort} caps=application/x-rtp,media=video,clock-rate=90000,encoding-name=JPEG,payload=26 ! b.recv_rtp_sink_0 ` +
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
    // as expected, so a loss-free stream reports −1 there, never more than 0.
    assert.ok(report.cumulativeLost <= 0, `cumulative lost ${report.cumulativeLost}`);
    assert.equal(report.fractionLost, 0);
  },
});
