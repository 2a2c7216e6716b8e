import type { x509 } from "./_x509.ts";
import { readRequired, withLock, writeAtomic } from "./_fs.ts";
import {
  type RevocationReason,
  type RevokedEntry,
  signCrl,
  type VerifiedCrl,
  verifyCrl,
} from "./_crl.ts";
import { readStoredCerts, type StoredCert } from "./_inventory.ts";
import { loadCa, readCaCert } from "./ca.ts";
import { normalizeSerial } from "./fingerprint.ts";
import { type CertKind, certPaths } from "./layout.ts";

/** The revoked serials of an installation, from its CA-signed CRL. */
export interface RevocationList {
  readonly number: bigint;
  readonly entries: readonly RevokedEntry[];
  /** SHA-256 of the CRL's DER, to tell whether a reload changed anything. */
  readonly fingerprint256: string;
  /** True if `serial` (any hex spelling) is revoked. */
  has(serial: string): boolean;
}

/** What {@linkcode revokeCert} did. */
export interface RevokeResult {
  serial: string;
  kind: CertKind;
  name: string;
  reason: RevocationReason;
  /** True when the certificate was already on the list (nothing changed). */
  alreadyRevoked: boolean;
  crlNumber: bigint;
}

function toList(crl: VerifiedCrl): RevocationList {
  const serials = new Set(crl.entries.map((entry) => entry.serial));
  return {
    number: crl.number,
    entries: crl.entries,
    fingerprint256: crl.fingerprint256,
    has(serial: string): boolean {
      try {
        return serials.has(normalizeSerial(serial));
      } catch {
        return false;
      }
    },
  };
}

/** Reads `<dir>/ca.crl` against an already parsed CA certificate. */
export async function readRevocations(
  dir: string,
  caCert: x509.X509Certificate,
): Promise<RevocationList> {
  const path = certPaths(dir).crl;
  const pem = await readRequired(path, "revocation list (run: eyrie certs init)");
  return toList(await verifyCrl(pem, { caCert, source: path }));
}

/**
 * Loads the revocation list of the certs directory `dir`, refusing a CRL that
 * the installation's CA did not sign (a tampered list fails closed).
 */
export async function loadRevocations(dir: string): Promise<RevocationList> {
  const { cert } = await readCaCert(dir);
  return await readRevocations(dir, cert);
}

function resolve(stored: readonly StoredCert[], target: string, dir: string): StoredCert {
  let bySerial: StoredCert[] = [];
  try {
    const serial = normalizeSerial(target);
    bySerial = stored.filter((entry) => entry.serial === serial);
  } catch {
    // Not hex: it can only be a name.
  }
  const matches = bySerial.length > 0
    ? bySerial
    : stored.filter((entry) => entry.current && entry.name === target);
  if (matches.length === 0) {
    throw new Error(`No certificate in "${dir}" is named "${target}" or has that serial`);
  }
  if (matches.length > 1) {
    const which = matches.map((entry) => `${entry.kind} ${entry.serial}`).join(", ");
    throw new Error(
      `"${target}" matches ${matches.length} certificates (${which}); revoke by serial`,
    );
  }
  return matches[0];
}

/**
 * Revokes the certificate named `target` (a current server or client
 * certificate) or with serial `target` (also an archived one): the CA signs a
 * new `ca.crl` with the next CRL number. Revoking twice changes nothing.
 */
export async function revokeCert(
  dir: string,
  target: string,
  options: { reason?: RevocationReason; now?: Date } = {},
): Promise<RevokeResult> {
  return await withLock(dir, async () => {
    const ca = await loadCa(dir);
    const found = resolve(await readStoredCerts(ca.paths), target, dir);
    const pem = await readRequired(ca.paths.crl, "revocation list (run: eyrie certs init)");
    const crl = await verifyCrl(pem, { caCert: ca.cert, source: ca.paths.crl });
    const existing = crl.entries.find((entry) => entry.serial === found.serial);
    const base = { serial: found.serial, kind: found.kind, name: found.name };
    if (existing) {
      return { ...base, reason: existing.reason, alreadyRevoked: true, crlNumber: crl.number };
    }
    const reason = options.reason ?? "cessationOfOperation";
    const now = options.now ?? new Date();
    const entries = [...crl.entries, { serial: found.serial, date: now, reason }];
    const number = crl.number + 1n;
    await writeAtomic(ca.paths.crl, await signCrl(ca, { entries, number, now }));
    return { ...base, reason, alreadyRevoked: false, crlNumber: number };
  });
}
