import assert from "node:assert/strict";
import { errnoName, SocketError, UdpSocket } from "../../../ffi/net/mod.ts";

/** Receives one datagram (waiting up to 2 s); returns its bytes, TOS and TTL. */
async function receiveOne(socket: UdpSocket) {
  const buf = new Uint8Array(2048);
  assert.ok(await socket.readable(2000), "a datagram arrives within 2 s");
  const n = socket.receive(buf);
  assert.ok(n >= 0);
  return { bytes: buf.slice(0, n), tos: socket.tos, ttl: socket.ttl, from: socket.sender() };
}

function hasIpv6Loopback(): boolean {
  try {
    UdpSocket.open({ family: 6, bind: { address: "::1" } }).close();
    return true;
  } catch {
    return false;
  }
}

Deno.test("a socket marks what it sends with the DSCP, and IP_RECVTOS reads it back", async () => {
  using rx = UdpSocket.open({ family: 4, bind: { address: "127.0.0.1" } });
  using tx = UdpSocket.open({ family: 4, bind: { address: "127.0.0.1" } });
  const to = tx.target("127.0.0.1", rx.local.port);
  const payload = new TextEncoder().encode("marked");
  assert.equal(tx.send(payload, payload.length, to), 0);
  const plain = await receiveOne(rx);
  assert.equal(plain.tos, 0, "unmarked before setTrafficClass");
  for (const dscp of [46, 34, 8]) {
    tx.setTrafficClass(dscp << 2);
    assert.equal(tx.send(payload, payload.length, to), 0);
    const got = await receiveOne(rx);
    assert.equal(got.tos >> 2, dscp, `DSCP ${dscp} in the received TOS byte`);
    assert.deepEqual(got.bytes, payload);
    assert.equal(got.from.address, "127.0.0.1");
    assert.equal(got.from.port, tx.local.port);
  }
});

Deno.test({
  name: hasIpv6Loopback()
    ? "an IPv6 socket marks the traffic class and reads it back on ::1"
    : "an IPv6 socket marks the traffic class and reads it back on ::1 (skipped: no ::1)",
  ignore: !hasIpv6Loopback(),
  async fn() {
    using rx = UdpSocket.open({ family: 6, bind: { address: "::1" } });
    using tx = UdpSocket.open({ family: 6 });
    tx.setTrafficClass(46 << 2);
    const payload = Uint8Array.of(1, 2, 3);
    assert.equal(tx.send(payload, 3, tx.target("::1", rx.local.port)), 0);
    const got = await receiveOne(rx);
    assert.equal(got.tos, 46 << 2);
    assert.equal(got.from.address, "::1");
  },
});

/** Whether this machine lets a socket join a group on the loopback interface. */
function loopbackMulticast(): string {
  try {
    using s = UdpSocket.open({ family: 4, reuseAddress: true });
    s.joinGroup("239.255.42.1", "lo");
    return "";
  } catch (error) {
    return `cannot join a multicast group on lo: ${(error as Error).message}`;
  }
}

const noMulticast = loopbackMulticast();

Deno.test({
  name: "multicast to 239.x leaves by lo with the configured TTL and DSCP" +
    (noMulticast === "" ? "" : ` (skipped: ${noMulticast})`),
  ignore: noMulticast !== "",
  async fn() {
    using rx = UdpSocket.open({ family: 4, reuseAddress: true });
    rx.joinGroup("239.255.42.1", "lo");
    using tx = UdpSocket.open({ family: 4, bind: { address: "127.0.0.1" } });
    tx.setMulticastInterface("lo");
    tx.setTrafficClass(46 << 2);
    const to = tx.target("239.255.42.1", rx.local.port);
    for (const ttl of [1, 0]) {
      tx.setMulticastTtl(ttl);
      assert.equal(tx.send(Uint8Array.of(ttl), 1, to), 0);
      const got = await receiveOne(rx);
      assert.deepEqual([...got.bytes], [ttl]);
      assert.equal(got.ttl, ttl, "the TTL the packet carried");
      assert.equal(got.tos, 46 << 2);
    }
  },
});

Deno.test("send() returns the errno (EACCES for a broadcast address) instead of throwing", () => {
  using tx = UdpSocket.open({ family: 4 });
  const errno = tx.send(Uint8Array.of(0), 1, tx.target("255.255.255.255", 9));
  assert.equal(errnoName(errno), "EACCES");
});

/** A port on 127.0.0.1 that nothing listens on (bound, then closed). */
function closedPort(): number {
  using s = UdpSocket.open({ family: 4, bind: { address: "127.0.0.1" } });
  return s.local.port;
}

/** Sends one byte every 5 ms until send() returns an errno (or `tries` run out); returns it or 0. */
async function firstErrno(send: () => number, tries = 200): Promise<number> {
  for (let i = 0; i < tries; i++) {
    const e = send();
    if (e !== 0) return e;
    await new Promise((r) => setTimeout(r, 5));
  }
  return 0;
}

Deno.test("a connected socket hears a closed port's ICMP as ECONNREFUSED; an unconnected one never does", async () => {
  const port = closedPort();
  using unconnected = UdpSocket.open({ family: 4 });
  const to = unconnected.target("127.0.0.1", port);
  assert.equal(await firstErrno(() => unconnected.send(Uint8Array.of(1), 1, to), 40), 0);
  using connected = UdpSocket.open({ family: 4 });
  connected.connect(connected.target("127.0.0.1", port));
  assert.equal(
    errnoName(await firstErrno(() => connected.send(Uint8Array.of(1), 1))),
    "ECONNREFUSED",
  );
});

Deno.test("a connected socket sends to its peer without a target", async () => {
  using rx = UdpSocket.open({ family: 4, bind: { address: "127.0.0.1" } });
  using tx = UdpSocket.open({ family: 4 });
  tx.connect(tx.target("127.0.0.1", rx.local.port));
  const payload = Uint8Array.of(9, 8, 7);
  assert.equal(tx.send(payload, payload.length), 0);
  const got = await receiveOne(rx);
  assert.deepEqual(got.bytes, payload);
});

Deno.test("receive() returns -1 when nothing waits, and readable() times out", async () => {
  using rx = UdpSocket.open({ family: 4, bind: { address: "127.0.0.1" } });
  assert.equal(rx.receive(new Uint8Array(64)), -1);
  assert.equal(await rx.readable(30), false);
});

Deno.test("a datagram longer than the buffer is cut to it", async () => {
  using rx = UdpSocket.open({ family: 4, bind: { address: "127.0.0.1" } });
  using tx = UdpSocket.open({ family: 4 });
  const big = new Uint8Array(1000).fill(7);
  tx.send(big, big.length, tx.target("127.0.0.1", rx.local.port));
  assert.ok(await rx.readable(2000));
  const small = new Uint8Array(100);
  assert.equal(rx.receive(small), 100);
  assert.equal(rx.receive(small), -1, "the rest of it is gone");
});

Deno.test("open() names the failed call: bind to a port in use is EADDRINUSE", () => {
  using a = UdpSocket.open({ family: 4, bind: { address: "127.0.0.1" } });
  assert.throws(
    () => UdpSocket.open({ family: 4, bind: { address: "127.0.0.1", port: a.local.port } }),
    (e: unknown) =>
      e instanceof SocketError && e.syscall === "bind" && e.code === "EADDRINUSE" &&
      e.message.includes(`127.0.0.1:${a.local.port}`),
  );
});

Deno.test("bad arguments are TypeErrors and RangeErrors, and a closed socket refuses use", () => {
  const s = UdpSocket.open({ family: 4 });
  assert.throws(() => s.target("::1", 5004), TypeError);
  assert.throws(() => s.target("localhost", 5004), TypeError);
  assert.throws(() => s.target("127.0.0.1", 70000), RangeError);
  assert.throws(() => s.setTrafficClass(256), RangeError);
  assert.throws(() => s.setMulticastTtl(-1), RangeError);
  assert.throws(() => s.setMulticastInterface("no such interface"), TypeError);
  assert.throws(
    () => s.setMulticastInterface("eyrie-none0"),
    (e: unknown) => e instanceof SocketError && e.syscall === "if_nametoindex",
  );
  s.close();
  s.close();
  assert.throws(() => s.receive(new Uint8Array(8)), Deno.errors.BadResource);
});

Deno.test("closing while readable() waits defers the close until the wait ends", async () => {
  const s = UdpSocket.open({ family: 4, bind: { address: "127.0.0.1" } });
  const waiting = s.readable(50);
  s.close();
  assert.equal(await waiting, false);
  assert.throws(() => s.local, Deno.errors.BadResource);
});
