import { withLock, writeAtomic } from "./_fs.ts";
import { readStoredCerts, type StoredCert } from "./_inventory.ts";
import { createLeaf } from "./_leaf.ts";
import { loadCa, type LoadedCa } from "./ca.ts";
import { fingerprint256, normalizeSerial } from "./fingerprint.ts";
import { type CertKind, parseCertKind, validateName } from "./layout.ts";
import { readRevocations } from "./revoke.ts";
import { defaultServerSans, formatSan, parseSan, type San, uniqueSans } from "./sans.ts";
import { DEFAULT_LEAF_DAYS, validityWindow } from "./validity.ts";

/** What to issue. */
export interface IssueRequest {
  kind: CertKind;
  /** File name and common name; for a client, the user name it maps to. */
  name: string;
  /** Extra SANs: DNS names or IPs. */
  sans?: readonly string[];
  /** Add {@linkcode defaultServerSans}; default true for servers, false for clients. */
  defaultSans?: boolean;
  /** Default {@linkcode DEFAULT_LEAF_DAYS}; never past the CA's own expiry. */
  days?: number;
  /** Default: now minus the clock-skew allowance. */
  notBefore?: Date;
  now?: Date;
}

/** A certificate that was issued and written. */
export interface IssuedCert {
  kind: CertKind;
  name: string;
  subject: string;
  serial: string;
  sans: string[];
  notBefore: Date;
  notAfter: Date;
  fingerprint256: string;
  certPath: string;
  keyPath: string;
  /** Serial of the certificate this one replaced (now in archive/). */
  replacedSerial?: string;
}

/** Thrown by {@linkcode issueCert} when a usable certificate of that kind and name exists. */
export class CertExistsError extends Error {
  override name = "CertExistsError";
  readonly kind: CertKind;
  readonly certName: string;
  readonly serial: string;
  constructor(kind: CertKind, certName: string, serial: string, notAfter: Date) {
    super(
      `A ${kind} certificate named "${certName}" already exists (serial ${serial}, valid until ` +
        `${notAfter.toISOString()}); revoke it first${kind === "server" ? ", or rotate it" : ""}`,
    );
    this.kind = kind;
    this.certName = certName;
    this.serial = serial;
  }
}

/** The serials a CA has used: its own and every stored certificate's. */
export function takenSerials(ca: LoadedCa, stored: readonly StoredCert[]): Set<string> {
  return new Set([normalizeSerial(ca.cert.serialNumber), ...stored.map((entry) => entry.serial)]);
}

/**
 * Signs and installs a leaf; moves a current one of the same kind and name to
 * archive/; adds the new serial to `taken`. The caller holds the lock.
 */
export async function installLeaf(
  ca: LoadedCa,
  state: { stored: readonly StoredCert[]; taken: Set<string> },
  request: { kind: CertKind; name: string; sans: readonly San[]; notBefore: Date; notAfter: Date },
): Promise<IssuedCert> {
  const notAfter = request.notAfter > ca.cert.notAfter ? ca.cert.notAfter : request.notAfter;
  const leaf = await createLeaf(ca, { ...request, notAfter, taken: state.taken });
  const serial = normalizeSerial(leaf.cert.serialNumber);
  state.taken.add(serial);

  const certPath = ca.paths.cert(request.kind, request.name);
  const keyPath = ca.paths.key(request.kind, request.name);
  const previous = state.stored.find((entry) =>
    entry.current && entry.kind === request.kind && entry.name === request.name
  );
  if (previous) {
    await writeAtomic(
      ca.paths.archived(previous.serial),
      `${previous.cert.toString("pem")}\n`,
    );
  }
  // Key first, then certificate: a reader that sees the new certificate also
  // finds its key (readers check the pair and retry, see server_tls.ts).
  await writeAtomic(keyPath, leaf.keyPem);
  await writeAtomic(certPath, leaf.certPem);
  return {
    kind: request.kind,
    name: request.name,
    subject: leaf.cert.subject,
    serial,
    sans: request.sans.map(formatSan),
    notBefore: leaf.cert.notBefore,
    notAfter: leaf.cert.notAfter,
    fingerprint256: await fingerprint256(leaf.cert.rawData),
    certPath,
    keyPath,
    replacedSerial: previous?.serial,
  };
}

/**
 * Issues a server or client certificate signed by the CA in `dir` and writes
 * `<kind>/<name>.crt` and `<kind>/<name>.key` (0600). Refuses, changing
 * nothing, when a certificate of that kind and name exists that is neither
 * revoked nor expired; a revoked or expired one is moved to archive/.
 */
export async function issueCert(dir: string, request: IssueRequest): Promise<IssuedCert> {
  const kind = parseCertKind(request.kind);
  const name = validateName(request.name);
  const extra = (request.sans ?? []).map(parseSan);
  const withDefaults = request.defaultSans ?? kind === "server";
  const sans = uniqueSans([...(withDefaults ? defaultServerSans() : []), ...extra]);
  const now = request.now ?? new Date();
  const window = validityWindow(request.days ?? DEFAULT_LEAF_DAYS, {
    now,
    notBefore: request.notBefore,
  });
  return await withLock(dir, async () => {
    const ca = await loadCa(dir);
    const stored = await readStoredCerts(ca.paths);
    const existing = stored.find((entry) =>
      entry.current && entry.kind === kind && entry.name === name
    );
    if (existing && existing.cert.notAfter > now) {
      const revoked = await readRevocations(dir, ca.cert);
      if (!revoked.has(existing.serial)) {
        throw new CertExistsError(kind, name, existing.serial, existing.cert.notAfter);
      }
    }
    const state = { stored, taken: takenSerials(ca, stored) };
    return await installLeaf(ca, state, { kind, name, sans, ...window });
  });
}
