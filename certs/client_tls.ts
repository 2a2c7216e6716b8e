import type tls from "node:tls";
import { exists, readRequired } from "./_fs.ts";
import { keyMatchesCert } from "./_pair.ts";
import { readCaCert } from "./ca.ts";
import { certPaths, validateName } from "./layout.ts";
import { readPins } from "./pins.ts";
import { readRevocations } from "./revoke.ts";
import { clientOptions } from "./tls.ts";

/** Options of {@linkcode loadClientTls}. */
export interface ClientTlsOptions {
  /** Present `<dir>/client/<name>.crt` to servers that require a client certificate. */
  name?: string;
  /** Require the server to match the pins accepted for this remote (`eyrie certs pin --accept … --name REMOTE`). */
  remote?: string;
  /** More accepted fingerprints, on top of the remote's. */
  pins?: readonly string[];
  /** More CAs to trust (PEM), e.g. a remote installation's CA. */
  extraCa?: readonly string[];
  /** Default true; only a pinned client may turn it off. */
  checkHostname?: boolean;
  servername?: string;
}

/**
 * Options for `tls.connect` / `https.request` from the certs directory `dir`:
 * TLS 1.3 only, the installation's CA (plus `extraCa`), the client
 * certificate `name`, the pins of `remote`, and the revocation list when
 * there is one (a server certificate it lists is refused).
 */
export async function loadClientTls(
  dir: string,
  options: ClientTlsOptions = {},
): Promise<tls.ConnectionOptions> {
  const paths = certPaths(dir);
  const ca = await readCaCert(dir);
  let identity: { cert: string; key: string } | undefined;
  if (options.name !== undefined) {
    validateName(options.name);
    const certPath = paths.cert("client", options.name);
    const keyPath = paths.key("client", options.name);
    const cert = await readRequired(certPath, `client certificate "${options.name}"`);
    const key = await readRequired(keyPath, `client key "${options.name}"`);
    if (!keyMatchesCert(cert, key)) {
      throw new Error(`The key "${keyPath}" does not belong to "${certPath}"`);
    }
    identity = { cert, key };
  }
  const pins = [...(options.pins ?? [])];
  if (options.remote !== undefined) {
    const accepted = (await readPins(dir)).get(validateName(options.remote));
    if (!accepted || accepted.length === 0) {
      throw new Error(`No pin accepted for the remote "${options.remote}" in "${paths.pins}"`);
    }
    pins.push(...accepted);
  }
  const revocations = await exists(paths.crl) ? await readRevocations(dir, ca.cert) : undefined;
  return clientOptions({ ca: [ca.pem, ...(options.extraCa ?? [])], ...identity }, {
    pins,
    isRevoked: revocations ? (serial) => revocations.has(serial) : undefined,
    checkHostname: options.checkHostname,
    servername: options.servername,
  });
}
