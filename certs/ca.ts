import { hostname } from "node:os";
import { x509 } from "./_x509.ts";
import { ensureDir, exists, readRequired, writeAtomic } from "./_fs.ts";
import { signCrl } from "./_crl.ts";
import { keyMatchesCert } from "./_pair.ts";
import { randomSerial } from "./_serial.ts";
import { fingerprint256, normalizeSerial } from "./fingerprint.ts";
import {
  algorithmOf,
  exportPrivateKeyPem,
  generateKeyPair,
  importPrivateKeyPem,
  type KeyAlgorithm,
  parseKeyAlgorithm,
  webCryptoParams,
} from "./keys.ts";
import { type CertPaths, certPaths } from "./layout.ts";
import { DEFAULT_CA_DAYS, validityWindow } from "./validity.ts";

/** A CA common name is at most 64 characters (X.520 ub-common-name). */
const MAX_CA_NAME = 64;

/** Options of {@linkcode initCa}. */
export interface InitCaOptions {
  /** The certs directory, e.g. `<dataDir>/certs`. */
  dir: string;
  /** Default "ed25519". */
  algorithm?: KeyAlgorithm;
  /** Common name; default "eyrie CA <hostname>". */
  name?: string;
  /** Default {@linkcode DEFAULT_CA_DAYS}. */
  validityDays?: number;
  /** Replace an existing CA; the old directory is kept aside, never deleted. */
  force?: boolean;
  now?: Date;
}

/** What {@linkcode initCa} created. */
export interface CaInfo {
  subject: string;
  serial: string;
  algorithm: KeyAlgorithm;
  notBefore: Date;
  notAfter: Date;
  fingerprint256: string;
  certPath: string;
  /** Where the replaced certs directory was moved, when `force` replaced one. */
  replacedDir?: string;
}

/** A loaded CA, able to sign. Internal to certs/. */
export interface LoadedCa {
  paths: CertPaths;
  cert: x509.X509Certificate;
  certPem: string;
  key: CryptoKey;
  algorithm: KeyAlgorithm;
}

/** Thrown by {@linkcode initCa} when a CA exists and `force` is not set. */
export class CaExistsError extends Error {
  override name = "CaExistsError";
  readonly dir: string;
  constructor(dir: string) {
    super(`A CA already exists in "${dir}"; use --force to replace it (the old one is kept aside)`);
    this.dir = dir;
  }
}

function validateCaName(name: string): string {
  const printable = [...name].every((ch) => ch.charCodeAt(0) >= 0x20 && ch !== "\u007f");
  if (name.trim() === "" || name.length > MAX_CA_NAME || !printable) {
    throw new TypeError(
      `Invalid CA name "${name}": expected 1-${MAX_CA_NAME} printable characters`,
    );
  }
  return name;
}

/**
 * Creates the installation's CA in `dir`: `ca.key`, `ca.crt` and an empty
 * signed `ca.crl` (each 0600), the directory 0700. Refuses to touch an existing CA
 * unless `force`; then the whole old directory is renamed to
 * `<dir>.replaced-<time>` first, so nothing is lost.
 */
export async function initCa(options: InitCaOptions): Promise<CaInfo> {
  const paths = certPaths(options.dir);
  const algorithm = parseKeyAlgorithm(options.algorithm ?? "ed25519");
  const name = validateCaName(options.name ?? `eyrie CA ${hostname()}`);
  const now = options.now ?? new Date();
  const { notBefore, notAfter } = validityWindow(options.validityDays ?? DEFAULT_CA_DAYS, { now });

  // Everything is built in memory before the first byte is written.
  const keys = await generateKeyPair(algorithm);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: [{ O: ["eyrie"] }, { CN: [name] }],
    notBefore,
    notAfter,
    signingAlgorithm: webCryptoParams(algorithm),
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const keyPem = await exportPrivateKeyPem(keys.privateKey);
  const crlPem = await signCrl(
    { cert, key: keys.privateKey, algorithm },
    { entries: [], number: 1n, now },
  );

  let replacedDir: string | undefined;
  if (await exists(paths.caCert) || await exists(paths.caKey)) {
    if (!options.force) throw new CaExistsError(options.dir);
    replacedDir = `${options.dir}.replaced-${now.toISOString().replace(/[:.]/g, "-")}`;
    await Deno.rename(options.dir, replacedDir);
  }
  await ensureDir(options.dir);
  await writeAtomic(paths.caKey, keyPem);
  await writeAtomic(paths.caCert, `${cert.toString("pem")}\n`);
  await writeAtomic(paths.crl, crlPem);
  return {
    subject: cert.subject,
    serial: normalizeSerial(cert.serialNumber),
    algorithm,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    fingerprint256: await fingerprint256(cert.rawData),
    certPath: paths.caCert,
    replacedDir,
  };
}

/** Reads and parses `ca.crt`; throws an Error that says to run `eyrie certs init` if it is missing. */
export async function readCaCert(
  dir: string,
): Promise<{ cert: x509.X509Certificate; pem: string }> {
  const paths = certPaths(dir);
  const pem = await readRequired(paths.caCert, "CA certificate (run: eyrie certs init)");
  try {
    return { cert: new x509.X509Certificate(pem), pem };
  } catch (cause) {
    throw new Error(`Cannot parse the CA certificate "${paths.caCert}"`, { cause });
  }
}

/** Loads the CA with its key, checking that they belong together. */
export async function loadCa(dir: string): Promise<LoadedCa> {
  const paths = certPaths(dir);
  const { cert, pem } = await readCaCert(dir);
  const keyPem = await readRequired(paths.caKey, "CA private key");
  if (!keyMatchesCert(pem, keyPem)) {
    throw new Error(`The CA key "${paths.caKey}" does not belong to "${paths.caCert}"`);
  }
  const algorithm = algorithmOf(cert);
  const key = await importPrivateKeyPem(keyPem, { algorithm, source: paths.caKey });
  return { paths, cert, certPem: pem, key, algorithm };
}
