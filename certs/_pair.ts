import { createPrivateKey, X509Certificate } from "node:crypto";

/** True when the PEM private key belongs to the PEM certificate. */
export function keyMatchesCert(certPem: string, keyPem: string): boolean {
  try {
    return new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}
