import { join } from "node:path";
import { x509 } from "./_x509.ts";
import { normalizeSerial } from "./fingerprint.ts";
import { CERT_KINDS, type CertKind, type CertPaths } from "./layout.ts";

/** One certificate file in the store, parsed. */
export interface StoredCert {
  kind: CertKind;
  name: string;
  /** False for a replaced certificate kept in archive/. */
  current: boolean;
  path: string;
  serial: string;
  cert: x509.X509Certificate;
}

const CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

function commonName(cert: x509.X509Certificate): string {
  return cert.subjectName.getField("CN")[0] ?? "";
}

function kindOf(cert: x509.X509Certificate): CertKind {
  const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
  return eku?.usages.includes(CLIENT_AUTH) ? "client" : "server";
}

async function crtFiles(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile && entry.name.endsWith(".crt")) names.push(entry.name);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names.sort();
}

function parse(pem: string, path: string): x509.X509Certificate {
  try {
    return new x509.X509Certificate(pem);
  } catch (cause) {
    throw new Error(`Cannot parse the certificate "${path}"`, { cause });
  }
}

/** Every leaf certificate in the store: current ones (server/, client/) and archived ones. */
export async function readStoredCerts(paths: CertPaths): Promise<StoredCert[]> {
  const out: StoredCert[] = [];
  for (const kind of CERT_KINDS) {
    for (const file of await crtFiles(paths.kindDir(kind))) {
      const path = join(paths.kindDir(kind), file);
      const cert = parse(await Deno.readTextFile(path), path);
      const name = file.slice(0, -".crt".length);
      out.push({
        kind,
        name,
        current: true,
        path,
        serial: normalizeSerial(cert.serialNumber),
        cert,
      });
    }
  }
  for (const file of await crtFiles(paths.archive)) {
    const path = join(paths.archive, file);
    const cert = parse(await Deno.readTextFile(path), path);
    out.push({
      kind: kindOf(cert),
      name: commonName(cert),
      current: false,
      path,
      serial: normalizeSerial(cert.serialNumber),
      cert,
    });
  }
  return out;
}
