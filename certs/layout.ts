import { join } from "node:path";

/** The kinds of leaf certificate eyrie issues. */
export type CertKind = "server" | "client";

/** Both {@linkcode CertKind}s. */
export const CERT_KINDS: readonly CertKind[] = ["server", "client"];

/**
 * Certificate names become file names and (for clients) user names, so they
 * are kept to a portable, shell-safe alphabet; 64 is the X.520 upper bound
 * for a common name.
 */
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Where everything lives in a certs directory:
 *
 * ```
 * <dir>/            0700, every folder 0700 and every file 0600
 *   ca.crt ca.key   the installation's CA
 *   ca.crl          X.509 CRL signed by the CA, checked on every handshake
 *   pins.json       accepted SHA-256 fingerprints of remote servers
 *   server/NAME.crt server/NAME.key
 *   client/NAME.crt client/NAME.key
 *   archive/SERIAL.crt   replaced certificates (public part only)
 * ```
 */
export interface CertPaths {
  readonly dir: string;
  readonly caCert: string;
  readonly caKey: string;
  readonly crl: string;
  readonly pins: string;
  readonly archive: string;
  /** The folder of one kind of leaf. */
  kindDir(kind: CertKind): string;
  cert(kind: CertKind, name: string): string;
  key(kind: CertKind, name: string): string;
  archived(serial: string): string;
}

/** The {@linkcode CertPaths} of a certs directory. */
export function certPaths(dir: string): CertPaths {
  return {
    dir,
    caCert: join(dir, "ca.crt"),
    caKey: join(dir, "ca.key"),
    crl: join(dir, "ca.crl"),
    pins: join(dir, "pins.json"),
    archive: join(dir, "archive"),
    kindDir: (kind) => join(dir, kind),
    cert: (kind, name) => join(dir, kind, `${validateName(name)}.crt`),
    key: (kind, name) => join(dir, kind, `${validateName(name)}.key`),
    archived: (serial) => join(dir, "archive", `${serial}.crt`),
  };
}

/** Returns `name` if it is a valid certificate name; throws a TypeError quoting it otherwise. */
export function validateName(name: string): string {
  if (!NAME_PATTERN.test(name)) {
    throw new TypeError(
      `Invalid certificate name "${name}": use 1-64 letters, digits, ".", "_" or "-", ` +
        "starting with a letter or digit",
    );
  }
  return name;
}

/** Parses a user-given kind; throws a TypeError quoting anything else. */
export function parseCertKind(value: string): CertKind {
  for (const kind of CERT_KINDS) if (kind === value) return kind;
  throw new TypeError(`Unknown certificate kind "${value}": expected server or client`);
}
