/**
 * The sending end of the forward over QUIC: connects, proves who it is
 * (certs/proof.ts over the control stream), then sends each access unit as
 * RTP packets in QUIC datagrams. Datagrams are never retransmitted: a lost
 * packet loses its frame, and the receiver asks for a keyframe.
 *
 * @module
 */
import { isIP } from "node:net";
import { loadIdentity, verifyPeerCertificate } from "../../certs/mod.ts";
import {
  H264Payloader,
  JpegPayloader,
  type PacketTarget,
  RtpClock,
  RtpPacketizer,
  RtpSequencer,
} from "../rtp/mod.ts";
import { type AccessUnit, WireFlags, WireFormat } from "../tls/frame.ts";
import { ALPN, CloseCode, ControlChannel, nonce } from "./_channel.ts";
import { CONTROL_VERSION } from "./control.ts";
import { datagramOverhead, VIDEO_FLOW, writeDatagramHeader } from "./datagram.ts";
import { transcript } from "./transcript.ts";
import { payloadTypeOf } from "./payload_type.ts";

/** Handshake and admission together take well under this on any LAN. */
export const DEFAULT_QUIC_HANDSHAKE_TIMEOUT_MS = 10_000;
/** A silent peer is gone after this (QUIC idle timeout); keep-alives go out at a third of it. */
export const QUIC_IDLE_TIMEOUT_MS = 6_000;
/**
 * Datagrams handed to QUIC and not yet taken: past this the sender drops to
 * the next keyframe. Reason: 30 fps of 8 Mbit/s is ~700 datagrams a second,
 * so this is over a second of video queued, which only a dead or choked
 * path builds up.
 */
export const MAX_DATAGRAMS_IN_FLIGHT = 1024;
/**
 * The name checked against the receiver's certificate. Deno's QUIC client
 * always checks one, and eyrie's server certificates carry "localhost" by
 * default; the receiver is identified by its pin, not by its name.
 */
export const QUIC_SERVER_NAME = "localhost";

export interface QuicSenderOptions {
  host: string;
  port: number;
  certsDir: string;
  /** The client certificate to present: `<certsDir>/client/<name>.crt`. */
  name: string;
  /** Pins accepted with `eyrie certs pin --accept FP --name REMOTE`. */
  remote?: string;
  pins?: readonly string[];
  /** More CAs to trust (PEM), when the receiver belongs to another installation. */
  extraCa?: readonly string[];
  handshakeTimeoutMs?: number;
  /** The receiver asked for a keyframe (it lost a frame, or just started). */
  onKeyframeRequest?: () => void;
  /**
   * The local endpoint to connect from, kept open by the caller across
   * reconnections. Deno 2.9.6 never releases a QuicEndpoint's UDP socket
   * (close() leaves the file descriptor open, measured: 50 endpoints
   * created and closed hold 52 more descriptors), so a sender that
   * reconnects forever must reuse one. Without it, one is made and left to
   * the process.
   */
  endpoint?: Deno.QuicEndpoint;
}

/** A QUIC endpoint for senders to `host`'s address family (see {@linkcode QuicSenderOptions.endpoint}). */
export function senderEndpoint(host: string): Deno.QuicEndpoint {
  return new Deno.QuicEndpoint({ hostname: isIP(host) === 6 ? "::" : "0.0.0.0", port: 0 });
}

export interface QuicSenderStats {
  /** Access units sent, and their datagram bytes. */
  sent: number;
  sentBytes: number;
  datagrams: number;
  /** Access units dropped (datagrams piling up, or a failed send) up to the next keyframe. */
  dropped: number;
  keyframeRequests: number;
}

/** Gives each packet its own buffer: `sendDatagram` holds it until its promise settles. */
class DatagramTarget implements PacketTarget {
  readonly packets: Uint8Array[] = [];
  readonly #skip: number;
  #region: Uint8Array | null = null;
  constructor(flowId: number) {
    this.#skip = datagramOverhead(flowId);
  }
  begin(maxBytes: number): Uint8Array {
    const buf = new Uint8Array(this.#skip + maxBytes);
    writeDatagramHeader(VIDEO_FLOW, buf);
    this.#region = buf;
    return buf.subarray(this.#skip);
  }
  end(bytes: number): void {
    this.packets.push(this.#region!.subarray(0, this.#skip + bytes));
    this.#region = null;
  }
}

/** A connected, admitted sender. `send()` never waits. */
export class QuicAuSender {
  readonly serverFingerprint256: string;
  readonly stats: QuicSenderStats = {
    sent: 0,
    sentBytes: 0,
    datagrams: 0,
    dropped: 0,
    keyframeRequests: 0,
  };
  /** Resolves with why the connection ended (null: closed here). */
  readonly closed: Promise<Error | null>;
  readonly #conn: Deno.QuicConn;
  readonly #channel: ControlChannel;
  readonly #mtu: number;
  #packetizer: RtpPacketizer | null = null;
  #format: WireFormat | null = null;
  #inFlight = 0;
  #skipping = false;
  #closing = false;
  #error: Error | null = null;

  constructor(
    conn: Deno.QuicConn,
    channel: ControlChannel,
    server: string,
    onKeyframe: () => void,
  ) {
    this.#conn = conn;
    this.#channel = channel;
    this.serverFingerprint256 = server;
    this.#mtu = conn.maxDatagramSize - datagramOverhead(VIDEO_FLOW);
    const requests = (async () => {
      for (;;) {
        const m = await channel.next();
        if (m === null) return;
        if (m.type === "keyframe") {
          this.stats.keyframeRequests++;
          onKeyframe();
        }
      }
    })().catch(() => {});
    this.closed = conn.closed.then(
      (info) =>
        this.#closing && info.closeCode === CloseCode.done ? null : new Error(
          `The receiver closed the connection (code ${info.closeCode}${
            info.reason ? `: ${info.reason}` : ""
          })`,
        ),
      (error: Error) =>
        this.#closing ? null : new Error(`The QUIC connection was lost: ${error.message}`),
    ).then((e) => {
      this.#error = e;
      void requests;
      return e;
    });
  }

  /** Why the connection ended, once it did. */
  get error(): Error | null {
    return this.#error;
  }

  #packetizerFor(format: WireFormat): RtpPacketizer {
    if (this.#packetizer !== null && this.#format === format) return this.#packetizer;
    const payloader = format === WireFormat.H264
      ? new H264Payloader({ mtu: this.#mtu })
      : new JpegPayloader({ mtu: this.#mtu });
    const ssrc = crypto.getRandomValues(new Uint32Array(1))[0];
    // The RTP timestamp follows the capture clock (eyrie's nowNs(), wall-clock
    // based): the receiver reads each frame's age from it.
    this.#packetizer = new RtpPacketizer(payloader, {
      payloadType: payloadTypeOf(format),
      ssrc,
      sequencer: new RtpSequencer(),
      clock: new RtpClock({ source: "capture" }),
    });
    this.#format = format;
    return this.#packetizer;
  }

  /** Sends one access unit; false if it was dropped. Never waits. */
  send(unit: AccessUnit): boolean {
    if (this.#error !== null || this.#closing) return false;
    const keyframe = (unit.flags & WireFlags.KEYFRAME) !== 0;
    if (this.#skipping && !keyframe) {
      this.stats.dropped++;
      return false;
    }
    if (this.#inFlight > MAX_DATAGRAMS_IN_FLIGHT) {
      this.#skipping = true;
      this.stats.dropped++;
      return false;
    }
    this.#skipping = false;
    const target = new DatagramTarget(VIDEO_FLOW);
    this.#packetizerFor(unit.format).packetize(unit, target);
    for (const d of target.packets) {
      this.#inFlight++;
      this.stats.datagrams++;
      this.stats.sentBytes += d.length;
      this.#conn.sendDatagram(d).then(
        () => this.#inFlight--,
        () => {
          this.#inFlight--;
          this.#skipping = true;
        },
      );
    }
    this.stats.sent++;
    return true;
  }

  /**
   * Closes the connection (not the endpoint: see
   * {@linkcode QuicSenderOptions.endpoint}). Nothing is queued here to flush
   * (datagrams already left), so `_timeoutMs` is only there to match the TLS
   * sender.
   */
  async close(_timeoutMs?: number): Promise<void> {
    if (!this.#closing) {
      this.#closing = true;
      this.#channel.close();
      try {
        this.#conn.close({ closeCode: CloseCode.done, reason: "sender stopped" });
      } catch { /* already closed */ }
    }
    await this.closed;
  }
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`No ${what} in ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** A clearer line for the errors Deno's QUIC client gives. */
function connectError(error: Error, where: string): Error {
  const m = error.message;
  if (/NotValidForName/i.test(m)) {
    return new Error(
      `The certificate of ${where} does not name "${QUIC_SERVER_NAME}" (issue it with the default SANs)`,
    );
  }
  if (/UnknownIssuer|BadSignature|invalid peer certificate/i.test(m)) {
    return new Error(`The certificate of ${where} is not from a trusted eyrie CA (${m})`);
  }
  if (/timed out|timeout|^No QUIC handshake/i.test(m)) {
    return new Error(
      `No QUIC answer from ${where} (is eyrie receive --transport quic running there?)`,
    );
  }
  return new Error(`QUIC connection to ${where} failed: ${m}`);
}

/**
 * Connects to an eyrie receiver over QUIC, checks its certificate against
 * the CA, the revocation list and the pins (`remote` and/or `pins`, at least
 * one), proves this sender's certificate `name`, and resolves once the
 * receiver admitted it; rejects with the refusal or after the timeout.
 */
export async function connectQuicSender(options: QuicSenderOptions): Promise<QuicAuSender> {
  if (options.remote === undefined && (options.pins ?? []).length === 0) {
    throw new TypeError("A QUIC sender pins its receiver: give remote or pins");
  }
  const where = `${isIP(options.host) === 6 ? `[${options.host}]` : options.host}:${options.port}`;
  const identity = await loadIdentity(options.certsDir, "client", options.name);
  const ca = await Deno.readTextFile(`${options.certsDir}/ca.crt`);
  const timeoutMs = options.handshakeTimeoutMs ?? DEFAULT_QUIC_HANDSHAKE_TIMEOUT_MS;
  const endpoint = options.endpoint ?? senderEndpoint(options.host);
  let conn: Deno.QuicConn | null = null;
  try {
    conn = await within(
      Deno.connectQuic<false>({
        endpoint,
        hostname: options.host,
        port: options.port,
        serverName: QUIC_SERVER_NAME,
        alpnProtocols: [ALPN],
        caCerts: [ca, ...(options.extraCa ?? [])],
        maxIdleTimeout: QUIC_IDLE_TIMEOUT_MS,
        keepAliveInterval: QUIC_IDLE_TIMEOUT_MS / 3,
        congestionControl: "low-latency",
      }),
      timeoutMs,
      `QUIC handshake with ${where}`,
    ).catch((error: Error) => {
      throw connectError(error, where);
    });
    const channel = new ControlChannel(await conn.createBidirectionalStream());
    const clientNonce = nonce();
    await channel.send({
      type: "client_hello",
      version: CONTROL_VERSION,
      nonce: clientNonce,
      cert: identity.der,
    });
    const hello = await channel.nextWithin(timeoutMs, `greeting from ${where}`);
    if (hello === null || hello.type === "refused") {
      throw new Error(
        `${where} refused this sender${
          hello ? `: ${hello.reason}` : " (it closed the control stream)"
        }`,
      );
    }
    if (hello.type !== "server_hello") throw new Error(`${where} sent "${hello.type}" first`);
    const server = await verifyPeerCertificate(options.certsDir, hello.cert, {
      kind: "server",
      remote: options.remote,
      pins: options.pins,
      extraCa: options.extraCa,
    });
    const parts = {
      clientNonce,
      serverNonce: hello.nonce,
      clientCert: identity.der,
      serverCert: hello.cert,
    };
    if (!(await server.verify(transcript("server", parts), hello.signature))) {
      throw new Error(
        `${where} sent a signature its certificate ${server.fingerprint256} did not make`,
      );
    }
    await channel.send({
      type: "client_proof",
      signature: await identity.sign(transcript("client", parts)),
    });
    const verdict = await channel.nextWithin(timeoutMs, `admission from ${where}`);
    if (verdict === null || verdict.type !== "admitted") {
      throw new Error(
        `${where} refused this sender's certificate "${options.name}"${
          verdict?.type === "refused" ? `: ${verdict.reason}` : ""
        }`,
      );
    }
    const c = conn;
    return new QuicAuSender(c, channel, server.fingerprint256, () => {
      options.onKeyframeRequest?.();
    });
  } catch (error) {
    try {
      conn?.close({ closeCode: CloseCode.refused, reason: (error as Error).message.slice(0, 200) });
    } catch { /* already closed */ }
    throw error;
  }
}
