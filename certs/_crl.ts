import { x509 } from "./_x509.ts";
import { decodeCrlNumber, encodeCrlNumber } from "./_der.ts";
import { fingerprint256, normalizeSerial } from "./fingerprint.ts";
import { type KeyAlgorithm, webCryptoParams } from "./keys.ts";

const CRL_NUMBER_OID = "2.5.29.20";
/** OpenSSL only reads a PEM CRL under this label; @peculiar/x509 writes "CRL". */
const CRL_PEM_LABEL = "X509 CRL";

/** Why a certificate was revoked (RFC 5280 §5.3.1 reason codes that apply here). */
export type RevocationReason =
  | "keyCompromise"
  | "affiliationChanged"
  | "superseded"
  | "cessationOfOperation"
  | "privilegeWithdrawn";

/** Every {@linkcode RevocationReason}. */
export const REVOCATION_REASONS: readonly RevocationReason[] = [
  "keyCompromise",
  "affiliationChanged",
  "superseded",
  "cessationOfOperation",
  "privilegeWithdrawn",
];

/** One revoked serial. */
export interface RevokedEntry {
  /** Normalised serial (upper-case hex, no leading zeros). */
  serial: string;
  date: Date;
  reason: RevocationReason;
}

/** A parsed CRL whose signature was checked against the CA. */
export interface VerifiedCrl {
  number: bigint;
  thisUpdate: Date;
  entries: RevokedEntry[];
  fingerprint256: string;
}

/** The signing part of a CA, as {@linkcode signCrl} needs it. */
export interface CrlSigner {
  cert: x509.X509Certificate;
  key: CryptoKey;
  algorithm: KeyAlgorithm;
}

function reasonName(code: x509.X509CrlReason | undefined): RevocationReason {
  for (const name of REVOCATION_REASONS) if (x509.X509CrlReason[name] === code) return name;
  // Our CRLs always carry a reason (see signCrl); a foreign entry without one counts as this.
  return "cessationOfOperation";
}

/**
 * Signs a CRL listing `entries`, numbered `number`, valid until the CA expires.
 *
 * Every entry carries a reason code: @peculiar/x509 2.2.0 writes an empty
 * crlEntryExtensions SEQUENCE for an entry without one, which DER forbids
 * (SIZE (1..MAX)) and OpenSSL refuses to load.
 */
export async function signCrl(
  ca: CrlSigner,
  options: { entries: readonly RevokedEntry[]; number: bigint; now?: Date },
): Promise<string> {
  const crl = await x509.X509CrlGenerator.create({
    issuer: ca.cert.subjectName,
    thisUpdate: options.now ?? new Date(),
    nextUpdate: ca.cert.notAfter,
    signingAlgorithm: webCryptoParams(ca.algorithm),
    signingKey: ca.key,
    extensions: [
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey),
      new x509.Extension(CRL_NUMBER_OID, false, encodeCrlNumber(options.number)),
    ],
    entries: options.entries.map((entry) => ({
      // Normalised serials drop leading zeros; DER wants whole octets back.
      serialNumber: entry.serial.length % 2 === 1 ? `0${entry.serial}` : entry.serial,
      revocationDate: entry.date,
      reason: x509.X509CrlReason[entry.reason],
    })),
  });
  return `${x509.PemConverter.encode(crl.rawData, CRL_PEM_LABEL)}\n`;
}

/** Parses a CRL and checks that `caCert` issued and signed it; throws an Error naming `source` otherwise. */
export async function verifyCrl(
  pem: string,
  options: { caCert: x509.X509Certificate; source: string },
): Promise<VerifiedCrl> {
  let crl: x509.X509Crl;
  try {
    crl = new x509.X509Crl(pem);
  } catch (cause) {
    throw new Error(`Cannot parse the revocation list "${options.source}"`, { cause });
  }
  const signed = crl.issuer === options.caCert.subject &&
    await crl.verify({ publicKey: options.caCert }).catch(() => false);
  if (!signed) {
    throw new Error(`The revocation list "${options.source}" is not signed by this CA`);
  }
  const numberExt = crl.getExtension(CRL_NUMBER_OID);
  return {
    number: numberExt ? decodeCrlNumber(new Uint8Array(numberExt.value)) : 0n,
    thisUpdate: crl.thisUpdate,
    entries: crl.entries.map((entry) => ({
      serial: normalizeSerial(entry.serialNumber),
      date: entry.revocationDate,
      reason: reasonName(entry.reason),
    })),
    fingerprint256: await fingerprint256(crl.rawData),
  };
}
