// GStreamer's rtpsession (the RTPSource bookkeeping that rtpbin runs) as a
// loopback receiver that reports every RTCP_MIN_INTERVAL_NS, so a test can
// order what it sends against what the receiver has already taken in.

import type dgram from "node:dgram";
import {
  JpegPayloader,
  PacketBuffer,
  parseRtcp,
  type ReceptionReport,
  RtpClock,
  RtpPacketizer,
  RtpSequencer,
  SDES_CNAME,
  senderReport,
  serializeRtcp,
} from "../../../../transports/rtp/mod.ts";
import { freePort, GstProcess, send, sleep, UdpCollector, udpSender } from "../_peers.ts";

/** 100 ms between reports, instead of RFC 3550's 5 s, so each step is seen quickly. */
const RTCP_MIN_INTERVAL_NS = 100_000_000;
/**
 * RTCP bandwidth in bytes per second (a value of 1 or more is bytes, not a
 * fraction): so much that RFC 3550 6.3's interval, which grows with the
 * number of sources, stays at the minimum for the many SSRCs of one test.
 */
const RTCP_BYTES_PER_S = 1_000_000;
/** How long a test waits for a report that shows a step was taken in. */
const REPORT_DEADLINE_MS = 15_000;
const POLL_MS = 20;

export class RtpSessionReceiver {
  readonly #rx: GstProcess;
  readonly #back: UdpCollector;
  readonly #socket: dgram.Socket;
  readonly rtpPort: number;
  readonly rtcpPort: number;

  private constructor(
    rx: GstProcess,
    back: UdpCollector,
    socket: dgram.Socket,
    ports: [number, number],
  ) {
    this.#rx = rx;
    this.#back = back;
    this.#socket = socket;
    [this.rtpPort, this.rtcpPort] = ports;
  }

  static async start(): Promise<RtpSessionReceiver> {
    const ports: [number, number] = [await freePort(), await freePort()];
    const back = new UdpCollector();
    const backPort = await back.bind();
    const rx = new GstProcess(
      `rtpsession name=s rtcp-min-interval=${RTCP_MIN_INTERVAL_NS} rtcp-fraction=${RTCP_BYTES_PER_S} ` +
        `udpsrc address=127.0.0.1 buffer-size=4194304 port=${
          ports[0]
        } caps=application/x-rtp,media=video,clock-rate=90000,encoding-name=JPEG,payload=26 ! s.recv_rtp_sink ` +
        `s.recv_rtp_src ! fakesink ` +
        `udpsrc address=127.0.0.1 buffer-size=4194304 port=${
          ports[1]
        } caps=application/x-rtcp ! s.recv_rtcp_sink ` +
        `s.send_rtcp_src ! udpsink host=127.0.0.1 port=${backPort} sync=false async=false`,
    );
    await rx.ready();
    return new RtpSessionReceiver(rx, back, await udpSender(), ports);
  }

  sendRtp(packets: Uint8Array[]): Promise<void> {
    return send(this.#socket, packets, this.rtpPort);
  }

  sendRtcp(packet: Uint8Array): Promise<void> {
    return send(this.#socket, [packet], this.rtcpPort);
  }

  /**
   * The first report block about `ssrc` that satisfies `done`, from the
   * receiver's reports; `again` runs between polls (to resend an SR).
   */
  async reportWhere(
    ssrc: number,
    done: (r: ReceptionReport) => boolean,
    again: () => Promise<void> = () => Promise.resolve(),
  ): Promise<ReceptionReport> {
    let last: ReceptionReport | undefined;
    let lastAt = 0;
    let reports = 0;
    const t0 = performance.now();
    for (let waited = 0; waited < REPORT_DEADLINE_MS; waited += POLL_MS) {
      for (const datagram of this.#back.packets.splice(0)) {
        for (const p of parseRtcp(datagram)) {
          if (p.type !== "rr" && p.type !== "sr") continue;
          reports++;
          const about = p.reports.find((b) => b.ssrc === ssrc);
          if (about !== undefined) [last, lastAt] = [about, performance.now()];
          const r = p.reports.find((b) => b.ssrc === ssrc && done(b));
          if (r !== undefined) return r;
        }
      }
      await again();
      await sleep(POLL_MS);
    }
    throw new Error(
      `rtpsession sent no matching report about SSRC ${ssrc} in ${
        Math.round(performance.now() - t0)
      } ms (${reports} reports; the last about it ${
        Math.round(performance.now() - lastAt)
      } ms ago: ${JSON.stringify(last)})`,
    );
  }

  async stop(): Promise<void> {
    this.#socket.close();
    await this.#rx.stop();
    await this.#back.close();
  }
}

/** One eyrie stream into the receiver: JPEG frames, and its SR + SDES. */
export class EyrieStream {
  readonly ssrc: number;
  readonly #rx: RtpSessionReceiver;
  readonly #packetizer: RtpPacketizer;
  readonly #buf = new PacketBuffer();
  readonly #frames: Uint8Array[];
  #f = 0;
  #packets = 0;
  #octets = 0;
  lastSeq = -1;

  constructor(
    rx: RtpSessionReceiver,
    options: { ssrc: number; frames: Uint8Array[]; sequencer: RtpSequencer },
  ) {
    this.#rx = rx;
    this.ssrc = options.ssrc;
    this.#frames = options.frames;
    this.#packetizer = new RtpPacketizer(new JpegPayloader(), {
      payloadType: 26,
      ssrc: options.ssrc,
      sequencer: options.sequencer,
      clock: new RtpClock({ source: "capture", offset: 12345 }),
    });
  }

  /** Sends `count` frames, 33 ms of media time apart. */
  async frames(count: number): Promise<void> {
    for (let i = 0; i < count; i++, this.#f++) {
      this.#buf.clear();
      const n = this.#packetizer.packetize({
        data: this.#frames[this.#f % this.#frames.length],
        ptsNs: 0,
        captureNs: this.#f * 33_333_333,
      }, this.#buf);
      const list = Array.from({ length: n }, (_, k) => this.#buf.packet(k));
      await this.#rx.sendRtp(list);
      this.#packets += n;
      this.#octets += list.reduce((s, p) => s + p.length - 12, 0);
      this.lastSeq = (list[n - 1][2] << 8) | list[n - 1][3];
    }
  }

  /** Sends an SR and SDES(CNAME) for what went out so far. */
  senderReport(): Promise<void> {
    return this.#rx.sendRtcp(serializeRtcp([
      senderReport({
        ssrc: this.ssrc,
        unixMs: Date.now(),
        rtpTimestamp: this.#packetizer.clock.fromNs(this.#f * 33_333_333),
        packetCount: this.#packets,
        octetCount: this.#octets,
      }),
      {
        type: "sdes",
        chunks: [{ ssrc: this.ssrc, items: [{ type: SDES_CNAME, text: "eyrie@test" }] }],
      },
    ]));
  }
}
