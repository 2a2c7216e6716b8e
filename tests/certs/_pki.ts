/** A test PKI built with the public API: a CA with typical good and bad certificates, and a second CA. */
import { join } from "node:path";
import { initCa, issueCert, type KeyAlgorithm, revokeCert } from "../../certs/mod.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface Pki {
  algorithm: KeyAlgorithm;
  /** certs dir of the installation under test. */
  dir: string;
  /** certs dir of another installation whose CA has the same name. */
  otherDir: string;
  caFile: string;
  otherCaFile: string;
  /** [cert, key] paths of a client (or server) certificate in `dir`. */
  client(name: string): [string, string];
  server(name: string): [string, string];
  /** [cert, key] of "alice" from the other CA. */
  impostor: [string, string];
}

/**
 * In `root`: CA "eyrie test CA" (a month old) with server "console" and clients "alice"
 * (good), "bob" (revoked), "old" (expired), "future" (not yet valid);
 * another CA with the same name and its own "alice".
 */
export async function makePki(root: string, algorithm: KeyAlgorithm): Promise<Pki> {
  const dir = join(root, "a", "certs");
  const otherDir = join(root, "b", "certs");
  const now = Date.now();
  // The CAs are a month old, so that an expired leaf's only fault is its own
  // expiry: its chain verifies at any time inside its validity.
  const caSince = new Date(now - 30 * DAY_MS);
  await initCa({ dir, algorithm, name: "eyrie test CA", now: caSince });
  await initCa({ dir: otherDir, algorithm, name: "eyrie test CA", now: caSince });
  await issueCert(dir, { kind: "server", name: "console" });
  await issueCert(dir, { kind: "client", name: "alice" });
  await issueCert(dir, { kind: "client", name: "bob" });
  await revokeCert(dir, "bob");
  await issueCert(dir, {
    kind: "client",
    name: "old",
    notBefore: new Date(now - 3 * DAY_MS),
    days: 1,
  });
  await issueCert(dir, {
    kind: "client",
    name: "future",
    notBefore: new Date(now + DAY_MS),
    days: 2,
  });
  await issueCert(otherDir, { kind: "client", name: "alice" });
  const pair = (base: string, kind: string, name: string): [string, string] => [
    join(base, kind, `${name}.crt`),
    join(base, kind, `${name}.key`),
  ];
  return {
    algorithm,
    dir,
    otherDir,
    caFile: join(dir, "ca.crt"),
    otherCaFile: join(otherDir, "ca.crt"),
    client: (name) => pair(dir, "client", name),
    server: (name) => pair(dir, "server", name),
    impostor: pair(otherDir, "client", "alice"),
  };
}
