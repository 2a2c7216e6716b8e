/**
 * `eyrie receive`: listens for RTP video (eyrie's, GStreamer's rtpjpegpay or
 * rtph264pay, any RFC 2435 / RFC 6184 sender), rebuilds the frames, and
 * writes them to a file (Annex-B H.264 or concatenated JPEGs) and/or prints
 * stats once a second. Sends RTCP receiver reports, and a PLI while an H.264
 * stream waits for a keyframe, to whoever sends it sender reports.
 *
 * @module
 */
import { type SendTarget, UdpSocket } from "../../ffi/net/mod.ts";
import {
  ParameterSetOrder,
  parseRtcp,
  type RtcpPacket,
  RtpReceiver,
} from "../../transports/rtp/mod.ts";
import { HELP } from "./help.ts";
import type { Io } from "./main.ts";
import { parseReceiveArgs, type ReceiveOptions } from "./receive_args.ts";

const STATS_EVERY_MS = 1000;
/** Packets of an unknown payload type before giving up on auto-detection. */
const MAX_FOREIGN_BEFORE_ERROR = 50;
/** Largest datagram read. Reason: a UDP datagram over IPv4 carries at most 65,507 bytes. */
const DATAGRAM_BYTES = 65_536;

function openSocket(o: ReceiveOptions, port: number): UdpSocket {
  const family = o.host.includes(":") ? 6 : 4;
  const socket = UdpSocket.open({
    family,
    bind: { address: o.multicast ? (family === 4 ? "0.0.0.0" : "::") : o.host, port },
    reuseAddress: o.multicast,
    receiveBufferBytes: 4 << 20,
  });
  try {
    if (o.multicast) socket.joinGroup(o.host, o.interface);
    return socket;
  } catch (error) {
    socket.close();
    throw error;
  }
}

/** Writes whole buffers to a file or stdout. */
function writeAll(sink: { writeSync(p: Uint8Array): number }, data: Uint8Array): void {
  for (let at = 0; at < data.length;) at += sink.writeSync(data.subarray(at));
}

function formatStats(o: ReceiveOptions, rx: RtpReceiver, elapsedS: number, tos: number): string {
  const iv = rx.interval(performance.now() * 1e6);
  const c = rx.counters;
  const dscp = tos >= 0 ? tos >> 2 : null;
  if (o.json) {
    return JSON.stringify({
      t: Math.round(elapsedS * 10) / 10,
      fps: Math.round(iv.fps * 10) / 10,
      kbps: Math.round(iv.kbps * 10) / 10,
      loss: Math.round(iv.loss * 10000) / 10000,
      jitterMs: Math.round(iv.jitterMs * 100) / 100,
      frames: c.frames,
      packets: c.packets,
      lost: c.lost,
      dropped: c.droppedFrames,
      dscp,
    });
  }
  return `${elapsedS.toFixed(1).padStart(6)} s  ${iv.fps.toFixed(1).padStart(5)} fps  ` +
    `${iv.kbps.toFixed(1).padStart(8)} kbit/s  loss ${(iv.loss * 100).toFixed(2)}% ` +
    `(${c.lost} total)  jitter ${iv.jitterMs.toFixed(2)} ms  frames ${c.frames}` +
    (c.droppedFrames > 0 ? `  dropped ${c.droppedFrames}` : "") +
    (dscp === null ? "" : `  dscp ${dscp}`);
}

function hostname(): string {
  try {
    return Deno.hostname();
  } catch {
    return "localhost";
  }
}

export async function receiveMain(args: string[], io: Io): Promise<number> {
  // `eyrie receive --tls`: eyrie's access units from [[camera.forward]] over mutual TLS.
  // `--transport tls|quic` (or `--quic`): the same, or RTP in QUIC datagrams.
  if (args.some((a) => a === "--tls" || a === "--quic" || a.startsWith("--transport"))) {
    return (await import("./receive_tls.ts")).receiveTlsMain(args, io);
  }
  const o = parseReceiveArgs(args);
  if (o.help) {
    io.stdout(HELP.receive);
    return 0;
  }
  const rtp = openSocket(o, o.port);
  let rtcp: UdpSocket | null = null;
  if (o.port < 65535) {
    try {
      rtcp = openSocket(o, o.port + 1);
    } catch (error) {
      io.stderr(`eyrie: RTCP off, port ${o.port + 1}: ${(error as Error).message}`);
    }
  }
  const out = o.out === undefined || o.out === "-" ? null : await Deno.open(o.out, {
    write: true,
    create: true,
    truncate: true,
  }).catch((error) => {
    rtp.close();
    rtcp?.close();
    throw new Error(`Cannot write "${o.out}": ${(error as Error).message}`);
  });
  const frameSink = o.out === "-" ? Deno.stdout : out;
  // Stats share stdout only when frames do not go there.
  const statsLine = o.quiet ? () => {} : o.out === "-" ? io.stderr : io.stdout;

  const rx = new RtpReceiver({
    codec: o.codec,
    ssrc: crypto.getRandomValues(new Uint32Array(1))[0],
    cname: `eyrie-receive@${hostname()}`,
  });
  let stopped = false;
  let stopReason = "";
  const stop = () => {
    stopped = true;
    stopReason = "signal";
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  const where = o.host.includes(":") ? `[${o.host}]` : o.host;
  io.stderr(
    `eyrie: listening on ${where}:${o.port} for RTP` +
      (rtcp === null ? "" : ` (RTCP ${o.port + 1})`) + "; Ctrl-C stops",
  );

  const started = performance.now();
  const deadline = o.durationS > 0 ? started + o.durationS * 1000 : Infinity;
  const buf = new Uint8Array(DATAGRAM_BYTES);
  let rtcpPeer: SendTarget | null = null;
  let lastStats = started;
  let tos = -1;
  let firstFrom = "";

  // H.264 is written with SPS/PPS before the slices, where players look for them.
  const order = new ParameterSetOrder();
  const write = (data: Uint8Array) => {
    if (frameSink === null) return;
    writeAll(frameSink, rx.source?.codec === "h264" ? order.apply(data) : data);
  };
  const take = (packet: Uint8Array, nowNs: number) => {
    for (let r = rx.push(packet, nowNs); r.kind !== "more"; r = rx.pull()) {
      if (r.kind !== "frame" || stopped) continue;
      write(r.data);
      if (o.count > 0 && rx.counters.frames >= o.count) {
        stopped = true;
        stopReason = "count";
      }
    }
  };

  try {
    while (!stopped) {
      const now = performance.now();
      if (now >= deadline) {
        stopReason = "duration";
        break;
      }
      if (await rtp.readable(Math.min(100, deadline - now))) {
        for (let n = rtp.receive(buf); n >= 0 && !stopped; n = rtp.receive(buf)) {
          tos = rtp.tos;
          if (firstFrom === "") {
            const s = rtp.sender();
            firstFrom = s.family === 6 ? `[${s.address}]:${s.port}` : `${s.address}:${s.port}`;
          }
          take(buf.subarray(0, n), performance.now() * 1e6);
        }
      }
      if (rx.source === undefined && rx.counters.foreign >= MAX_FOREIGN_BEFORE_ERROR) {
        throw new Error(
          `Payload type ${rx.counters.foreignPayloadType} is neither JPEG (26) nor dynamic ` +
            `(96-127): pass --codec h264 or --codec mjpeg`,
        );
      }
      for (let n = rtcp?.receive(buf) ?? -1; n >= 0; n = rtcp!.receive(buf)) {
        let packets: RtcpPacket[];
        try {
          packets = parseRtcp(buf.subarray(0, n));
        } catch {
          continue; // not RTCP: ignore it
        }
        for (const p of packets) {
          if (p.type !== "sr") continue;
          rx.senderReport(p, performance.now() * 1e6);
          const from = rtcp!.sender();
          rtcpPeer = rtcp!.target(from.address, from.port);
        }
      }
      if (performance.now() - lastStats >= STATS_EVERY_MS) {
        lastStats = performance.now();
        if (rx.source !== undefined) {
          statsLine(formatStats(o, rx, (lastStats - started) / 1000, tos));
        }
        const feedback = rtcpPeer === null ? null : rx.feedback(lastStats * 1e6);
        if (feedback !== null) rtcp!.send(feedback, feedback.length, rtcpPeer!);
      }
    }
    // End of stream: what waits in the reorder window behind a gap comes out now.
    if (stopReason !== "count") {
      for (let r = rx.flush(); r.kind !== "more"; r = rx.pull()) {
        if (r.kind === "frame") write(r.data);
      }
    }
  } finally {
    Deno.removeSignalListener("SIGINT", stop);
    Deno.removeSignalListener("SIGTERM", stop);
    out?.close();
    rtp.close();
    rtcp?.close();
  }

  const c = rx.counters;
  const source = rx.source;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (source === undefined) {
    if (c.packets === 0) throw new Error(`No RTP arrived on port ${o.port} in ${seconds} s`);
    throw new Error(`${c.packets} datagrams arrived on port ${o.port}, none of them usable RTP`);
  }
  if (c.frames === 0) {
    const other = source.codec === "h264" ? "mjpeg" : "h264";
    throw new Error(
      `${c.packets} packets of payload type ${source.payloadType} arrived, but no ` +
        `${source.codec} frame could be rebuilt from them (another codec? try --codec ${other})`,
    );
  }
  io.stderr(
    `eyrie: received ${c.frames} frames (${c.keyframes} keyframes, ${c.droppedFrames} dropped) ` +
      `in ${seconds} s: ${c.packets} packets, ${c.lost} lost; ${source.codec} payload type ` +
      `${source.payloadType}, SSRC 0x${
        source.ssrc.toString(16).padStart(8, "0")
      } from ${firstFrom}` +
      (o.out !== undefined && o.out !== "-" ? `; wrote ${o.out}` : ""),
  );
  return 0;
}
