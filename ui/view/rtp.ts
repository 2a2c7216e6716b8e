/**
 * RTP on a UDP port as an input of `eyrie view` (eyrie's [[camera.rtp]] or
 * any RFC 6184 sender), with its RTCP on the next port: sender reports in,
 * receiver reports and keyframe requests (PLI) back to whoever sent them.
 *
 * @module
 */
import { type SendTarget, UdpSocket } from "../../ffi/net/mod.ts";
import {
  isMulticastAddress,
  parseRtcp,
  type RtcpPacket,
  RtpReceiver,
} from "../../transports/rtp/mod.ts";
import type { StreamInput, StreamSink } from "./input.ts";

/** Largest datagram read. Reason: a UDP datagram over IPv4 carries at most 65,507 bytes. */
const DATAGRAM_BYTES = 65_536;
/** How often receiver reports go back. Reason: RFC 3550's minimum interval is 5 s; 1 s keeps a sender's view fresh on a LAN. */
const REPORT_EVERY_MS = 1000;

function open(host: string, port: number): UdpSocket {
  const family = host.includes(":") ? 6 : 4;
  const multicast = isMulticastAddress(host);
  const socket = UdpSocket.open({
    family,
    bind: { address: multicast ? (family === 4 ? "0.0.0.0" : "::") : host, port },
    reuseAddress: multicast,
    receiveBufferBytes: 4 << 20,
  });
  try {
    if (multicast) socket.joinGroup(host);
    return socket;
  } catch (error) {
    socket.close();
    throw error;
  }
}

/**
 * Listens on `host:port` (RTCP on port + 1). `rx` is the viewer's receiver:
 * its feedback (RR, PLI) is what goes back.
 */
export function openRtp(
  target: { host: string; port: number },
  sink: StreamSink,
  rx: RtpReceiver,
): StreamInput {
  const rtp = open(target.host, target.port);
  let rtcp: UdpSocket | null = null;
  try {
    rtcp = target.port < 65535 ? open(target.host, target.port + 1) : null;
  } catch {
    rtcp = null; // RTCP is optional: the video plays without it.
  }
  let running = true;
  let peer: SendTarget | null = null;
  let pli = false;
  const buf = new Uint8Array(DATAGRAM_BYTES);
  const loop = (async () => {
    let lastReport = performance.now();
    while (running) {
      if (await rtp.readable(100)) {
        for (let n = rtp.receive(buf); n >= 0 && running; n = rtp.receive(buf)) {
          sink.packet(buf.subarray(0, n), performance.now() * 1e6);
        }
      }
      for (let n = rtcp?.receive(buf) ?? -1; n >= 0; n = rtcp!.receive(buf)) {
        let packets: RtcpPacket[];
        try {
          packets = parseRtcp(buf.subarray(0, n));
        } catch {
          continue; // not RTCP
        }
        for (const p of packets) {
          if (p.type !== "sr") continue;
          sink.senderReport(p);
          rx.senderReport(p, performance.now() * 1e6);
          const from = rtcp!.sender();
          peer = rtcp!.target(from.address, from.port);
        }
      }
      const now = performance.now();
      if ((pli || now - lastReport >= REPORT_EVERY_MS) && peer !== null) {
        lastReport = now;
        const feedback = rx.feedback(now * 1e6, { pli });
        pli = false;
        if (feedback !== null) rtcp!.send(feedback, feedback.length, peer);
      }
    }
  })();
  const where = target.host.includes(":") ? `[${target.host}]` : target.host;
  return {
    what: `RTP ${where}:${target.port}`,
    // RTP has no end of its own: the viewer's silence timeout ends it.
    ended: new Promise(() => {}),
    requestKeyframe() {
      pli = true;
    },
    async close() {
      running = false;
      await loop.catch(() => {});
      rtp.close();
      rtcp?.close();
    },
  };
}
