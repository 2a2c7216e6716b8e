/**
 * A destination host as an IP address, for the sockets and for SDP.
 *
 * @module
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";

/** The host itself when it is an IP address ("[::1]" too), else the system resolver's first answer. */
export async function resolveHost(host: string): Promise<{ address: string; family: 4 | 6 }> {
  const literal = host.replace(/^\[(.*)\]$/, "$1");
  const kind = isIP(literal);
  if (kind === 4 || kind === 6) return { address: literal, family: kind };
  try {
    const found = await lookup(host);
    return { address: found.address, family: found.family === 6 ? 6 : 4 };
  } catch (error) {
    throw new Error(`Cannot resolve host "${host}": ${(error as Error).message}`);
  }
}
