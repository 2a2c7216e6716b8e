import type { AddressInfo } from "node:net";
import tls from "node:tls";
import { loadServerTls, peerIdentity, type ServerTls } from "../../certs/mod.ts";
import { DEFAULT_HANDSHAKE_TIMEOUT_MS } from "./connect.ts";
import { encodeHello } from "./hello.ts";
import { AuReceiver, type AuReceiverOptions } from "./receiver.ts";

/** Where to listen and who to be. */
export interface ListenOptions extends AuReceiverOptions {
  /** The local certs directory (`<dataDir>/certs`). */
  certsDir: string;
  /** The server certificate to present: `<certsDir>/server/<name>.crt`. */
  name: string;
  /** Default "127.0.0.1"; a device that receives from others listens on its LAN address. */
  host?: string;
  /** Default 0: any free port (see {@linkcode TlsAuReceiver.port}). */
  port?: number;
  /** Follow `eyrie certs rotate` and `revoke` while running (default true). */
  watch?: boolean;
  /** Default {@linkcode DEFAULT_HANDSHAKE_TIMEOUT_MS}. */
  handshakeTimeoutMs?: number;
  /** A handshake was refused; for logs. */
  onRefused?: (error: Error) => void;
}

/**
 * An {@linkcode AuReceiver} behind a TLS 1.3 server that requires a client
 * certificate from the installation's CA and checks the revocation list on
 * every handshake (and, watching, drops a connection whose certificate gets
 * revoked). Every access unit carries the sender's identity.
 */
export class TlsAuReceiver extends AuReceiver {
  readonly #server: tls.Server;
  readonly #serverTls: ServerTls;

  /** Use {@linkcode listenAuReceiver}. */
  constructor(server: tls.Server, serverTls: ServerTls, options: AuReceiverOptions) {
    super(options);
    this.#server = server;
    this.#serverTls = serverTls;
  }

  /** The port listened on. */
  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** SHA-256 fingerprint of the certificate served now: what senders pin. */
  get fingerprint256(): string {
    return this.#serverTls.fingerprint256;
  }

  /** Stops listening, closes every connection and the certificate watcher. */
  override async close(): Promise<void> {
    const stopped = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    await super.close();
    await stopped;
    await this.#serverTls.close();
  }
}

/** Starts a {@linkcode TlsAuReceiver}; resolves once it listens. */
export async function listenAuReceiver(options: ListenOptions): Promise<TlsAuReceiver> {
  const serverTls = await loadServerTls(options.certsDir, {
    name: options.name,
    clientAuth: "require",
  });
  const server = tls.createServer({
    ...serverTls.options,
    handshakeTimeout: options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
  });
  serverTls.attach(server);
  const receiver = new TlsAuReceiver(server, serverTls, options);
  server.on("secureConnection", (socket: tls.TLSSocket) => {
    if (socket.destroyed) return;
    socket.write(encodeHello());
    receiver.accept(socket, peerIdentity(socket));
  });
  server.on("tlsClientError", (error: Error) => {
    receiver.countRefusal();
    options.onRefused?.(error);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await serverTls.close();
    throw error;
  }
  if (options.watch ?? true) serverTls.watch();
  return receiver;
}
