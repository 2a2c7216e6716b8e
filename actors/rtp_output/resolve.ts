/**
 * A destination host as an IP address, for the sockets and for SDP.
 *
 * @module
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";

/** A host name the system resolver could not turn into an address. */
export class ResolveError extends Error {
  override name = "ResolveError";
  readonly host: string;
  /** The resolver's code: ENOTFOUND (no such name), EAI_AGAIN (no answer in time), … */
  readonly code: string;

  constructor(host: string, code: string, detail: string) {
    super(`Cannot resolve host "${host}": ${detail}`);
    this.host = host;
    this.code = code;
  }
}

/** The host itself when it is an IP address ("[::1]" too), else the system resolver's first answer. */
export async function resolveHost(host: string): Promise<{ address: string; family: 4 | 6 }> {
  const literal = host.replace(/^\[(.*)\]$/, "$1");
  const kind = isIP(literal);
  if (kind === 4 || kind === 6) return { address: literal, family: kind };
  try {
    const found = await lookup(host);
    return { address: found.address, family: found.family === 6 ? 6 : 4 };
  } catch (error) {
    const code = String((error as { code?: unknown }).code ?? "ERROR");
    throw new ResolveError(host, code, (error as Error).message);
  }
}
