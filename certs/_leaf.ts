import { x509 } from "./_x509.ts";
import type { LoadedCa } from "./ca.ts";
import { exportPrivateKeyPem, generateKeyPair, webCryptoParams } from "./keys.ts";
import type { CertKind } from "./layout.ts";
import { randomSerial } from "./_serial.ts";
import type { San } from "./sans.ts";

/** A signed leaf certificate and its key, not yet on disk. */
export interface Leaf {
  cert: x509.X509Certificate;
  certPem: string;
  keyPem: string;
}

/** What a leaf needs; validated by the caller. */
export interface LeafRequest {
  kind: CertKind;
  name: string;
  sans: readonly San[];
  notBefore: Date;
  notAfter: Date;
  /** Serials already used by this CA (normalised), so the new one is unique. */
  taken: ReadonlySet<string>;
}

/**
 * Signs a leaf with the CA, using the CA's algorithm. Key usage is
 * digitalSignature only: TLS 1.3 with Ed25519/ECDSA keys never encrypts with
 * the certificate key. The extended key usage is serverAuth or clientAuth,
 * so a server certificate cannot log in as a client and the other way round.
 */
export async function createLeaf(ca: LoadedCa, request: LeafRequest): Promise<Leaf> {
  const keys = await generateKeyPair(ca.algorithm);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([
      request.kind === "server"
        ? x509.ExtendedKeyUsage.serverAuth
        : x509.ExtendedKeyUsage.clientAuth,
    ]),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey),
  ];
  if (request.sans.length > 0) {
    extensions.push(new x509.SubjectAlternativeNameExtension(request.sans.map((san) => san)));
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(request.taken),
    subject: [{ O: ["eyrie"] }, { CN: [request.name] }],
    issuer: ca.cert.subjectName,
    notBefore: request.notBefore,
    notAfter: request.notAfter,
    signingAlgorithm: webCryptoParams(ca.algorithm),
    publicKey: keys.publicKey,
    signingKey: ca.key,
    extensions,
  });
  return {
    cert,
    certPem: `${cert.toString("pem")}\n`,
    keyPem: await exportPrivateKeyPem(keys.privateKey),
  };
}
