/**
 * An RTP output's sockets: one for RTP, connected to the destination so the
 * kernel reports what the network says about it (a closed port comes back as
 * ECONNREFUSED on the next send), and one for RTCP (port + 1), left
 * unconnected because receivers report from ports of their own. Both are
 * marked with the output's DSCP, with the multicast TTL and interface set for
 * a group address.
 *
 * @module
 */
import { type SendTarget, UdpSocket } from "../../ffi/net/mod.ts";
import { isMulticastAddress } from "../../transports/rtp/mod.ts";
import type { RtpOutputConfig } from "../defs.ts";

/** The open sockets of one output. */
export interface Sockets extends Disposable {
  address: string;
  multicast: boolean;
  /** Connected to the destination: send without a target. */
  rtp: UdpSocket;
  rtcp: UdpSocket;
  /** null when the RTP port is 65535 and RTCP has no port + 1. */
  rtcpTo: SendTarget | null;
}

function openSocket(family: 4 | 6, config: RtpOutputConfig, multicast: boolean): UdpSocket {
  const socket = UdpSocket.open({ family });
  try {
    socket.setTrafficClass(config.dscp << 2);
    if (multicast) {
      socket.setMulticastTtl(config.ttl);
      if (config.multicast_interface !== "") {
        socket.setMulticastInterface(config.multicast_interface);
      }
    }
    return socket;
  } catch (error) {
    socket.close();
    throw error;
  }
}

/**
 * Opens both sockets towards `address` (already resolved) and connects the
 * RTP one. Throws SocketError naming the failed call (connect: ENETUNREACH
 * when there is no route, a multicast one included).
 */
export function openSockets(
  config: RtpOutputConfig,
  resolved: { address: string; family: 4 | 6 },
): Sockets {
  const { address, family } = resolved;
  const multicast = isMulticastAddress(address);
  const rtp = openSocket(family, config, multicast);
  let rtcp: UdpSocket;
  try {
    rtp.connect(rtp.target(address, config.port));
    rtcp = openSocket(family, config, multicast);
  } catch (error) {
    rtp.close();
    throw error;
  }
  return {
    address,
    multicast,
    rtp,
    rtcp,
    rtcpTo: config.port < 65535 ? rtcp.target(address, config.port + 1) : null,
    [Symbol.dispose]() {
      rtp.close();
      rtcp.close();
    },
  };
}
