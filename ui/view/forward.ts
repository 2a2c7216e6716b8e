/**
 * The mutual-TLS forward as an input of `eyrie view` (`tls://HOST:PORT`):
 * the viewer listens where a `[[camera.forward]]` sender connects, exactly as
 * `eyrie receive --tls` does (transports/tls: TLS 1.3, a client certificate
 * from this installation's CA required, revocations applied; the sender pins
 * this receiver's certificate), and shows the first sender's H.264. With
 * `quic://HOST:PORT` it listens as `eyrie receive --transport quic` does
 * (transports/quic: RTP in QUIC datagrams, the sender's certificate proved
 * inside the connection).
 *
 * @module
 */
import {
  type AccessUnitResult,
  listenAuReceiver,
  WireFlags,
  WireFormat,
} from "../../transports/tls/mod.ts";
import type { PeerIdentity } from "../../certs/mod.ts";
import { listenQuicReceiver } from "../../transports/quic/mod.ts";

/** What the forward input hands to the viewer: whole access units. */
export interface AccessUnitSink {
  accessUnit(unit: { data: Uint8Array; keyframe: boolean; seq: number; captureNs: number }): void;
  /** A line for stderr (a sender came, left or was refused). */
  note(line: string): void;
}

/** A listening forward receiver. */
export interface ForwardInput {
  what: string;
  /** The receiver's certificate fingerprint, for the sender's pin. */
  fingerprint256: string;
  /** Resolves when the sender that was shown leaves. */
  ended: Promise<string>;
  close(): Promise<void>;
}

export async function openForward(
  target: {
    transport: "tls" | "quic";
    host: string;
    port: number;
    certsDir: string;
    name: string;
  },
  sink: AccessUnitSink,
): Promise<ForwardInput> {
  let source: string | null = null;
  let ended: (why: string) => void = () => {};
  const end = new Promise<string>((resolve) => (ended = resolve));
  if (target.transport === "quic") return await openQuic(target, sink);
  const receiver = await listenAuReceiver({
    certsDir: target.certsDir,
    name: target.name,
    host: target.host,
    port: target.port,
    onAccessUnit: (unit: AccessUnitResult, peer: PeerIdentity | null) => {
      // One window shows one stream: the first sender's, while it stays.
      const from = peer?.fingerprint256 ?? "";
      source ??= from;
      if (from !== source || unit.format !== WireFormat.H264) return;
      sink.accessUnit({
        data: unit.data,
        keyframe: (unit.flags & WireFlags.KEYFRAME) !== 0,
        seq: unit.seq,
        captureNs: unit.captureNs,
      });
    },
    onConnection: (peer) => sink.note(`sender connected: ${peer?.cn} (${peer?.fingerprint256})`),
    onDisconnect: (peer, error) => {
      sink.note(`sender left: ${peer?.cn}${error === null ? "" : ` (${error.message})`}`);
      if ((peer?.fingerprint256 ?? "") === source) ended(`${peer?.cn} left`);
    },
    onRefused: (error) => sink.note(`refused a connection: ${error.message}`),
  }).catch((error) => {
    throw new Error(`Cannot listen on ${target.host}:${target.port}: ${(error as Error).message}`);
  });
  const where = target.host.includes(":") ? `[${target.host}]` : target.host;
  return {
    what: `the mutual-TLS forward on ${where}:${receiver.port}`,
    fingerprint256: receiver.fingerprint256,
    ended: end,
    close: () => receiver.close(),
  };
}

async function openQuic(
  target: { host: string; port: number; certsDir: string; name: string },
  sink: AccessUnitSink,
): Promise<ForwardInput> {
  let source: string | null = null;
  let ended: (why: string) => void = () => {};
  const end = new Promise<string>((resolve) => (ended = resolve));
  const receiver = await listenQuicReceiver({
    certsDir: target.certsDir,
    name: target.name,
    host: target.host,
    port: target.port,
    onAccessUnit: (unit) => {
      const from = unit.peer?.fingerprint256 ?? "";
      source ??= from;
      if (from !== source || unit.format !== WireFormat.H264) return;
      sink.accessUnit({
        data: unit.data,
        keyframe: (unit.flags & WireFlags.KEYFRAME) !== 0,
        seq: unit.seq,
        captureNs: unit.captureNs,
      });
    },
    onConnection: (peer) => sink.note(`sender connected: ${peer.cn} (${peer.fingerprint256})`),
    onDisconnect: (peer, error) => {
      sink.note(`sender left: ${peer.cn}${error === null ? "" : ` (${error.message})`}`);
      if (peer.fingerprint256 === source) ended(`${peer.cn} left`);
    },
    onRefused: (error) => sink.note(`refused a connection: ${error.message}`),
  }).catch((error) => {
    throw new Error(`Cannot listen on ${target.host}:${target.port}: ${(error as Error).message}`);
  });
  const where = target.host.includes(":") ? `[${target.host}]` : target.host;
  return {
    what: `the QUIC forward on ${where}:${receiver.port}`,
    fingerprint256: receiver.fingerprint256,
    ended: end,
    close: () => receiver.close(),
  };
}
