/**
 * Why an RTP destination cannot be sent to, in words a user can act on, and
 * which send errors mean that (rather than one packet lost to a full
 * buffer). Pure: errno numbers and errors in, a fault out.
 *
 * @module
 */
import { SocketError } from "../../ffi/net/mod.ts";
import { ResolveError } from "./resolve.ts";

/**
 * The kind of fault, a closed set (it is a metrics label): refused (ICMP port
 * unreachable: nothing listens there), unreachable (no route to the host or
 * network, a multicast route missing), blocked (a firewall rule or a broadcast
 * address: EPERM, EACCES), unresolved (the host name does not resolve),
 * socket (anything else the kernel refused while setting up).
 */
export type RtpFaultReason = "refused" | "unreachable" | "blocked" | "unresolved" | "socket";

export interface RtpFault {
  reason: RtpFaultReason;
  /** "connection refused by 127.0.0.1:5004 (nothing listens on that port)". */
  cause: string;
}

/** Errno numbers (Linux) a send or connect reports about the destination itself. */
const EPERM = 1;
const EACCES = 13;
const ENETDOWN = 100;
const ENETUNREACH = 101;
const ECONNREFUSED = 111;
const EHOSTDOWN = 112;
const EHOSTUNREACH = 113;

/** Where packets go, as the fault names it. */
export interface Destination {
  /** The address as resolved ("127.0.0.1", "::1"). */
  address: string;
  port: number;
  multicast: boolean;
}

function hostPort(d: Destination): string {
  return d.address.includes(":") ? `[${d.address}]:${d.port}` : `${d.address}:${d.port}`;
}

/**
 * The fault an errno from sending (or connecting) to `to` stands for, or
 * null when it costs only this packet (EAGAIN, ENOBUFS: the send buffer is
 * full; EMSGSIZE: one packet too big): those are counted, not a state.
 */
export function sendFault(errno: number, to: Destination): RtpFault | null {
  switch (errno) {
    case ECONNREFUSED:
      return {
        reason: "refused",
        cause: `connection refused by ${hostPort(to)} (nothing listens on that port)`,
      };
    case EHOSTUNREACH:
    case EHOSTDOWN:
      return { reason: "unreachable", cause: `no route to host ${to.address}` };
    case ENETUNREACH:
    case ENETDOWN:
      return {
        reason: "unreachable",
        cause: to.multicast
          ? `no multicast route to ${to.address} (set multicast_interface, or add a route for 224.0.0.0/4)`
          : `network unreachable: no route to ${to.address}`,
      };
    case EPERM:
    case EACCES:
      return {
        reason: "blocked",
        cause: `sending to ${
          hostPort(to)
        } is not permitted (a firewall rule, or a broadcast address)`,
      };
    default:
      return null;
  }
}

/** The fault of a setup that threw: resolving the host, opening or connecting the sockets. */
export function setupFault(error: unknown, host: string, to: Destination | null): RtpFault {
  if (error instanceof ResolveError) {
    return {
      reason: "unresolved",
      cause: error.code === "ENOTFOUND" || error.code === "ENODATA"
        ? `host name ${host} does not resolve`
        : `host name ${host} cannot be resolved now (${error.code})`,
    };
  }
  if (error instanceof SocketError && to !== null) {
    const fault = sendFault(error.errno, to);
    if (fault !== null) return fault;
  }
  return { reason: "socket", cause: (error as Error).message };
}
