import { x509 } from "./_x509.ts";

/** The key algorithms eyrie issues: Ed25519 (default) and ECDSA P-256. */
export type KeyAlgorithm = "ed25519" | "p256";

/** Every supported {@linkcode KeyAlgorithm}, default first. */
export const KEY_ALGORITHMS: readonly KeyAlgorithm[] = ["ed25519", "p256"];

const ED25519 = { name: "Ed25519" } as const;
const P256 = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

/** Parses a user-given algorithm name; throws a TypeError quoting anything else. */
export function parseKeyAlgorithm(value: string): KeyAlgorithm {
  const lower = value.toLowerCase();
  for (const alg of KEY_ALGORITHMS) if (alg === lower) return alg;
  throw new TypeError(
    `Unknown key algorithm "${value}": expected one of ${KEY_ALGORITHMS.join(", ")}`,
  );
}

/** The WebCrypto parameters that generate, import and sign with `alg`. */
export function webCryptoParams(alg: KeyAlgorithm): typeof ED25519 | typeof P256 {
  return alg === "ed25519" ? ED25519 : P256;
}

/** Generates an extractable key pair (it is written to disk once, then dropped). */
export async function generateKeyPair(alg: KeyAlgorithm): Promise<CryptoKeyPair> {
  const pair = await crypto.subtle.generateKey(webCryptoParams(alg), true, ["sign", "verify"]);
  return pair as CryptoKeyPair;
}

/** PKCS#8 PEM ("PRIVATE KEY"), the form node:tls, openssl and curl all read. */
export async function exportPrivateKeyPem(key: CryptoKey): Promise<string> {
  const der = await crypto.subtle.exportKey("pkcs8", key);
  return `${x509.PemConverter.encode(der, "PRIVATE KEY")}\n`;
}

/** Imports a PKCS#8 PEM private key for signing; throws a TypeError naming `source` if it cannot. */
export async function importPrivateKeyPem(
  pem: string,
  options: { algorithm: KeyAlgorithm; source: string },
): Promise<CryptoKey> {
  try {
    const der = x509.PemConverter.decodeFirst(pem);
    return await crypto.subtle.importKey(
      "pkcs8",
      der,
      webCryptoParams(options.algorithm),
      false,
      ["sign"],
    );
  } catch (cause) {
    throw new TypeError(
      `Cannot read the ${options.algorithm} private key in "${options.source}"`,
      { cause },
    );
  }
}

/** The {@linkcode KeyAlgorithm} of a certificate's public key; throws a TypeError for others. */
export function algorithmOf(cert: x509.X509Certificate): KeyAlgorithm {
  const alg = cert.publicKey.algorithm as { name: string; namedCurve?: string };
  if (alg.name === "Ed25519") return "ed25519";
  if (alg.name === "ECDSA" && alg.namedCurve === "P-256") return "p256";
  throw new TypeError(
    `Unsupported key algorithm "${alg.namedCurve ?? alg.name}" in certificate "${cert.subject}"`,
  );
}
