/**
 * The RTP output actor: reads the camera's RTP ring and sends every packet
 * to one `[[camera.rtp]]` destination over UDP, with RTCP sender reports on
 * port + 1 and receivers' reports and keyframe requests read back. Sending
 * never waits: a full socket buffer costs the packet (counted), never the
 * packetizer, which the ring decouples. A destination that refuses the
 * packets or cannot be reached is a state ({@linkcode RtpDestination}):
 * offline with its cause, tried again with capped backoff, never a crash.
 *
 * @module
 */
import { FrameFlags, nowNs } from "../defs.ts";
import type { LinkNote } from "../supervisor/link.ts";
import { RingReader } from "../ring/mod.ts";
import { runActor } from "../runtime/worker.ts";
import { errnoName } from "../../ffi/net/mod.ts";
import { VIDEO_CLOCK_RATE } from "../../transports/rtp/mod.ts";
import { RtpDestination } from "./destination.ts";
import type { RtpOutputProtocol, RtpOutputStats } from "./protocol.ts";
import { RtcpSender, type SenderState } from "./rtcp_sender.ts";

const STATS_EVERY_MS = 1000;
/** A stats line in the log this often. */
const LOG_EVERY_MS = 60_000;
/** RFC 3550 6.2's minimum report interval, randomized to 0.5–1.5 times it. */
const SR_INTERVAL_MS = 5000;
/** Send errors that cost one packet (EAGAIN…) are logged at most this often, with their count. */
const ERROR_LOG_EVERY_MS = 10_000;
/** On stop, the frame in flight is finished if its packets come within this. */
const FINISH_FRAME_MS = 300;
/**
 * A packet captured longer ago than this is not sent: a live output does not
 * replay the past (the ring holds tens of seconds of a small stream, and a
 * new output starts at the ring's last keyframe). It waits for a fresh
 * keyframe instead, and asks the encoder for one.
 */
const MAX_PACKET_AGE_NS = 2e9;
/** Largest packet in the ring: the packetizer's MTU is at most 9000 (config bound). */
const PACKET_BUFFER_BYTES = 16 * 1024;
/** Largest RTCP datagram read; longer ones are cut (and fail to parse). */
const RTCP_BUFFER_BYTES = 4096;

/** Payload bytes of the RTP packet in `p[0, n)`: what an SR's octet count adds up. */
function payloadBytes(p: Uint8Array, n: number): number {
  let header = 12 + 4 * (p[0] & 0x0f);
  if (p[0] & 0x10 && header + 4 <= n) header += 4 + 4 * ((p[header + 2] << 8) | p[header + 3]);
  const padding = p[0] & 0x20 ? p[n - 1] : 0;
  return Math.max(0, n - header - padding);
}

function hostname(): string {
  try {
    return Deno.hostname();
  } catch {
    return "localhost";
  }
}

runActor<RtpOutputProtocol>(() => {
  let running = true;
  let loop: Promise<void> = Promise.resolve();
  let report = () => {};
  return {
    start(init, ctx) {
      const cfg = init.config;
      const reader = new RingReader(init.rtp, init.reader, { start: "keyframe" });
      const rtcp = new RtcpSender({ ssrc: init.ssrc, cname: `${init.cameraId}@${hostname()}` });
      const packet = new Uint8Array(PACKET_BUFFER_BYTES);
      const rtcpIn = new Uint8Array(RTCP_BUFFER_BYTES);
      const destination = new RtpDestination({ output: init.output, config: cfg });
      const stats: RtpOutputStats = {
        output: init.output,
        destination: `${cfg.host}:${cfg.port}`,
        multicast: false,
        ...destination.status(),
        outages: 0,
        packets: 0,
        bytes: 0,
        frames: 0,
        bitrateKbps: 0,
        sendErrors: 0,
        lastError: null,
        dropped: 0,
        rtcpSent: 0,
        rtcpReceived: 0,
        rtcpMalformed: 0,
        keyframeRequests: 0,
        keyframeRequestsLimited: 0,
        receivers: [],
        rtcpPort: 0,
      };
      let setup: Promise<void> | null = null;
      let octets = 0;
      let lastRtpTimestamp = 0;
      let lastCaptureNs = 0;
      let midFrame = false;
      let awaitKeyframe = false;
      let skipped = 0;
      let nextSrAt = 0;
      let lastStatsAt = performance.now();
      let lastStatsBytes = 0;
      let lastLogAt = lastStatsAt;
      let lastErrorLogAt = -Infinity;
      let errorsSinceLog = 0;

      const note = (n: LinkNote | null) => {
        if (n !== null) ctx.log[n.level](n.message, { output: init.output, ...n.fields });
      };

      const connect = async () => {
        const retry = !destination.first;
        const { opened, note: down } = await destination.open();
        const sockets = destination.sockets;
        if (!opened || sockets === null) {
          note(down);
          stats.lastError = destination.status().cause;
          return;
        }
        if (!running) {
          destination.close();
          return;
        }
        stats.destination = sockets.address.includes(":")
          ? `[${sockets.address}]:${cfg.port}`
          : `${sockets.address}:${cfg.port}`;
        stats.multicast = sockets.multicast;
        stats.rtcpPort = sockets.rtcp.local.port;
        ctx.log.info("rtp output sending", {
          output: init.output,
          destination: stats.destination,
          multicast: sockets.multicast,
          dscp: cfg.dscp,
          ttl: sockets.multicast ? cfg.ttl : null,
          rtcpPort: stats.rtcpPort,
        });
        if (retry) {
          // After an outage the stream starts again at a keyframe: ask for one now.
          awaitKeyframe = true;
          ctx.emit({ type: "keyframe" });
        }
      };

      const senderState = (): SenderState => {
        const now = nowNs();
        // The RTP timestamp of "now": the last packet's, moved on by the time since its capture.
        const elapsed = lastCaptureNs > 0 ? Math.max(0, now - lastCaptureNs) : 0;
        return {
          nowNs: now,
          rtpTimestamp: (lastRtpTimestamp + Math.round((elapsed * VIDEO_CLOCK_RATE) / 1e9)) >>>
            0,
          packetCount: stats.packets,
          octetCount: octets,
        };
      };

      const sendRtcp = (bytes: Uint8Array) => {
        const sockets = destination.sockets;
        if (sockets?.rtcpTo == null) return;
        if (sockets.rtcp.send(bytes, bytes.length, sockets.rtcpTo) === 0) stats.rtcpSent++;
      };

      const readRtcp = () => {
        const sockets = destination.sockets;
        if (sockets === null) return;
        for (let n = sockets.rtcp.receive(rtcpIn); n >= 0; n = sockets.rtcp.receive(rtcpIn)) {
          const verdict = rtcp.receive(rtcpIn.subarray(0, n), nowNs());
          if (verdict === "keyframe") {
            ctx.log.debug("receiver asked for a keyframe", { output: init.output });
            ctx.emit({ type: "keyframe" });
          }
        }
      };

      const sendOne = (n: number, marker: boolean) => {
        const errno = destination.sockets!.rtp.send(packet, n);
        if (errno === 0) {
          stats.packets++;
          stats.bytes += n;
          octets += payloadBytes(packet, n);
          if (marker) stats.frames++;
          lastRtpTimestamp = reader.aux >>> 0;
          lastCaptureNs = reader.captureNs;
          note(destination.sent());
          return;
        }
        stats.sendErrors++;
        const { fault, note: down } = destination.failed(errno);
        if (fault) {
          // Offline: nothing more goes out until the retry, which starts at a keyframe.
          note(down);
          stats.lastError = destination.status().cause;
          awaitKeyframe = true;
          return;
        }
        stats.lastError = errnoName(errno);
        errorsSinceLog++;
        const now = performance.now();
        if (now - lastErrorLogAt >= ERROR_LOG_EVERY_MS) {
          ctx.log.warn("rtp send failed", {
            output: init.output,
            error: stats.lastError,
            errors: errorsSinceLog,
          });
          lastErrorLogAt = now;
          errorsSinceLog = 0;
        }
      };

      report = () => {
        const now = performance.now();
        const seconds = (now - lastStatsAt) / 1000;
        if (seconds > 0) {
          stats.bitrateKbps = Math.round(((stats.bytes - lastStatsBytes) * 8) / seconds / 100) /
            10;
        }
        lastStatsAt = now;
        lastStatsBytes = stats.bytes;
        stats.dropped = reader.drops + skipped;
        stats.rtcpReceived = rtcp.received;
        stats.rtcpMalformed = rtcp.malformed;
        stats.keyframeRequests = rtcp.keyframeRequests;
        stats.keyframeRequestsLimited = rtcp.keyframeRequestsLimited;
        stats.receivers = rtcp.receivers(nowNs());
        Object.assign(stats, destination.status());
        stats.outages = destination.link.outages;
        ctx.emit({ type: "stats", stats: { ...stats } });
      };

      const totals = () => ({
        output: init.output,
        destination: stats.destination,
        packets: stats.packets,
        frames: stats.frames,
        bytes: stats.bytes,
        kbps: stats.bitrateKbps,
        sendErrors: stats.sendErrors,
        dropped: stats.dropped,
        receivers: stats.receivers.length,
      });

      loop = (async () => {
        let finishBy = Infinity;
        try {
          while (running || (midFrame && performance.now() < finishBy)) {
            if (!running && finishBy === Infinity) finishBy = performance.now() + FINISH_FRAME_MS;
            if (running && setup === null && destination.due()) {
              setup = connect().finally(() => setup = null);
            }
            if (setup !== null) {
              // Leave the packets in the ring until the sockets are open (a first setup
              // takes milliseconds), so the stream starts at its keyframe.
              await Promise.race([setup, new Promise((r) => setTimeout(r, 100))]);
              continue;
            }
            await reader.wait(running ? 100 : 20);
            while (reader.next()) {
              const n = reader.copyTo(packet);
              if (n < 0) continue; // overwritten while copied: the reader counts it
              const marker = (reader.flags & FrameFlags.MARKER) !== 0;
              if (reader.captureNs > 0 && nowNs() - reader.captureNs > MAX_PACKET_AGE_NS) {
                skipped++;
                if (!awaitKeyframe) ctx.emit({ type: "keyframe" });
                awaitKeyframe = true;
                continue;
              }
              if (destination.sockets === null) {
                // No usable destination: the packet is lost, and once there is one
                // again the stream restarts at a keyframe, where a decoder can.
                stats.sendErrors++;
                awaitKeyframe = true;
                continue;
              }
              if (awaitKeyframe && !(reader.flags & FrameFlags.KEYFRAME)) {
                skipped++;
                continue;
              }
              awaitKeyframe = false;
              sendOne(n, marker);
              midFrame = !marker;
              if (!running && !midFrame) break;
            }
            readRtcp();
            const now = performance.now();
            if (stats.packets > 0 && now >= nextSrAt) {
              sendRtcp(rtcp.report(senderState()));
              nextSrAt = now + SR_INTERVAL_MS * (0.5 + Math.random());
            }
            if (now - lastStatsAt >= STATS_EVERY_MS) report();
            if (now - lastLogAt >= LOG_EVERY_MS) {
              lastLogAt = now;
              ctx.log.info("rtp output", totals());
            }
          }
          if (stats.packets > 0) sendRtcp(rtcp.goodbye(senderState(), "stream stopped"));
          report();
          ctx.log.info("rtp output stopped", totals());
        } finally {
          destination.close();
          reader.close();
        }
      })();
      loop.catch((error) => ctx.crash(error));
    },
    async stop() {
      running = false;
      await loop.catch(() => {});
    },
    cast(msg) {
      switch (msg.type) {
        case "report":
          report();
          return;
      }
    },
    calls: {},
  };
});
