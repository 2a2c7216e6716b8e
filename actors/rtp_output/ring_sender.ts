/**
 * Sends a camera's RTP ring to one UDP destination: every packet as the
 * packetizer made it, with RTCP sender reports on port + 1 and receivers'
 * reports and keyframe requests read back. Sending never waits: a full
 * socket buffer costs the packet (counted), never the packetizer, which the
 * ring decouples. A destination that refuses the packets or cannot be
 * reached is a state ({@linkcode RtpDestination}): offline with its cause,
 * tried again with capped backoff, never a crash.
 *
 * The RTP output actor (`[[camera.rtp]]`) is one of these; a publisher
 * (`[[camera.publish]]`) drives one whose destination it learns at run time
 * ({@linkcode RingSender.retarget}).
 *
 * @module
 */
import { FrameFlags, nowNs, type RtpOutputConfig } from "../defs.ts";
import type { Logger } from "../log/logger.ts";
import type { LinkNote } from "../supervisor/link.ts";
import { RingReader } from "../ring/mod.ts";
import { errnoName } from "../../ffi/net/mod.ts";
import { VIDEO_CLOCK_RATE } from "../../transports/rtp/mod.ts";
import { RtpDestination } from "./destination.ts";
import type { RtpOutputEvent, RtpOutputStats } from "./protocol.ts";
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

export interface RingSenderOptions {
  cameraId: string;
  /** The number in stats (`output`) and in log lines. */
  output: number;
  /** The first destination; null until one is known ({@linkcode RingSender.retarget}). */
  config: RtpOutputConfig | null;
  rtp: SharedArrayBuffer;
  reader: number;
  ssrc: number;
  log: Logger;
  emit(event: RtpOutputEvent): void;
  /** Fields every log line carries, e.g. { output: 0 }. */
  fields: Record<string, string | number>;
  /** What the destination's link is called in the log (default "rtp output N to host:port"). */
  what?: (config: RtpOutputConfig) => string;
  /** The RTP clock of the stream (sender reports): 90 kHz video by default, 48 kHz for Opus. */
  clockRate?: number;
}

export class RingSender {
  readonly #o: RingSenderOptions;
  readonly #reader: RingReader;
  readonly #rtcp: RtcpSender;
  readonly #packet = new Uint8Array(PACKET_BUFFER_BYTES);
  readonly #rtcpIn = new Uint8Array(RTCP_BUFFER_BYTES);
  #config: RtpOutputConfig | null;
  #destination: RtpDestination | null;
  readonly stats: RtpOutputStats;
  #running = true;
  #loop: Promise<void> = Promise.resolve();
  #setup: Promise<void> | null = null;
  #octets = 0;
  #lastRtpTimestamp = 0;
  #lastCaptureNs = 0;
  #midFrame = false;
  #awaitKeyframe = false;
  #skipped = 0;
  #nextSrAt = 0;
  #lastStatsAt = performance.now();
  #lastStatsBytes = 0;
  #lastLogAt = this.#lastStatsAt;
  #lastErrorLogAt = -Infinity;
  #errorsSinceLog = 0;

  constructor(options: RingSenderOptions) {
    this.#o = options;
    this.#reader = new RingReader(options.rtp, options.reader, { start: "keyframe" });
    this.#rtcp = new RtcpSender({ ssrc: options.ssrc, cname: `${options.cameraId}@${hostname()}` });
    this.#config = options.config;
    this.#destination = options.config === null ? null : this.#destinationFor(options.config);
    this.stats = {
      output: options.output,
      destination: options.config === null ? "" : `${options.config.host}:${options.config.port}`,
      multicast: false,
      ...(this.#destination?.status() ?? this.#idleStatus()),
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
  }

  #idleStatus() {
    return {
      state: "connecting" as const,
      since: Date.now(),
      cause: null,
      retryAt: null,
      tries: 0,
      reason: null,
    };
  }

  #destinationFor(config: RtpOutputConfig): RtpDestination {
    return new RtpDestination({ output: this.#o.output, config, what: this.#o.what?.(config) });
  }

  #note(n: LinkNote | null): void {
    if (n !== null) this.#o.log[n.level](n.message, { ...this.#o.fields, ...n.fields });
  }

  /**
   * Sends to `config` from now on (the stream starts again at a keyframe),
   * or to nowhere with null: packets are then dropped, and counted.
   */
  retarget(config: RtpOutputConfig | null): void {
    if (JSON.stringify(config) === JSON.stringify(this.#config)) return;
    this.#destination?.close();
    this.#config = config;
    this.#destination = config === null ? null : this.#destinationFor(config);
    this.#awaitKeyframe = true;
    if (config !== null) {
      this.stats.destination = `${config.host}:${config.port}`;
      this.#o.emit({ type: "keyframe" });
    }
  }

  start(onCrash: (error: unknown) => void): void {
    this.#loop = this.#run();
    this.#loop.catch(onCrash);
  }

  /** Finishes the frame in flight, says goodbye (RTCP BYE), closes. */
  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop.catch(() => {});
  }

  async #connect(destination: RtpDestination, config: RtpOutputConfig): Promise<void> {
    const retry = !destination.first;
    const { opened, note: down } = await destination.open();
    const sockets = destination.sockets;
    if (!opened || sockets === null) {
      this.#note(down);
      this.stats.lastError = destination.status().cause;
      return;
    }
    if (!this.#running || destination !== this.#destination) {
      destination.close();
      return;
    }
    this.stats.destination = sockets.address.includes(":")
      ? `[${sockets.address}]:${config.port}`
      : `${sockets.address}:${config.port}`;
    this.stats.multicast = sockets.multicast;
    this.stats.rtcpPort = sockets.rtcp.local.port;
    this.#o.log.info("rtp output sending", {
      ...this.#o.fields,
      destination: this.stats.destination,
      multicast: sockets.multicast,
      dscp: config.dscp,
      ttl: sockets.multicast ? config.ttl : null,
      rtcpPort: this.stats.rtcpPort,
    });
    if (retry) {
      // After an outage the stream starts again at a keyframe: ask for one now.
      this.#awaitKeyframe = true;
      this.#o.emit({ type: "keyframe" });
    }
  }

  #senderState(): SenderState {
    const now = nowNs();
    // The RTP timestamp of "now": the last packet's, moved on by the time since its capture.
    const elapsed = this.#lastCaptureNs > 0 ? Math.max(0, now - this.#lastCaptureNs) : 0;
    return {
      nowNs: now,
      rtpTimestamp: (this.#lastRtpTimestamp +
        Math.round((elapsed * (this.#o.clockRate ?? VIDEO_CLOCK_RATE)) / 1e9)) >>> 0,
      packetCount: this.stats.packets,
      octetCount: this.#octets,
    };
  }

  #sendRtcp(bytes: Uint8Array): void {
    const sockets = this.#destination?.sockets;
    if (sockets?.rtcpTo == null) return;
    if (sockets.rtcp.send(bytes, bytes.length, sockets.rtcpTo) === 0) this.stats.rtcpSent++;
  }

  #readRtcp(): void {
    const sockets = this.#destination?.sockets;
    if (sockets == null) return;
    const into = this.#rtcpIn;
    for (let n = sockets.rtcp.receive(into); n >= 0; n = sockets.rtcp.receive(into)) {
      if (this.#rtcp.receive(into.subarray(0, n), nowNs()) === "keyframe") {
        this.#o.log.debug("receiver asked for a keyframe", this.#o.fields);
        this.#o.emit({ type: "keyframe" });
      }
    }
  }

  #sendOne(destination: RtpDestination, n: number, marker: boolean): void {
    const reader = this.#reader;
    const stats = this.stats;
    const errno = destination.sockets!.rtp.send(this.#packet, n);
    if (errno === 0) {
      stats.packets++;
      stats.bytes += n;
      this.#octets += payloadBytes(this.#packet, n);
      if (marker) stats.frames++;
      this.#lastRtpTimestamp = reader.aux >>> 0;
      this.#lastCaptureNs = reader.captureNs;
      this.#note(destination.sent());
      return;
    }
    stats.sendErrors++;
    const { fault, note: down } = destination.failed(errno);
    if (fault) {
      // Offline: nothing more goes out until the retry, which starts at a keyframe.
      this.#note(down);
      stats.lastError = destination.status().cause;
      this.#awaitKeyframe = true;
      return;
    }
    stats.lastError = errnoName(errno);
    this.#errorsSinceLog++;
    const now = performance.now();
    if (now - this.#lastErrorLogAt >= ERROR_LOG_EVERY_MS) {
      this.#o.log.warn("rtp send failed", {
        ...this.#o.fields,
        error: stats.lastError,
        errors: this.#errorsSinceLog,
      });
      this.#lastErrorLogAt = now;
      this.#errorsSinceLog = 0;
    }
  }

  /** Emits the stats now. */
  report(): void {
    const stats = this.stats;
    const now = performance.now();
    const seconds = (now - this.#lastStatsAt) / 1000;
    if (seconds > 0) {
      stats.bitrateKbps = Math.round(((stats.bytes - this.#lastStatsBytes) * 8) / seconds / 100) /
        10;
    }
    this.#lastStatsAt = now;
    this.#lastStatsBytes = stats.bytes;
    stats.dropped = this.#reader.drops + this.#skipped;
    stats.rtcpReceived = this.#rtcp.received;
    stats.rtcpMalformed = this.#rtcp.malformed;
    stats.keyframeRequests = this.#rtcp.keyframeRequests;
    stats.keyframeRequestsLimited = this.#rtcp.keyframeRequestsLimited;
    stats.receivers = this.#rtcp.receivers(nowNs());
    Object.assign(stats, this.#destination?.status() ?? this.#idleStatus());
    stats.outages = this.#destination?.link.outages ?? 0;
    this.#o.emit({ type: "stats", stats: { ...stats } });
  }

  #totals() {
    const s = this.stats;
    return {
      ...this.#o.fields,
      destination: s.destination,
      packets: s.packets,
      frames: s.frames,
      bytes: s.bytes,
      kbps: s.bitrateKbps,
      sendErrors: s.sendErrors,
      dropped: s.dropped,
      receivers: s.receivers.length,
    };
  }

  async #run(): Promise<void> {
    const reader = this.#reader;
    const stats = this.stats;
    let finishBy = Infinity;
    try {
      while (this.#running || (this.#midFrame && performance.now() < finishBy)) {
        if (!this.#running && finishBy === Infinity) finishBy = performance.now() + FINISH_FRAME_MS;
        const destination = this.#destination;
        const config = this.#config;
        if (
          this.#running && this.#setup === null && destination !== null && config !== null &&
          destination.due()
        ) {
          this.#setup = this.#connect(destination, config).finally(() => (this.#setup = null));
        }
        if (this.#setup !== null) {
          // Leave the packets in the ring until the sockets are open (a first setup
          // takes milliseconds), so the stream starts at its keyframe.
          await Promise.race([this.#setup, new Promise((r) => setTimeout(r, 100))]);
          continue;
        }
        await reader.wait(this.#running ? 100 : 20);
        while (reader.next()) {
          const n = reader.copyTo(this.#packet);
          if (n < 0) continue; // overwritten while copied: the reader counts it
          const marker = (reader.flags & FrameFlags.MARKER) !== 0;
          if (reader.captureNs > 0 && nowNs() - reader.captureNs > MAX_PACKET_AGE_NS) {
            this.#skipped++;
            if (!this.#awaitKeyframe) this.#o.emit({ type: "keyframe" });
            this.#awaitKeyframe = true;
            continue;
          }
          const d = this.#destination;
          if (d === null) {
            // Nowhere to send yet (a publisher waits for its mountpoint): dropped.
            this.#skipped++;
            this.#awaitKeyframe = true;
            continue;
          }
          if (d.sockets === null) {
            // No usable destination: the packet is lost, and once there is one
            // again the stream restarts at a keyframe, where a decoder can.
            stats.sendErrors++;
            this.#awaitKeyframe = true;
            continue;
          }
          if (this.#awaitKeyframe && !(reader.flags & FrameFlags.KEYFRAME)) {
            this.#skipped++;
            continue;
          }
          this.#awaitKeyframe = false;
          this.#sendOne(d, n, marker);
          this.#midFrame = !marker;
          if (!this.#running && !this.#midFrame) break;
        }
        this.#readRtcp();
        const now = performance.now();
        if (stats.packets > 0 && now >= this.#nextSrAt) {
          this.#sendRtcp(this.#rtcp.report(this.#senderState()));
          this.#nextSrAt = now + SR_INTERVAL_MS * (0.5 + Math.random());
        }
        if (now - this.#lastStatsAt >= STATS_EVERY_MS) this.report();
        if (now - this.#lastLogAt >= LOG_EVERY_MS) {
          this.#lastLogAt = now;
          this.#o.log.info("rtp output", this.#totals());
        }
      }
      if (stats.packets > 0) {
        this.#sendRtcp(this.#rtcp.goodbye(this.#senderState(), "stream stopped"));
      }
      this.report();
      this.#o.log.info("rtp output stopped", this.#totals());
    } finally {
      this.#destination?.close();
      reader.close();
    }
  }
}
