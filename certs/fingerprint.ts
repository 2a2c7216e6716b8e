/** Length of a SHA-256 digest in hex digits. */
const SHA256_HEX_DIGITS = 64;

/** Formats bytes as upper-case hex pairs joined by colons: the form of openssl and node:tls. */
export function colonHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0").toUpperCase()).join(":");
}

/**
 * The SHA-256 fingerprint of a DER certificate, as `openssl x509 -fingerprint
 * -sha256` and `getPeerCertificate().fingerprint256` print it.
 */
export async function fingerprint256(der: BufferSource): Promise<string> {
  return colonHex(new Uint8Array(await crypto.subtle.digest("SHA-256", der)));
}

/**
 * Normalises a user-given SHA-256 fingerprint (any case, with or without
 * colons or spaces, optional "sha256:" / "SHA256 Fingerprint=" prefix) to
 * the colon form. Throws a TypeError quoting anything else.
 */
export function normalizeFingerprint(value: string): string {
  const hex = value.trim().replace(/^sha-?256( fingerprint)?[:=]?\s*/i, "").replace(/[:\s]/g, "");
  if (hex.length !== SHA256_HEX_DIGITS || !/^[0-9a-f]+$/i.test(hex)) {
    throw new TypeError(
      `Invalid SHA-256 fingerprint "${value}": expected 64 hex digits, colons optional`,
    );
  }
  return colonHex(Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16)));
}

/**
 * Normalises a certificate serial number to upper-case hex without leading
 * zeros, so @peculiar/x509 ("0a1b…"), node:tls ("A1B…") and users agree.
 * Throws a TypeError quoting anything that is not hex.
 */
export function normalizeSerial(value: string): string {
  const hex = value.trim().replace(/:/g, "");
  if (hex.length === 0 || !/^[0-9a-f]+$/i.test(hex)) {
    throw new TypeError(`Invalid serial number "${value}": expected hex digits`);
  }
  return hex.replace(/^0+(?=.)/, "").toUpperCase();
}
