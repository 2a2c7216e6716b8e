import tls from "node:tls";
import { loadClientTls } from "../../certs/mod.ts";
import type { AccessUnit } from "./frame.ts";
import { checkHello, HELLO_BYTES } from "./hello.ts";
import { AuSender, type AuSenderOptions, type AuSenderStats } from "./sender.ts";

/** A TLS 1.3 handshake with a device on the network takes well under this. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
/** TCP keep-alive probes start after this much silence, so a dead peer is found. */
const KEEPALIVE_DELAY_MS = 10_000;

/** Where to send and who to be. */
export interface ConnectOptions extends AuSenderOptions {
  host: string;
  port: number;
  /** The local certs directory (`<dataDir>/certs`). */
  certsDir: string;
  /** The client certificate to present: `<certsDir>/client/<name>.crt`. */
  name: string;
  /** The receiver's pins accepted with `eyrie certs pin --accept FP --name REMOTE`. */
  remote?: string;
  /** More accepted SHA-256 fingerprints of the receiver's certificate. */
  pins?: readonly string[];
  /** More CAs to trust (PEM), when the receiver belongs to another installation. */
  extraCa?: readonly string[];
  /** Name checked against the receiver's certificate; default `host`. */
  servername?: string;
  /** Default true; the pin already names the receiver, so false is allowed. */
  checkHostname?: boolean;
  /** Default {@linkcode DEFAULT_HANDSHAKE_TIMEOUT_MS}. */
  handshakeTimeoutMs?: number;
}

/** An {@linkcode AuSender} on a verified TLS 1.3 connection, and who it reached. */
export class TlsAuSender extends AuSender {
  /** SHA-256 fingerprint of the receiver's certificate (one of the pins). */
  readonly serverFingerprint256: string;

  /** Use {@linkcode connectAuSender}. */
  constructor(socket: tls.TLSSocket, options: AuSenderOptions = {}) {
    super(socket, options);
    this.serverFingerprint256 = socket.getPeerCertificate().fingerprint256;
  }
}

/**
 * Resolves with `socket` once the TLS handshake is done and the receiver's
 * greeting says it admitted this sender; rejects with the refusal, or after
 * `timeoutMs`.
 */
function admitted(socket: tls.TLSSocket, where: string, timeoutMs: number): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const greeting = new Uint8Array(HELLO_BYTES);
    let filled = 0;
    const done = (error: Error | null) => {
      socket.setTimeout(0);
      socket.off("error", done);
      socket.off("close", closed);
      socket.off("data", data);
      if (error === null) return resolve(socket);
      socket.destroy();
      reject(error);
    };
    const closed = () => {
      done(
        new Error(
          `${where} closed the connection before it greeted: it refused this sender's ` +
            "certificate, or it is not an eyrie receiver",
        ),
      );
    };
    const data = (chunk: Uint8Array) => {
      const n = Math.min(chunk.length, HELLO_BYTES - filled);
      greeting.set(chunk.subarray(0, n), filled);
      filled += n;
      if (filled < HELLO_BYTES) return;
      const problem = checkHello(greeting);
      done(problem === null ? null : new Error(problem));
    };
    socket.setTimeout(timeoutMs, () => {
      done(new Error(`No TLS handshake and greeting from ${where} in ${timeoutMs} ms`));
    });
    socket.once("error", done);
    socket.once("close", closed);
    socket.on("data", data);
  });
}

/**
 * Connects to a receiver over TLS 1.3 with mutual authentication: presents
 * the client certificate `name`, requires the receiver's certificate to chain
 * to the CA, to match a pin (`remote` and/or `pins`; at least one is
 * required) and not to be on the revocation list. Resolves once the receiver
 * greeted, i.e. admitted this sender's certificate; rejects with the refusal
 * (e.g. PinMismatchError, or a receiver that hung up) or after the timeout.
 */
export async function connectAuSender(options: ConnectOptions): Promise<TlsAuSender> {
  if (options.remote === undefined && (options.pins ?? []).length === 0) {
    throw new TypeError("An access-unit sender pins its receiver: give remote or pins");
  }
  const tlsOptions = await loadClientTls(options.certsDir, {
    name: options.name,
    remote: options.remote,
    pins: options.pins,
    extraCa: options.extraCa,
    checkHostname: options.checkHostname,
    servername: options.servername,
  });
  const timeoutMs = options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
  const socket = await admitted(
    tls.connect({ ...tlsOptions, host: options.host, port: options.port }),
    `${options.host}:${options.port}`,
    timeoutMs,
  );
  socket.setKeepAlive(true, KEEPALIVE_DELAY_MS);
  return new TlsAuSender(socket, options);
}

/**
 * Connects like {@linkcode connectAuSender}, sends every access unit of
 * `source` as it comes (a slow connection drops, never stalls the source),
 * then flushes and closes. Resolves with the counters.
 */
export async function sendAccessUnits(
  source: Iterable<AccessUnit> | AsyncIterable<AccessUnit>,
  options: ConnectOptions,
): Promise<AuSenderStats> {
  const sender = await connectAuSender(options);
  try {
    for await (const unit of source) sender.send(unit);
  } finally {
    await sender.close();
  }
  if (sender.error) throw sender.error;
  return sender.stats;
}
