/**
 * An RTP output's sockets: the destination resolved (a host name through
 * the system resolver), one socket for RTP and one for RTCP (port + 1), both
 * marked with the output's DSCP, with the multicast TTL and interface set
 * for a group address.
 *
 * @module
 */
import { type SendTarget, UdpSocket } from "../../ffi/net/mod.ts";
import { isMulticastAddress } from "../../transports/rtp/mod.ts";
import type { RtpOutputConfig } from "../defs.ts";
import { resolveHost } from "./resolve.ts";

/** The open sockets of one output. */
export interface Link extends Disposable {
  address: string;
  multicast: boolean;
  rtp: UdpSocket;
  rtpTo: SendTarget;
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

/** Resolves the destination and opens both sockets. Throws with a reason a log line can carry. */
export async function openLink(config: RtpOutputConfig): Promise<Link> {
  const { address, family } = await resolveHost(config.host);
  const multicast = isMulticastAddress(address);
  const rtp = openSocket(family, config, multicast);
  let rtcp: UdpSocket;
  try {
    rtcp = openSocket(family, config, multicast);
  } catch (error) {
    rtp.close();
    throw error;
  }
  return {
    address,
    multicast,
    rtp,
    rtpTo: rtp.target(address, config.port),
    rtcp,
    rtcpTo: config.port < 65535 ? rtcp.target(address, config.port + 1) : null,
    [Symbol.dispose]() {
      rtp.close();
      rtcp.close();
    },
  };
}
