/**
 * The receiving end of the forward over QUIC: a QUIC server that admits a
 * sender once it proved a client certificate of this installation's CA
 * (certs/proof.ts, on the control stream), then rebuilds access units from
 * the RTP packets in its datagrams. A frame that lost a packet is dropped,
 * H.264 waits for the next IDR, and the sender is asked for one on the
 * control stream (at most once per {@linkcode KEYFRAME_REQUEST_EVERY_MS}).
 *
 * @module
 */
import {
  type Identity,
  loadIdentity,
  type PeerIdentity,
  verifyPeerCertificate,
} from "../../certs/mod.ts";
import {
  emptyRtpHeader,
  H264Depacketizer,
  JpegDepacketizer,
  parseRtpHeader,
  RtpClock,
} from "../rtp/mod.ts";
import type { ReceivedAccessUnit } from "../tls/receiver.ts";
import { WireFlags, WireFormat } from "../tls/frame.ts";
import { ALPN, CloseCode, ControlChannel, nonce } from "./_channel.ts";
import { CONTROL_VERSION } from "./control.ts";
import { parseDatagram, type ParsedDatagram, VIDEO_FLOW } from "./datagram.ts";
import { formatOfPayloadType } from "./payload_type.ts";
import { DEFAULT_QUIC_HANDSHAKE_TIMEOUT_MS, QUIC_IDLE_TIMEOUT_MS } from "./sender.ts";
import { transcript } from "./transcript.ts";

/** A lost frame asks for a keyframe at most this often (one RTT and an encode are well under it). */
export const KEYFRAME_REQUEST_EVERY_MS = 500;
/** How long close() lets CONNECTION_CLOSE frames leave; a loopback or LAN send takes far less. */
const CLOSE_LINGER_MS = 50;
/** Access units waiting for the consumer; past it new ones are dropped (four seconds at 30 fps). */
export const DEFAULT_QUIC_RECEIVE_QUEUE = 120;

export interface QuicReceiverOptions {
  certsDir: string;
  /** The server certificate: `<certsDir>/server/<name>.crt`. */
  name: string;
  host?: string;
  port?: number;
  maxQueued?: number;
  handshakeTimeoutMs?: number;
  /**
   * Gets each access unit as it is rebuilt (`unit.data` is a copy the
   * callee may keep). When given, nothing is queued for iteration.
   */
  onAccessUnit?: (unit: ReceivedAccessUnit) => void;
  onConnection?: (peer: PeerIdentity) => void;
  onDisconnect?: (peer: PeerIdentity, error: Error | null) => void;
  onRefused?: (error: Error) => void;
}

export interface QuicReceiverStats {
  connections: number;
  active: number;
  accessUnits: number;
  /** Datagram bytes received. */
  bytes: number;
  datagrams: number;
  /** RTP packets never seen (sequence gaps). */
  lost: number;
  /** Frames given up: a packet lost, or waiting for the next keyframe after one. */
  gaps: number;
  /** Dropped because the consumer fell behind. */
  dropped: number;
  keyframeRequests: number;
  refused: number;
  errors: number;
}

interface Waiter {
  resolve: (r: IteratorResult<ReceivedAccessUnit>) => void;
}

/** Rebuilds the age of a frame from an RTP timestamp on the capture clock. */
const CAPTURE_CLOCK = new RtpClock({ source: "capture" });
const NS_PER_TICK = 1e9 / CAPTURE_CLOCK.rate;

export class QuicAuReceiver implements AsyncIterable<ReceivedAccessUnit> {
  readonly stats: QuicReceiverStats = {
    connections: 0,
    active: 0,
    accessUnits: 0,
    bytes: 0,
    datagrams: 0,
    lost: 0,
    gaps: 0,
    dropped: 0,
    keyframeRequests: 0,
    refused: 0,
    errors: 0,
  };
  readonly #endpoint: Deno.QuicEndpoint;
  readonly #listener: Deno.QuicListener;
  readonly #identity: Identity;
  readonly #options: QuicReceiverOptions;
  readonly #conns = new Set<Deno.QuicConn>();
  readonly #queue: ReceivedAccessUnit[] = [];
  #waiter: Waiter | null = null;
  #closed = false;
  #closing: Promise<void> | null = null;

  constructor(endpoint: Deno.QuicEndpoint, identity: Identity, options: QuicReceiverOptions) {
    this.#endpoint = endpoint;
    this.#identity = identity;
    this.#options = options;
    this.#listener = endpoint.listen({
      alpnProtocols: [ALPN],
      cert: identity.certPem,
      key: identity.keyPem,
      maxIdleTimeout: QUIC_IDLE_TIMEOUT_MS,
      keepAliveInterval: QUIC_IDLE_TIMEOUT_MS / 3,
    });
    this.#acceptLoop();
  }

  get port(): number {
    return this.#endpoint.addr.port;
  }

  /** What senders pin. */
  get fingerprint256(): string {
    return this.#identity.fingerprint256;
  }

  async #acceptLoop(): Promise<void> {
    while (!this.#closed) {
      let conn: Deno.QuicConn;
      try {
        conn = await this.#listener.accept();
      } catch {
        if (this.#closed) return;
        this.stats.errors++;
        continue;
      }
      this.#conns.add(conn);
      this.#serve(conn).catch(() => {}).finally(() => this.#conns.delete(conn));
    }
  }

  async #admit(conn: Deno.QuicConn): Promise<{ peer: PeerIdentity; channel: ControlChannel }> {
    const timeoutMs = this.#options.handshakeTimeoutMs ?? DEFAULT_QUIC_HANDSHAKE_TIMEOUT_MS;
    const streams = conn.incomingBidirectionalStreams.getReader();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const first = await Promise.race([
      streams.read(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`No control stream in ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    streams.releaseLock();
    if (first.done) throw new Error("The sender closed before opening its control stream");
    const channel = new ControlChannel(first.value);
    try {
      const hello = await channel.nextWithin(timeoutMs, "client_hello");
      if (hello === null || hello.type !== "client_hello") {
        throw new Error(`The sender sent "${hello?.type ?? "nothing"}" instead of client_hello`);
      }
      if (hello.version !== CONTROL_VERSION) {
        throw new Error(`The sender speaks version "${hello.version}", not ${CONTROL_VERSION}`);
      }
      const peer = await verifyPeerCertificate(this.#options.certsDir, hello.cert, {
        kind: "client",
      });
      const serverNonce = nonce();
      const parts = {
        clientNonce: hello.nonce,
        serverNonce,
        clientCert: hello.cert,
        serverCert: this.#identity.der,
      };
      await channel.send({
        type: "server_hello",
        nonce: serverNonce,
        signature: await this.#identity.sign(transcript("server", parts)),
        cert: this.#identity.der,
      });
      const proof = await channel.nextWithin(timeoutMs, "client_proof");
      if (proof === null || proof.type !== "client_proof") {
        throw new Error(
          `The sender "${peer.cn}" did not prove its certificate (it sent "${
            proof?.type ?? "nothing"
          }")`,
        );
      }
      if (!(await peer.verify(transcript("client", parts), proof.signature))) {
        throw new Error(
          `The sender's signature was not made by the key of "${peer.cn}" (${peer.fingerprint256})`,
        );
      }
      await channel.send({ type: "admitted", version: CONTROL_VERSION });
      const { der: _der, verify: _verify, ...identity } = peer;
      return { peer: identity, channel };
    } catch (error) {
      await channel.send({ type: "refused", reason: (error as Error).message }).catch(() => {});
      throw error;
    }
  }

  async #serve(conn: Deno.QuicConn): Promise<void> {
    let admitted: { peer: PeerIdentity; channel: ControlChannel };
    try {
      admitted = await this.#admit(conn);
    } catch (error) {
      this.stats.refused++;
      this.#options.onRefused?.(error as Error);
      // Give the refusal a moment to leave before the close discards it.
      setTimeout(() => {
        try {
          conn.close({
            closeCode: CloseCode.refused,
            reason: (error as Error).message.slice(0, 200),
          });
        } catch { /* gone */ }
      }, 100);
      return;
    }
    const { peer, channel } = admitted;
    this.stats.connections++;
    this.stats.active++;
    this.#options.onConnection?.(peer);
    let error: Error | null = null;
    try {
      await this.#readMedia(conn, peer, channel);
    } catch (e) {
      if (!this.#closed) error = e as Error;
    }
    const info = await conn.closed.catch(() => null);
    if (error === null && info !== null && info.closeCode !== CloseCode.done) {
      error = new Error(
        `closed with code ${info.closeCode}${info.reason ? `: ${info.reason}` : ""}`,
      );
    }
    if (error !== null) this.stats.errors++;
    this.stats.active--;
    this.#options.onDisconnect?.(peer, error);
  }

  async #readMedia(
    conn: Deno.QuicConn,
    peer: PeerIdentity,
    channel: ControlChannel,
  ): Promise<void> {
    const parsed: ParsedDatagram = { flowId: 0, offset: 0 };
    const header = emptyRtpHeader();
    let depacketizer: H264Depacketizer | JpegDepacketizer | null = null;
    let format: WireFormat | null = null;
    let seq = 0;
    let lastRequest = -Infinity;
    const askKeyframe = () => {
      const now = performance.now();
      if (now - lastRequest < KEYFRAME_REQUEST_EVERY_MS) return;
      lastRequest = now;
      this.stats.keyframeRequests++;
      channel.send({ type: "keyframe" }).catch(() => {});
    };
    for (;;) {
      let d: Uint8Array;
      try {
        d = await conn.readDatagram();
      } catch (e) {
        if (this.#closed) return;
        // A peer that closed cleanly ends here too; #serve reads the close code.
        const info = await Promise.race([conn.closed, Promise.resolve(null)]).catch(() => null);
        if (info !== null) return;
        throw e;
      }
      this.stats.datagrams++;
      this.stats.bytes += d.length;
      if (parseDatagram(d, parsed) !== null || parsed.flowId !== VIDEO_FLOW) continue;
      const packet = d.subarray(parsed.offset);
      try {
        parseRtpHeader(packet, header);
      } catch {
        continue;
      }
      const f = formatOfPayloadType(header.payloadType);
      if (f === null) continue;
      if (f !== format) {
        format = f;
        depacketizer = f === WireFormat.H264
          ? new H264Depacketizer({ reorderWindow: 0 })
          : new JpegDepacketizer({ reorderWindow: 0 });
      }
      const before = depacketizer!.stats.lost;
      for (let r = depacketizer!.push(packet); r.kind !== "more"; r = depacketizer!.pull()) {
        if (r.kind === "dropped") {
          // The sequence counts given-up frames too: a consumer sees them as gaps.
          seq++;
          this.stats.gaps++;
          askKeyframe();
          continue;
        }
        const nowNs = (performance.timeOrigin + performance.now()) * 1e6;
        const ageTicks = (CAPTURE_CLOCK.fromNs(nowNs) - r.timestamp + 2 ** 32) % 2 ** 32;
        const unit: ReceivedAccessUnit = {
          seq: seq++ >>> 0,
          flags: r.keyframe ? WireFlags.KEYFRAME : 0,
          format,
          ptsNs: nowNs - ageTicks * NS_PER_TICK,
          captureNs: nowNs - ageTicks * NS_PER_TICK,
          data: r.data.slice(),
          peer,
        };
        this.#deliver(unit);
      }
      this.stats.lost += depacketizer!.stats.lost - before;
    }
  }

  #deliver(unit: ReceivedAccessUnit): void {
    this.stats.accessUnits++;
    if (this.#options.onAccessUnit !== undefined) {
      this.#options.onAccessUnit(unit);
      return;
    }
    if (this.#waiter !== null) {
      const w = this.#waiter;
      this.#waiter = null;
      w.resolve({ value: unit, done: false });
      return;
    }
    if (this.#queue.length >= (this.#options.maxQueued ?? DEFAULT_QUIC_RECEIVE_QUEUE)) {
      this.stats.dropped++;
      return;
    }
    this.#queue.push(unit);
  }

  [Symbol.asyncIterator](): AsyncIterator<ReceivedAccessUnit> {
    return {
      next: () => {
        const unit = this.#queue.shift();
        if (unit !== undefined) return Promise.resolve({ value: unit, done: false });
        if (this.#closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.#waiter = { resolve }));
      },
    };
  }

  /** Stops listening, closes every connection, ends iteration. Every call waits for the same end. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    const closing = [...this.#conns].map((c) => {
      try {
        c.close({ closeCode: CloseCode.done, reason: "receiver stopped" });
      } catch { /* gone */ }
      return c.closed.catch(() => null);
    });
    this.#waiter?.resolve({ value: undefined, done: true });
    this.#waiter = null;
    // QUIC sends CONNECTION_CLOSE from its own task: give it a moment before
    // the endpoint goes (and a process exits), so senders hear "stopped"
    // instead of waiting out the idle timeout.
    if (closing.length > 0) {
      await Promise.all(closing);
      await new Promise((resolve) => setTimeout(resolve, CLOSE_LINGER_MS));
    }
    this.#listener.stop();
    this.#endpoint.close();
  }
}

/** Starts a {@linkcode QuicAuReceiver} on UDP `host:port` (default 127.0.0.1, any free port). */
export async function listenQuicReceiver(options: QuicReceiverOptions): Promise<QuicAuReceiver> {
  const identity = await loadIdentity(options.certsDir, "server", options.name);
  const endpoint = new Deno.QuicEndpoint({
    hostname: options.host ?? "127.0.0.1",
    port: options.port ?? 0,
  });
  try {
    return new QuicAuReceiver(endpoint, identity, options);
  } catch (error) {
    endpoint.close();
    throw error;
  }
}
