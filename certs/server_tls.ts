import tls from "node:tls";
import { x509 } from "./_x509.ts";
import { readRequired } from "./_fs.ts";
import { keyMatchesCert } from "./_pair.ts";
import { RevokedCertificateError } from "./errors.ts";
import { fingerprint256, normalizeSerial } from "./fingerprint.ts";
import { type CertPaths, certPaths, validateName } from "./layout.ts";
import { readRevocations, type RevocationList } from "./revoke.ts";
import { type ClientAuth, type ServerMaterial, serverOptions } from "./tls.ts";

/** Coalesces the burst of file events one `rotate` or `revoke` makes into one reload. */
const RELOAD_DEBOUNCE_MS = 100;
/** A reload that fails (e.g. caught between the key and the certificate rename) is retried this often. */
const RELOAD_ATTEMPTS = 3;

/** What changed in a reload. */
export type ReloadEvent =
  | { kind: "certificate"; fingerprint256: string; serial: string }
  | { kind: "revocations"; crlNumber: bigint; dropped: number };

/** Options of {@linkcode loadServerTls}. */
export interface ServerTlsOptions {
  /** The server certificate to serve: `<dir>/server/<name>.crt`. */
  name: string;
  /** Default "require" (mutual TLS). */
  clientAuth?: ClientAuth;
  /** Called after a reload changed something. */
  onReload?: (event: ReloadEvent) => void;
  /** Called when a watched reload fails (the previous state stays in force). Default: console.error. */
  onError?: (error: Error) => void;
}

interface Credentials extends ServerMaterial {
  fingerprint256: string;
  serial: string;
}

async function readCredentials(paths: CertPaths, name: string): Promise<Credentials> {
  const certPath = paths.cert("server", name);
  const keyPath = paths.key("server", name);
  const ca = await readRequired(paths.caCert, "CA certificate (run: eyrie certs init)");
  const certPem = await readRequired(certPath, `server certificate "${name}"`);
  const key = await readRequired(keyPath, `server key "${name}"`);
  if (!keyMatchesCert(certPem, key)) {
    throw new Error(`The key "${keyPath}" does not belong to "${certPath}"`);
  }
  const cert = new x509.X509Certificate(certPem);
  const caCert = new x509.X509Certificate(ca);
  if (!await cert.verify({ publicKey: caCert.publicKey, signatureOnly: true })) {
    throw new Error(`The certificate "${certPath}" is not signed by the CA "${paths.caCert}"`);
  }
  if (cert.notAfter.getTime() <= Date.now()) {
    throw new Error(
      `The certificate "${certPath}" expired on ${cert.notAfter.toISOString()}; ` +
        "run: eyrie certs rotate",
    );
  }
  return {
    cert: certPem,
    key,
    ca,
    fingerprint256: await fingerprint256(cert.rawData),
    serial: normalizeSerial(cert.serialNumber),
  };
}

async function readCrl(paths: CertPaths): Promise<{ pem: string; list: RevocationList }> {
  const ca = new x509.X509Certificate(await readRequired(paths.caCert, "CA certificate"));
  const pem = await readRequired(paths.crl, "revocation list (run: eyrie certs init)");
  return { pem, list: await readRevocations(paths.dir, ca) };
}

/**
 * Loads the TLS identity of a server from the certs directory `dir`: its
 * certificate and key, the CA that client certificates must chain to, and the
 * CA-signed revocation list. Fails if any of them is missing, mismatched,
 * expired, not from this CA, or if the server's own certificate is revoked.
 */
export async function loadServerTls(dir: string, options: ServerTlsOptions): Promise<ServerTls> {
  validateName(options.name);
  const paths = certPaths(await Deno.realPath(dir));
  const credentials = await readCredentials(paths, options.name);
  const crl = await readCrl(paths);
  if (crl.list.has(credentials.serial)) {
    throw new RevokedCertificateError(credentials.serial, `server ${options.name}`);
  }
  return new ServerTls({ paths, credentials, crl, options });
}

/**
 * A server's TLS identity that stays current: {@linkcode attach} it to
 * node:tls / node:https servers and every new handshake uses the latest
 * certificate (`setSecureContext`, live connections untouched) and is checked
 * against the latest revocation list. Build it with {@linkcode loadServerTls}.
 */
export class ServerTls {
  #paths: CertPaths;
  #name: string;
  #clientAuth: ClientAuth;
  #credentials: Credentials;
  #crl: { pem: string; list: RevocationList };
  #onReload: (event: ReloadEvent) => void;
  #onError: (error: Error) => void;
  #servers = new Set<tls.Server>();
  /** Admitted sockets that presented a client certificate, by serial: dropped if it gets revoked. */
  #live = new Map<tls.TLSSocket, string>();
  #reloading: Promise<void> = Promise.resolve();
  #watcher: Deno.FsWatcher | undefined;
  #watchLoop: Promise<void> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  /** Use {@linkcode loadServerTls}. */
  constructor(
    state: {
      paths: CertPaths;
      credentials: Credentials;
      crl: { pem: string; list: RevocationList };
      options: ServerTlsOptions;
    },
  ) {
    this.#paths = state.paths;
    this.#name = state.options.name;
    this.#clientAuth = state.options.clientAuth ?? "require";
    this.#credentials = state.credentials;
    this.#crl = state.crl;
    this.#onReload = state.options.onReload ?? (() => {});
    this.#onError = state.options.onError ??
      ((error) => console.error(`eyrie certs: ${error.message}`));
  }

  /** Current options for `tls.createServer` / `https.createServer` / `setSecureContext`. */
  get options(): tls.TlsOptions {
    return serverOptions({ ...this.#credentials, crl: this.#crl.pem }, {
      clientAuth: this.#clientAuth,
    });
  }

  /** SHA-256 fingerprint of the certificate served now (what clients pin). */
  get fingerprint256(): string {
    return this.#credentials.fingerprint256;
  }

  /** True if `serial` is on the current revocation list. */
  isRevoked(serial: string): boolean {
    return this.#crl.list.has(serial);
  }

  /**
   * Guards `server` (built with {@linkcode options}): a prepended
   * `secureConnection` listener destroys the socket of a revoked (or, under
   * "require", unverified) client before the application sees it, and emits
   * `tlsClientError` with a {@linkcode RevokedCertificateError}. For
   * node:https the request listener never runs for such a socket; for a raw
   * tls.Server prefer {@linkcode createServer}.
   */
  attach(server: tls.Server): void {
    if (this.#servers.has(server)) return;
    this.#servers.add(server);
    server.once("close", () => this.#servers.delete(server));
    server.prependListener("secureConnection", (socket: tls.TLSSocket) => {
      const error = this.#check(socket);
      if (error === null) return;
      socket.destroy();
      server.emit("tlsClientError", error, socket);
    });
  }

  /** A guarded raw TLS server (e.g. for a video stream); `onConnection` only sees admitted sockets. */
  createServer(onConnection: (socket: tls.TLSSocket) => void): tls.Server {
    const server = tls.createServer(this.options);
    this.attach(server);
    server.on("secureConnection", (socket: tls.TLSSocket) => {
      if (!socket.destroyed) onConnection(socket);
    });
    return server;
  }

  /**
   * Re-reads certificate, key, CA and revocation list. A new certificate goes
   * to every attached server with `setSecureContext`; a new revocation list
   * also drops live connections of newly revoked clients. On failure the
   * previous state stays in force and the error is thrown.
   */
  reload(): Promise<void> {
    const next = this.#reloading.then(() => this.#reloadNow());
    this.#reloading = next.catch(() => {});
    return next;
  }

  /** Reloads by itself when `rotate`, `revoke` or `issue` change the files (Deno.watchFs). */
  watch(): void {
    if (this.#watcher || this.#closed) return;
    const relevant = new Set([
      this.#paths.caCert,
      this.#paths.crl,
      this.#paths.cert("server", this.#name),
      this.#paths.key("server", this.#name),
    ]);
    const watcher = Deno.watchFs(this.#paths.dir, { recursive: true });
    this.#watcher = watcher;
    this.#watchLoop = (async () => {
      for await (const event of watcher) {
        if (event.paths.some((path) => relevant.has(path))) this.#schedule(1);
      }
    })().catch((error) => this.#onError(error));
  }

  /** Stops watching and waits for a reload in flight. Attached servers keep running. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#watcher?.close();
    await this.#watchLoop;
    await this.#reloading;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #schedule(attempt: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#closed) return;
      this.reload().catch((error) => {
        if (attempt < RELOAD_ATTEMPTS && !this.#closed) this.#schedule(attempt + 1);
        else this.#onError(error);
      });
    }, RELOAD_DEBOUNCE_MS);
  }

  async #reloadNow(): Promise<void> {
    const credentials = await readCredentials(this.#paths, this.#name);
    const crl = await readCrl(this.#paths);
    if (credentials.fingerprint256 !== this.#credentials.fingerprint256) {
      this.#credentials = credentials;
      for (const server of this.#servers) server.setSecureContext(this.options);
      this.#onReload({
        kind: "certificate",
        fingerprint256: credentials.fingerprint256,
        serial: credentials.serial,
      });
    }
    if (crl.list.fingerprint256 !== this.#crl.list.fingerprint256) {
      this.#crl = crl;
      for (const server of this.#servers) server.setSecureContext(this.options);
      let dropped = 0;
      for (const [socket, serial] of this.#live) {
        if (!crl.list.has(serial)) continue;
        socket.destroy();
        this.#live.delete(socket);
        dropped++;
      }
      this.#onReload({ kind: "revocations", crlNumber: crl.list.number, dropped });
    }
  }

  /** Null if the socket may proceed, else why not. Tracks admitted client-certificate sockets. */
  #check(socket: tls.TLSSocket): Error | null {
    if (this.#clientAuth === "none") return null;
    const peer = socket.getPeerCertificate();
    if (!peer || !peer.fingerprint256) {
      return this.#clientAuth === "require"
        ? new Error("The client presented no certificate")
        : null;
    }
    if (!socket.authorized) {
      return this.#clientAuth === "require"
        ? new Error(`The client certificate did not verify: ${socket.authorizationError}`)
        : null;
    }
    const serial = normalizeSerial(peer.serialNumber);
    if (this.#crl.list.has(serial)) {
      const cn: string | string[] | undefined = peer.subject?.CN;
      return new RevokedCertificateError(serial, (Array.isArray(cn) ? cn[0] : cn) ?? "");
    }
    this.#live.set(socket, serial);
    socket.once("close", () => this.#live.delete(socket));
    return null;
  }
}
