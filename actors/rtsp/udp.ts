/**
 * The server's UDP port pair (RFC 3550 11: RTP on an even port, RTCP on the
 * next): every UDP session's packets leave from it, whatever its client,
 * and clients' RTCP comes back to it. One pair for the whole server keeps
 * the sockets to two however many clients watch.
 *
 * @module
 */
import { UdpSocket } from "../../ffi/net/mod.ts";

export interface ServerPorts extends Disposable {
  rtp: UdpSocket;
  rtcp: UdpSocket;
  ports: [number, number];
}

/** Tries at an even free port whose next port is free too. Reason: a few collisions at most. */
const PAIR_TRIES = 32;

/** Opens an even/odd pair of UDP ports on `address` (an IPv4 or IPv6 literal). */
export function openServerPorts(address: string, family: 4 | 6): ServerPorts {
  let lastError: unknown = null;
  for (let i = 0; i < PAIR_TRIES; i++) {
    const rtp = UdpSocket.open({ family, bind: { address, port: 0 } });
    const port = rtp.local.port;
    if (port % 2 !== 0 || port === 65535) {
      rtp.close();
      continue;
    }
    try {
      const rtcp = UdpSocket.open({ family, bind: { address, port: port + 1 } });
      return {
        rtp,
        rtcp,
        ports: [port, port + 1],
        [Symbol.dispose]() {
          rtp.close();
          rtcp.close();
        },
      };
    } catch (error) {
      lastError = error;
      rtp.close();
    }
  }
  throw lastError ?? new Error(`No pair of free UDP ports on ${address}`);
}
