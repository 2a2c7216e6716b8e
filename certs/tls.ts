import tls from "node:tls";
import { PinMismatchError, RevokedCertificateError } from "./errors.ts";
import { normalizeFingerprint, normalizeSerial } from "./fingerprint.ts";

/** eyrie speaks TLS 1.3 only, in both directions. */
export const TLS_VERSION = "TLSv1.3";

/**
 * Client certificates on a server: `require` (mutual TLS; the handshake fails
 * without a valid certificate from the CA), `request` (ask, but let the
 * application decide using `socket.authorized`), `none` (do not ask).
 */
export type ClientAuth = "require" | "request" | "none";

/** PEM material of a server. */
export interface ServerMaterial {
  cert: string;
  key: string;
  /** CA(s) that client certificates must chain to. */
  ca: string | string[];
  /** PEM CRL. Passed to node:tls for Node; Deno ignores it (measured), hence the guard in server_tls.ts. */
  crl?: string;
}

/** PEM material of a client. */
export interface ClientMaterial {
  /** CA(s) the server certificate must chain to. */
  ca: string | string[];
  /** Client certificate and key, for servers that require one; both or neither. */
  cert?: string;
  key?: string;
}

/** Checks a client applies to the server's certificate, on top of the CA chain. */
export interface ServerChecks {
  /** Accepted SHA-256 fingerprints; when non-empty, any other certificate is refused. */
  pins?: readonly string[];
  /** Refuse a server certificate whose serial this returns true for. */
  isRevoked?: (serial: string) => boolean;
  /** Check the host name against the SANs (default true); only a pinned client may turn it off. */
  checkHostname?: boolean;
  /** SNI and the name checked, when it differs from the host connected to. */
  servername?: string;
}

/** Options for `tls.createServer` / `https.createServer`: TLS 1.3 only, client certificates per `clientAuth` (default "require"). */
export function serverOptions(
  material: ServerMaterial,
  options: { clientAuth?: ClientAuth } = {},
): tls.TlsOptions {
  const clientAuth = options.clientAuth ?? "require";
  return {
    cert: material.cert,
    key: material.key,
    ca: material.ca,
    ...(material.crl === undefined ? {} : { crl: material.crl }),
    minVersion: TLS_VERSION,
    maxVersion: TLS_VERSION,
    requestCert: clientAuth !== "none",
    rejectUnauthorized: clientAuth === "require",
  };
}

/**
 * Options for `tls.connect` / `https.request`: TLS 1.3 only, the server must
 * chain to `material.ca`, and then pass {@linkcode ServerChecks} in
 * `checkServerIdentity` — a pinned client refuses any other certificate even
 * when the CA would accept it.
 */
export function clientOptions(
  material: ClientMaterial,
  checks: ServerChecks = {},
): tls.ConnectionOptions {
  if ((material.cert === undefined) !== (material.key === undefined)) {
    throw new TypeError("A client certificate needs its key, and a key its certificate");
  }
  const pins = (checks.pins ?? []).map(normalizeFingerprint);
  const checkHostname = checks.checkHostname ?? true;
  if (!checkHostname && pins.length === 0) {
    throw new TypeError("Turning the host name check off needs at least one pin");
  }
  return {
    ca: material.ca,
    ...(material.cert === undefined ? {} : { cert: material.cert, key: material.key }),
    ...(checks.servername === undefined ? {} : { servername: checks.servername }),
    minVersion: TLS_VERSION,
    maxVersion: TLS_VERSION,
    rejectUnauthorized: true,
    checkServerIdentity(host: string, cert: tls.PeerCertificate): Error | undefined {
      if (checkHostname) {
        const error = tls.checkServerIdentity(host, cert);
        if (error) return error;
      }
      if (pins.length > 0 && !pins.includes(cert.fingerprint256)) {
        return new PinMismatchError(cert.fingerprint256, pins);
      }
      if (checks.isRevoked?.(cert.serialNumber)) {
        return new RevokedCertificateError(normalizeSerial(cert.serialNumber), subjectCn(cert));
      }
      return undefined;
    },
  };
}

/** Who is on the other end of an authenticated TLS socket. */
export interface PeerIdentity {
  /** Common name; for a client certificate, the user name. */
  cn: string;
  /** "DNS:name" / "IP:address", as `eyrie certs list` prints them. */
  sans: string[];
  fingerprint256: string;
  /** Upper-case hex, no leading zeros. */
  serial: string;
  notAfter: Date;
}

function subjectCn(cert: tls.PeerCertificate): string {
  const cn: string | string[] | undefined = cert.subject?.CN;
  return (Array.isArray(cn) ? cn[0] : cn) ?? "";
}

function parseAltNames(text: string | undefined): string[] {
  if (!text) return [];
  return text.split(", ").map((item) => item.replace(/^IP Address:/, "IP:"));
}

/**
 * The identity of the peer of `socket`, or null if it presented no
 * certificate or one that did not verify against the CA (`socket.authorized`
 * is false, possible with `clientAuth: "request"`).
 */
export function peerIdentity(socket: tls.TLSSocket): PeerIdentity | null {
  if (!socket.authorized) return null;
  const cert = socket.getPeerCertificate();
  if (!cert || !cert.fingerprint256) return null;
  return {
    cn: subjectCn(cert),
    sans: parseAltNames(cert.subjectaltname),
    fingerprint256: cert.fingerprint256,
    serial: normalizeSerial(cert.serialNumber),
    notAfter: new Date(cert.valid_to),
  };
}
