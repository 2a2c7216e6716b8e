/**
 * A slow network for tests: a TCP relay on 127.0.0.1 that forwards the
 * client's bytes to `target` at no more than `bytesPerSecond` (token bucket,
 * pausing the client side, which plain TCP sockets honour), and the replies
 * at full speed. TLS passes through untouched.
 */
import net from "node:net";
import type { AddressInfo } from "node:net";

/** The bucket refills in steps this long; a smaller step only costs more timers. */
const TICK_MS = 10;

/** A running {@linkcode slowLink}. */
export interface SlowLink extends AsyncDisposable {
  port: number;
  /** Bytes forwarded from clients so far. */
  forwarded(): number;
}

/** Starts a slow link to `127.0.0.1:target`. */
export async function slowLink(target: number, bytesPerSecond: number): Promise<SlowLink> {
  const sockets = new Set<net.Socket>();
  let forwarded = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect(target, "127.0.0.1");
    sockets.add(client).add(upstream);
    let budget = (bytesPerSecond * TICK_MS) / 1000;
    const refill = setInterval(() => {
      budget = Math.min(budget + (bytesPerSecond * TICK_MS) / 1000, bytesPerSecond);
      if (budget > 0 && client.isPaused()) client.resume();
    }, TICK_MS);
    client.on("data", (chunk: Uint8Array) => {
      forwarded += chunk.length;
      budget -= chunk.length;
      upstream.write(chunk);
      if (budget <= 0) client.pause();
    });
    upstream.on("data", (chunk: Uint8Array) => client.write(chunk));
    const close = () => {
      clearInterval(refill);
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const socket of [client, upstream]) {
      socket.on("close", close);
      socket.on("error", close);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const closed = new Promise<void>((resolve) => server.once("close", () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    forwarded: () => forwarded,
    /** Cuts every connection (data in flight is lost) and stops listening; twice is fine. */
    async [Symbol.asyncDispose]() {
      for (const socket of sockets) socket.destroy();
      if (server.listening) server.close();
      await closed;
    },
  };
}
