import { withLock } from "./_fs.ts";
import { readStoredCerts } from "./_inventory.ts";
import { x509 } from "./_x509.ts";
import { loadCa } from "./ca.ts";
import { installLeaf, type IssuedCert, takenSerials } from "./issue.ts";
import { validateName } from "./layout.ts";
import { readRevocations } from "./revoke.ts";
import type { San } from "./sans.ts";
import { DEFAULT_LEAF_DAYS, validateDays, validityWindow } from "./validity.ts";

/** Options of {@linkcode rotateServerCerts}. */
export interface RotateOptions {
  /** Validity of the new certificates; default {@linkcode DEFAULT_LEAF_DAYS}. */
  days?: number;
  /** Only rotate certificates that expire within this many days; default: rotate all. */
  withinDays?: number;
  /** Only these server certificates; default: every current one. */
  names?: readonly string[];
  now?: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function sansOf(cert: x509.X509Certificate): San[] {
  const ext = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const sans: San[] = [];
  for (const item of ext?.names.items ?? []) {
    if (item.type === "dns" || item.type === "ip") {
      sans.push({ type: item.type, value: item.value });
    }
  }
  return sans;
}

/**
 * Issues a new key and certificate for each current server certificate (same
 * name, same SANs, new serial); the old one moves to archive/ and stays valid
 * until it expires, so live connections are untouched. A server built with
 * {@linkcode loadServerTls} that watches the directory switches to the new one
 * for new handshakes. Revoked certificates are skipped: reissue them with
 * `issue`.
 */
export async function rotateServerCerts(
  dir: string,
  options: RotateOptions = {},
): Promise<IssuedCert[]> {
  const days = validateDays(options.days ?? DEFAULT_LEAF_DAYS);
  const within = options.withinDays === undefined ? undefined : validateDays(options.withinDays);
  const wanted = options.names?.map(validateName);
  const now = options.now ?? new Date();
  return await withLock(dir, async () => {
    const ca = await loadCa(dir);
    const revoked = await readRevocations(dir, ca.cert);
    const stored = await readStoredCerts(ca.paths);
    const servers = stored.filter((entry) => entry.current && entry.kind === "server");
    for (const name of wanted ?? []) {
      if (!servers.some((entry) => entry.name === name)) {
        throw new Error(`No server certificate named "${name}" in "${dir}"`);
      }
    }
    const due = servers.filter((entry) =>
      (wanted === undefined || wanted.includes(entry.name)) && !revoked.has(entry.serial) &&
      (within === undefined || entry.cert.notAfter.getTime() - now.getTime() <= within * DAY_MS)
    );
    const state = { stored, taken: takenSerials(ca, stored) };
    const rotated: IssuedCert[] = [];
    for (const entry of due) {
      const window = validityWindow(days, { now });
      rotated.push(
        await installLeaf(ca, state, {
          kind: "server",
          name: entry.name,
          sans: sansOf(entry.cert),
          ...window,
        }),
      );
    }
    return rotated;
  });
}
