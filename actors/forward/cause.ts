/**
 * Why a forward cannot reach its receiver, in words a user can act on:
 * node's socket codes ("connect ECONNREFUSED 127.0.0.1:7443") turned into
 * a sentence; TLS and pin refusals, already sentences, pass as they are.
 * Pure.
 *
 * @module
 */

/** The cause of a failed connection (or a lost one) to `to` ("host:port"). */
export function forwardCause(error: unknown, to: string): string {
  const code = (error as { code?: unknown } | null)?.code;
  const host = to.replace(/:\d+$/, "").replace(/^\[(.*)\]$/, "$1");
  switch (code) {
    case "ECONNREFUSED":
      return `connection refused by ${to} (is eyrie receive --tls running there?)`;
    case "EHOSTUNREACH":
    case "EHOSTDOWN":
      return `no route to host ${host}`;
    case "ENETUNREACH":
    case "ENETDOWN":
      return `network unreachable: no route to ${host}`;
    case "ENOTFOUND":
      return `host name ${host} does not resolve`;
    case "EAI_AGAIN":
      return `host name ${host} cannot be resolved now (EAI_AGAIN)`;
    case "ETIMEDOUT":
      return `timed out connecting to ${to}`;
    case "ECONNRESET":
      return `the connection to ${to} was reset`;
    case "EPIPE":
      return `the connection to ${to} broke`;
  }
  return error instanceof Error ? error.message : String(error);
}
