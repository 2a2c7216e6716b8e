/**
 * UDP sockets over libc (`ffi/net/`): the network options Deno and
 * node:dgram do not offer, used by the RTP outputs and `eyrie receive`.
 * Nothing here hands out a pointer. See docs/rtp.md.
 *
 * @example Send marked packets (DSCP 46, Expedited Forwarding)
 * ```ts
 * using socket = UdpSocket.open({ family: 4 });
 * socket.setTrafficClass(46 << 2);
 * const to = socket.target("127.0.0.1", 5004);
 * const errno = socket.send(packet, packet.length, to); // 0 or an errno
 * ```
 *
 * @module
 */
export { type BatchResult, DatagramBatch, findUdpDescriptor, MAX_BATCH } from "./batch_send.ts";
export { SendTarget, UdpSocket, type UdpSocketOptions } from "./udp_socket.ts";
export { errnoName, SocketError } from "./errors.ts";
export { familyOf, type SocketAddress } from "./_sockaddr.ts";
