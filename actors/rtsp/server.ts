/**
 * The RTSP server's state: connections, sessions, one stream per camera,
 * the UDP port pair; and its upkeep, once a second: sessions whose client
 * went silent past the timeout are reaped (a client that vanished without
 * TEARDOWN), connections that stopped reading or never finished a request
 * are closed. A fault in one connection ends that connection, never the
 * server or a camera.
 *
 * @module
 */
import type { StreamAccessRequest, StreamAccessVerdict } from "../defs.ts";
import type { Logger } from "../log/logger.ts";
import type { SendTarget } from "../../ffi/net/mod.ts";
import { Connection } from "./connection.ts";
import { handleRequest, type ServerState } from "./methods.ts";
import type { RtspCamera, RtspServerStats } from "./protocol.ts";
import { RtspSession } from "./session.ts";
import { CameraStream } from "./stream.ts";
import type { ServerPorts } from "./udp.ts";

/**
 * Sessions at once. Reason: each playing one costs a send per packet; 100
 * clients of an 8 Mbit/s camera are 800 Mbit/s, past any Pi's network.
 */
export const MAX_SESSIONS = 100;
/** Connections at once. Reason: a client holds one or two; each costs a 12 KiB reader at least. */
export const MAX_CONNECTIONS = 200;
/** A request begun but not finished this long closes its connection (a slow-loris client). */
export const REQUEST_TIMEOUT_MS = 10_000;
/** A client that has read nothing of its TCP stream this long is gone: its session ends. */
export const WRITE_STALL_MS = 10_000;
/** Largest RTCP datagram read; longer ones are cut (and fail to parse). */
const RTCP_BUFFER_BYTES = 4096;

export interface ServerOptions {
  log: Logger;
  udp: ServerPorts;
  udpFamily: 4 | 6;
  reader: number;
  audioReader: number;
  serverName: string;
  sessionTimeoutS: number;
  cname: (camera: string) => string;
  authorize(request: StreamAccessRequest): Promise<StreamAccessVerdict>;
  keyframe(camera: string): void;
  now?: () => number;
}

function sessionId(): string {
  return [...crypto.getRandomValues(new Uint8Array(8))]
    .map((b) => b.toString(16).padStart(2, "0")).join("").toUpperCase();
}

export class RtspServer implements ServerState {
  readonly #o: ServerOptions;
  readonly #streams = new Map<string, CameraStream>();
  readonly #sessions = new Map<string, RtspSession>();
  readonly #connections = new Map<number, Connection>();
  readonly #rtcpIn = new Uint8Array(RTCP_BUFFER_BYTES);
  #nextConnection = 1;
  readonly counters = { sessionsTotal: 0, sessionsReaped: 0, refused: 0, malformed: 0 };
  /** What sessions that ended sent, for the totals. */
  readonly #ended = { packets: 0, bytes: 0, dropped: 0 };

  constructor(options: ServerOptions, cameras: RtspCamera[]) {
    this.#o = options;
    this.setCameras(cameras);
  }

  get serverName(): string {
    return this.#o.serverName;
  }
  get sessionTimeoutS(): number {
    return this.#o.sessionTimeoutS;
  }
  get udpPorts(): [number, number] {
    return this.#o.udp.ports;
  }
  get udpFamily(): 4 | 6 {
    return this.#o.udpFamily;
  }
  now(): number {
    return (this.#o.now ?? performance.now.bind(performance))();
  }
  refused(): void {
    this.counters.refused++;
  }
  authorize(request: StreamAccessRequest): Promise<StreamAccessVerdict> {
    return this.#o.authorize(request);
  }
  udpTarget(address: string, port: number): SendTarget {
    return this.#o.udp.rtp.target(address, port);
  }
  stream(camera: string): CameraStream | undefined {
    return this.#streams.get(camera);
  }
  session(id: string): RtspSession | undefined {
    return this.#sessions.get(id);
  }

  openSession(init: Omit<ConstructorParameters<typeof RtspSession>[0], "id" | "now">) {
    if (this.#sessions.size >= MAX_SESSIONS) return null;
    const s = new RtspSession({ ...init, id: sessionId(), now: this.now() });
    this.#sessions.set(s.id, s);
    this.counters.sessionsTotal++;
    this.#o.log.info("rtsp session opened", {
      session: s.id,
      camera: s.camera,
      user: s.user ?? "(auth off)",
      transport: s.transport.lower,
      client: s.stats().client,
    });
    return s;
  }

  endSession(s: RtspSession, why: "teardown" | "timeout" | "closed" | "stalled" | "camera"): void {
    if (!this.#sessions.delete(s.id)) return;
    s.onFirstPacket = null;
    this.#ended.packets += s.packets;
    this.#ended.bytes += s.bytes;
    this.#ended.dropped += s.dropped;
    this.#streams.get(s.camera)?.pause(s, why !== "closed");
    if (why === "timeout" || why === "stalled") this.counters.sessionsReaped++;
    const level = why === "timeout" || why === "stalled" ? "warn" : "info";
    this.#o.log[level]("rtsp session ended", {
      session: s.id,
      camera: s.camera,
      why,
      packets: s.packets,
      dropped: s.dropped,
      seconds: Math.round((Date.now() - s.startedAt) / 1000),
    });
    // A TCP session's stream ends with it; a client that stopped reading gets no goodbye.
    if ((why === "stalled" || why === "camera") && s.transport.lower === "tcp") {
      this.#connections.get(s.transport.connection)?.close();
    }
  }

  /**
   * The cameras served now. A camera whose stream changed (its ring, after
   * a restart with new settings) or that left ends its sessions; players
   * reconnect, as WebRTC viewers do.
   */
  setCameras(cameras: RtspCamera[]): void {
    const next = new Map(cameras.map((c) => [c.id, c]));
    for (const [id, stream] of this.#streams) {
      const c = next.get(id);
      // The SSRC is the camera node's for its life (its rings too): a new one is a new camera.
      // The ring itself cannot tell: every message brings a new SharedArrayBuffer object for the
      // same memory, so comparing it ended every session at each new SPS/PPS or sound change.
      if (c !== undefined && c.ssrc === stream.camera.ssrc) {
        stream.camera.parameters = c.parameters;
        stream.camera.audio = c.audio;
        continue;
      }
      for (const s of [...this.#sessions.values()]) {
        if (s.camera === id) this.endSession(s, "camera");
      }
      stream.close();
      this.#streams.delete(id);
    }
    for (const c of cameras) {
      if (this.#streams.has(c.id)) continue;
      this.#streams.set(
        c.id,
        new CameraStream({ ...c }, {
          reader: this.#o.reader,
          audioReader: this.#o.audioReader,
          udp: this.#o.udp.rtp,
          cname: this.#o.cname(c.id),
          keyframe: () => this.#o.keyframe(c.id),
          onError: (error) =>
            this.#o.log.error("rtsp stream failed", { camera: c.id, error: String(error) }),
        }),
      );
    }
  }

  /** Serves a new client connection until it closes. Refused (closed) past the limit. */
  accept(conn: Deno.Conn): void {
    if (this.#connections.size >= MAX_CONNECTIONS) {
      this.#o.log.warn("rtsp connection refused: too many", { limit: MAX_CONNECTIONS });
      conn.close();
      return;
    }
    const c = new Connection(this.#nextConnection++, conn, () => this.now());
    this.#connections.set(c.id, c);
    c.run({
      request: (req, connection) => {
        for (const s of this.#sessions.values()) {
          if (s.transport.lower === "tcp" && s.transport.connection === connection.id) {
            s.seenAt = this.now();
          }
        }
        return handleRequest(this, req, connection);
      },
      interleaved: (channel, payload, connection) =>
        this.#interleaved(channel, payload, connection),
      malformed: (reason, connection) => {
        this.counters.malformed++;
        this.#o.log.info("rtsp request refused", { address: connection.address, reason });
      },
    }).catch((error) => {
      this.#o.log.error("rtsp connection failed", { address: c.address, error: String(error) });
    }).finally(() => {
      this.#connections.delete(c.id);
      for (const s of [...this.#sessions.values()]) {
        // A TCP session lives on its connection; a UDP one outlives it (RFC 2326) until its timeout.
        if (s.transport.lower === "tcp" && s.transport.connection === c.id) {
          this.endSession(s, "closed");
        }
      }
    });
  }

  #interleaved(channel: number, payload: Uint8Array, conn: Connection): void {
    for (const s of this.#sessions.values()) {
      const t = s.transport;
      if (t.lower !== "tcp" || t.connection !== conn.id || t.channels[1] !== channel) continue;
      s.seenAt = this.now();
      this.#rtcp(s.camera, payload);
    }
  }

  #rtcp(camera: string, bytes: Uint8Array): void {
    const stream = this.#streams.get(camera);
    if (stream?.rtcp.receive(bytes, Date.now() * 1e6) === "keyframe") this.#o.keyframe(camera);
  }

  /** Reads what clients sent to the UDP ports (RTCP; some send RTP to open a NAT path). */
  readUdp(): void {
    const { rtp, rtcp } = this.#o.udp;
    for (let n = rtcp.receive(this.#rtcpIn); n >= 0; n = rtcp.receive(this.#rtcpIn)) {
      const from = rtcp.sender();
      for (const s of this.#sessions.values()) {
        const t = s.transport;
        if (t.lower !== "udp" || t.address !== from.address || t.rtcp.address.port !== from.port) {
          continue;
        }
        s.seenAt = this.now();
        this.#rtcp(s.camera, this.#rtcpIn.subarray(0, n));
        break;
      }
    }
    while (rtp.receive(this.#rtcpIn) >= 0) {
      const from = rtp.sender();
      for (const s of this.#sessions.values()) {
        const t = s.transport;
        if (t.lower === "udp" && t.address === from.address && t.rtp.address.port === from.port) {
          s.seenAt = this.now();
        }
      }
    }
  }

  /** The upkeep: reaps silent sessions and dead connections. Call about once a second. */
  sweep(): void {
    const now = this.now();
    const timeoutMs = this.#o.sessionTimeoutS * 1000;
    for (const s of [...this.#sessions.values()]) {
      const t = s.transport;
      const conn = t.lower === "tcp" ? this.#connections.get(t.connection) : undefined;
      const seen = Math.max(s.seenAt, conn?.readAt ?? -Infinity);
      if (now - seen > timeoutMs) this.endSession(s, "timeout");
      else if (t.lower === "tcp" && t.outbox.stalledMs() > WRITE_STALL_MS) {
        this.endSession(s, "stalled");
      }
    }
    for (const c of this.#connections.values()) {
      const partial = c.partialSince;
      if (partial !== null && now - partial > REQUEST_TIMEOUT_MS) {
        this.#o.log.info("rtsp connection closed: request not finished", { address: c.address });
        c.close();
        continue;
      }
      const hasSession = [...this.#sessions.values()].some((s) =>
        s.transport.lower === "tcp" && s.transport.connection === c.id
      );
      if (!hasSession && now - c.readAt > timeoutMs) c.close();
    }
  }

  stats(): Pick<
    RtspServerStats,
    | "connections"
    | "sessions"
    | "sessionsTotal"
    | "sessionsReaped"
    | "refused"
    | "malformed"
    | "packets"
    | "bytes"
    | "dropped"
  > {
    const sessions = [...this.#sessions.values()].map((s) => s.stats());
    return {
      connections: this.#connections.size,
      sessions,
      ...this.counters,
      packets: sessions.reduce((n, s) => n + s.packets, this.#ended.packets),
      bytes: sessions.reduce((n, s) => n + s.bytes, this.#ended.bytes),
      dropped: sessions.reduce((n, s) => n + s.dropped, this.#ended.dropped),
    };
  }

  /** Ends every session (with a BYE) and closes every connection. */
  close(): void {
    for (const s of [...this.#sessions.values()]) this.endSession(s, "teardown");
    for (const c of [...this.#connections.values()]) c.close();
    for (const stream of this.#streams.values()) stream.close();
  }
}
