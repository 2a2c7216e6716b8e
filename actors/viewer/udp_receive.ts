/**
 * The receive buffers of werift's UDP sockets, sized for what a browser
 * sends. Deno's node:dgram reads every datagram into a fresh ArrayBuffer of
 * the socket's receive size, 64 KiB by default (Deno 2.9's udp_wrap:
 * `new Uint8Array(this.#recvBufferSize)` per read), zero-filled by malloc's
 * calloc and freed only when V8 next collects the Worker's garbage. A
 * viewer's RTCP, STUN and DTLS datagrams are at most an MTU, so each one
 * cost 64 KiB of native memory until a GC: with a browser's feedback at a
 * few datagrams a second that is megabytes a minute of garbage in the
 * viewer Worker's malloc arena, which the process kept (bench/README.md,
 * memgrowth).
 *
 * In Deno, `setRecvBufferSize` only sets the size of that per-read buffer
 * (doubled on Linux, as the kernel doubles SO_RCVBUF); the kernel's receive
 * queue is left as it is. A datagram longer than the buffer would arrive
 * cut, so the size keeps a margin over the largest a browser sends.
 *
 * @module
 */
import type { RTCPeerConnection } from "werift";

/**
 * Bytes asked for each socket (8 KiB per read after Deno doubles it). Reason:
 * browsers size RTP, RTCP and DTLS records to a path MTU of at most 1500
 * bytes (Chromium's DTLS uses 1200), STUN messages are smaller; 8 KiB is
 * five times the largest, an eighth of the default.
 */
export const RECEIVE_BYTES = 4096;

/** The parts of werift's ICE objects reached here (its types keep them private). */
interface SocketLike {
  setRecvBufferSize(size: number): void;
}
interface IceTransportLike {
  connection?: { protocols?: { transport?: { type?: string; socket?: SocketLike } }[] };
}

/**
 * Sets every UDP socket of `pc`'s ICE transports to read into
 * {@linkcode RECEIVE_BYTES}; returns how many it set. Call it once the
 * local description is set (the sockets exist and are bound then).
 */
export function shrinkReceiveBuffers(pc: RTCPeerConnection): number {
  let set = 0;
  const transports = pc.iceTransports as unknown as IceTransportLike[];
  for (const t of transports) {
    for (const protocol of t.connection?.protocols ?? []) {
      const socket = protocol.transport?.type === "udp" ? protocol.transport.socket : undefined;
      if (socket === undefined) continue;
      try {
        socket.setRecvBufferSize(RECEIVE_BYTES);
        set++;
      } catch {
        // A socket closed meanwhile: nothing will be read from it.
      }
    }
  }
  return set;
}
