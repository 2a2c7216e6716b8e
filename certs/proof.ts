/**
 * Proof of identity inside a connection, for transports whose TLS stack
 * cannot ask for client certificates (Deno's QUIC endpoint): each side sends
 * its certificate and signs a transcript with the certificate's key, and the
 * other side checks the certificate against the CA, the pins and the
 * revocation list the way node:tls and {@linkcode clientOptions} do. What such
 * a signature binds depends on the transcript the caller builds: see
 * transports/quic/transcript.ts and docs/security.md.
 *
 * @module
 */
import { exists, readRequired } from "./_fs.ts";
import { keyMatchesCert } from "./_pair.ts";
import { x509 } from "./_x509.ts";
import { readCaCert } from "./ca.ts";
import { PinMismatchError, RevokedCertificateError } from "./errors.ts";
import { fingerprint256, normalizeFingerprint, normalizeSerial } from "./fingerprint.ts";
import { algorithmOf, importPrivateKeyPem, type KeyAlgorithm, webCryptoParams } from "./keys.ts";
import { type CertKind, certPaths, validateName } from "./layout.ts";
import { readPins } from "./pins.ts";
import { readRevocations } from "./revoke.ts";
import type { PeerIdentity } from "./tls.ts";

/** A certificate of this installation and the means to sign with its key. */
export interface Identity {
  /** The certificate, DER. */
  der: Uint8Array;
  /** PEM, for APIs that take it (Deno's QUIC listener). */
  certPem: string;
  keyPem: string;
  fingerprint256: string;
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** A peer's certificate that passed every check, and its key for verifying signatures. */
export interface VerifiedPeer extends PeerIdentity {
  der: Uint8Array;
  /** True if `signature` is the peer's over `data`. */
  verify(data: Uint8Array, signature: Uint8Array): Promise<boolean>;
}

/** What a peer's certificate must satisfy besides chaining to this installation's CA. */
export interface PeerChecks {
  /** The certificate's role: its extended key usage must be serverAuth or clientAuth. */
  kind: CertKind;
  /** Pins of `remote` (`eyrie certs pin --accept FP --name REMOTE`) are required to match. */
  remote?: string;
  /** More accepted fingerprints. */
  pins?: readonly string[];
  /** More CAs (PEM) the certificate may chain to, e.g. a remote installation's. */
  extraCa?: readonly string[];
  /** Default now. */
  now?: Date;
}

function signParams(alg: KeyAlgorithm): AlgorithmIdentifier | EcdsaParams {
  return alg === "ed25519" ? { name: "Ed25519" } : { name: "ECDSA", hash: "SHA-256" };
}

/** Loads `<dir>/<kind>/<name>.crt` and its key. */
export async function loadIdentity(dir: string, kind: CertKind, name: string): Promise<Identity> {
  const paths = certPaths(dir);
  validateName(name);
  const certPath = paths.cert(kind, name);
  const keyPath = paths.key(kind, name);
  const certPem = await readRequired(certPath, `${kind} certificate "${name}"`);
  const keyPem = await readRequired(keyPath, `${kind} key "${name}"`);
  if (!keyMatchesCert(certPem, keyPem)) {
    throw new Error(`The key "${keyPath}" does not belong to "${certPath}"`);
  }
  const cert = new x509.X509Certificate(certPem);
  const algorithm = algorithmOf(cert);
  const key = await importPrivateKeyPem(keyPem, { algorithm, source: keyPath });
  const der = new Uint8Array(cert.rawData);
  return {
    der,
    certPem,
    keyPem,
    fingerprint256: await fingerprint256(der),
    sign: async (data) =>
      new Uint8Array(await crypto.subtle.sign(signParams(algorithm), key, data as BufferSource)),
  };
}

function usageOf(kind: CertKind): string {
  return kind === "server" ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth;
}

/**
 * Checks a peer's DER certificate: it parses, is valid now, is signed by this
 * installation's CA (in `dir`) or one of `extraCa`, has the extended key usage
 * of `kind`, is not on the revocation list, and matches a pin when pins are
 * given. Throws an Error that names the failed check and the certificate.
 */
export async function verifyPeerCertificate(
  dir: string,
  der: Uint8Array,
  checks: PeerChecks,
): Promise<VerifiedPeer> {
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(der as BufferSource);
  } catch {
    throw new Error(`The peer sent a ${checks.kind} certificate that does not parse`);
  }
  const subject = cert.subject;
  const now = checks.now ?? new Date();
  if (now < cert.notBefore || now > cert.notAfter) {
    throw new Error(
      `The certificate "${subject}" is not valid now (${cert.notBefore.toISOString()} to ${cert.notAfter.toISOString()})`,
    );
  }
  const ca = await readCaCert(dir);
  const cas = [ca.cert, ...(checks.extraCa ?? []).map((pem) => new x509.X509Certificate(pem))];
  let signed = false;
  for (const issuer of cas) {
    if (await cert.verify({ publicKey: issuer, signatureOnly: true }).catch(() => false)) {
      signed = true;
      break;
    }
  }
  if (!signed) throw new Error(`The certificate "${subject}" is not signed by a trusted eyrie CA`);
  const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
  if (eku === null || !eku.usages.includes(usageOf(checks.kind))) {
    throw new Error(`The certificate "${subject}" is not a ${checks.kind} certificate`);
  }
  const serial = normalizeSerial(cert.serialNumber);
  if (await exists(certPaths(dir).crl)) {
    const revocations = await readRevocations(dir, ca.cert);
    if (revocations.has(serial)) throw new RevokedCertificateError(serial, subject);
  }
  const fp = await fingerprint256(der as BufferSource);
  const pins = (checks.pins ?? []).map(normalizeFingerprint);
  if (checks.remote !== undefined) {
    const accepted = (await readPins(dir)).get(validateName(checks.remote));
    if (!accepted || accepted.length === 0) {
      throw new Error(
        `No pin accepted for the remote "${checks.remote}" in "${certPaths(dir).pins}"`,
      );
    }
    pins.push(...accepted.map(normalizeFingerprint));
  }
  if ((checks.remote !== undefined || pins.length > 0) && !pins.includes(fp)) {
    throw new PinMismatchError(fp, pins);
  }
  const algorithm = algorithmOf(cert);
  const publicKey = await cert.publicKey.export(webCryptoParams(algorithm), ["verify"]);
  const cn = /(?:^|,\s*)CN=([^,]+)/.exec(subject)?.[1] ?? "";
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  return {
    cn,
    sans: (san?.names.items ?? []).map((n) => `${n.type === "ip" ? "IP" : "DNS"}:${n.value}`),
    fingerprint256: fp,
    serial,
    notAfter: cert.notAfter,
    der,
    verify: (data, signature) =>
      crypto.subtle.verify(
        signParams(algorithm),
        publicKey,
        signature as BufferSource,
        data as BufferSource,
      ),
  };
}
