/** UDP helpers for RTP tests: adjacent RTP/RTCP ports, and collecting datagrams. */
import { UdpSocket } from "../../../ffi/net/mod.ts";

/** Two sockets on 127.0.0.1 with ports P (RTP) and P + 1 (RTCP), as RTP receivers bind. */
export function bindRtpPair(): { rtp: UdpSocket; rtcp: UdpSocket; port: number } & Disposable {
  for (let attempt = 0; attempt < 50; attempt++) {
    const rtp = UdpSocket.open({
      family: 4,
      bind: { address: "127.0.0.1" },
      receiveBufferBytes: 4 << 20,
    });
    const port = rtp.local.port;
    if (port % 2 === 0 && port < 65535) {
      try {
        const rtcp = UdpSocket.open({ family: 4, bind: { address: "127.0.0.1", port: port + 1 } });
        return {
          rtp,
          rtcp,
          port,
          [Symbol.dispose]() {
            rtp.close();
            rtcp.close();
          },
        };
      } catch {
        // port + 1 is taken: try another pair
      }
    }
    rtp.close();
  }
  throw new Error("No free pair of adjacent UDP ports on 127.0.0.1");
}

/** A free UDP port on 127.0.0.1 whose successor is free too (for a child process to bind). */
export function freeRtpPort(): number {
  using pair = bindRtpPair();
  return pair.port;
}

export interface Datagram {
  bytes: Uint8Array;
  tos: number;
  ttl: number;
  from: { address: string; port: number };
  atMs: number;
}

/** Everything that arrives on `socket` until `done()` is true or `timeoutMs` passes. */
export async function collect(
  socket: UdpSocket,
  done: (got: Datagram[]) => boolean,
  timeoutMs: number,
): Promise<Datagram[]> {
  const got: Datagram[] = [];
  const buf = new Uint8Array(65536);
  const deadline = performance.now() + timeoutMs;
  while (!done(got) && performance.now() < deadline) {
    if (!await socket.readable(Math.min(100, deadline - performance.now()))) continue;
    for (let n = socket.receive(buf); n >= 0; n = socket.receive(buf)) {
      got.push({
        bytes: buf.slice(0, n),
        tos: socket.tos,
        ttl: socket.ttl,
        from: socket.sender(),
        atMs: performance.now(),
      });
    }
  }
  return got;
}
