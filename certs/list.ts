import { readStoredCerts } from "./_inventory.ts";
import { readCaCert } from "./ca.ts";
import { fingerprint256, normalizeSerial } from "./fingerprint.ts";
import { certPaths } from "./layout.ts";
import { readRevocations } from "./revoke.ts";
import { formatSan, type San } from "./sans.ts";
import { x509 } from "./_x509.ts";

/** One row of {@linkcode listCerts}. */
export interface CertInfo {
  kind: "ca" | "server" | "client";
  /** File name (current) or common name (archived, CA). */
  name: string;
  subject: string;
  serial: string;
  notBefore: Date;
  notAfter: Date;
  /** SHA-256 of the DER certificate, colon hex: what `pin` accepts. */
  fingerprint256: string;
  sans: string[];
  revoked: boolean;
  /** False for a replaced certificate kept in archive/. */
  current: boolean;
  path: string;
}

function sans(cert: x509.X509Certificate): string[] {
  const ext = cert.getExtension(x509.SubjectAlternativeNameExtension);
  return (ext?.names.items ?? [])
    .filter((item) => item.type === "dns" || item.type === "ip")
    .map((item) => formatSan(item as San));
}

/**
 * The CA and every issued certificate in the certs directory `dir`, with
 * revocation status from the CA-signed CRL. Archived (replaced) certificates
 * only with `all`.
 */
export async function listCerts(
  dir: string,
  options: { all?: boolean } = {},
): Promise<CertInfo[]> {
  const paths = certPaths(dir);
  const ca = await readCaCert(dir);
  const revoked = await readRevocations(dir, ca.cert);
  const rows: CertInfo[] = [{
    kind: "ca",
    name: ca.cert.subjectName.getField("CN")[0] ?? "",
    subject: ca.cert.subject,
    serial: normalizeSerial(ca.cert.serialNumber),
    notBefore: ca.cert.notBefore,
    notAfter: ca.cert.notAfter,
    fingerprint256: await fingerprint256(ca.cert.rawData),
    sans: [],
    revoked: false,
    current: true,
    path: paths.caCert,
  }];
  for (const entry of await readStoredCerts(paths)) {
    if (!entry.current && !options.all) continue;
    rows.push({
      kind: entry.kind,
      name: entry.name,
      subject: entry.cert.subject,
      serial: entry.serial,
      notBefore: entry.cert.notBefore,
      notAfter: entry.cert.notAfter,
      fingerprint256: await fingerprint256(entry.cert.rawData),
      sans: sans(entry.cert),
      revoked: revoked.has(entry.serial),
      current: entry.current,
      path: entry.path,
    });
  }
  return rows;
}
