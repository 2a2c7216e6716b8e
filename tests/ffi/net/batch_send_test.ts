import assert from "node:assert/strict";
import dgram from "node:dgram";
import { DatagramBatch, findUdpDescriptor, UdpSocket } from "../../../ffi/net/mod.ts";
import { EYRIE_FLAGS } from "../../ui/cli/_eyrie.ts";

function bound(type: "udp4" | "udp6", address: string): Promise<dgram.Socket> {
  const socket = dgram.createSocket(type);
  return new Promise((resolve) => socket.bind(0, address, () => resolve(socket)));
}

/** Receives `n` datagrams (each within 2 s): their bytes and who sent them. */
async function receive(socket: UdpSocket, n: number) {
  const got = [];
  const buf = new Uint8Array(2048);
  while (got.length < n) {
    assert.ok(await socket.readable(2000), `datagram ${got.length + 1} of ${n} arrives within 2 s`);
    for (let len = socket.receive(buf); len >= 0; len = socket.receive(buf)) {
      got.push({ bytes: buf.slice(0, len), from: socket.sender() });
    }
  }
  return got;
}

Deno.test("findUdpDescriptor() finds node:dgram's socket by its address, and nothing for a port nobody holds", async () => {
  const socket = await bound("udp4", "127.0.0.1");
  try {
    const { port } = socket.address();
    const fd = findUdpDescriptor({ family: 4, address: "127.0.0.1", port });
    assert.ok(fd >= 0);
    // A TCP listener on the same port number is another socket, not a match.
    const tcp = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const tcpPort = (tcp.addr as Deno.NetAddr).port;
    assert.equal(findUdpDescriptor({ family: 4, address: "127.0.0.1", port: tcpPort }), -1);
    tcp.close();
    assert.equal(findUdpDescriptor({ family: 4, address: "127.0.0.2", port }), -1);
  } finally {
    socket.close();
  }
});

Deno.test("findUdpDescriptor() works with eyrie's own permissions, not only --allow-all (Deno guards /proc/self/fd)", async () => {
  const child = new URL("./_find_child.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...EYRIE_FLAGS, child],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  assert.equal(text, "found", new TextDecoder().decode(out.stderr));
});

Deno.test("DatagramBatch sends its slots in order with one call, from the borrowed socket's address", async () => {
  const owner = await bound("udp4", "127.0.0.1");
  using rx = UdpSocket.open({ family: 4, bind: { address: "127.0.0.1" } });
  try {
    const batch = new DatagramBatch({ capacity: 8, slotBytes: 1500 });
    const local = owner.address();
    assert.ok(batch.aim({ family: 4, address: local.address, port: local.port }, {
      family: 4,
      address: "127.0.0.1",
      port: rx.local.port,
    }));
    const lengths = new Int32Array(8);
    for (let i = 0; i < 8; i++) {
      lengths[i] = 100 + 150 * i;
      batch.slot(i).fill(i + 1, 0, lengths[i]);
    }
    const r = batch.send(8, lengths);
    assert.deepEqual({ ...r }, { sent: 8, errno: 0 });
    const got = await receive(rx, 8);
    got.forEach((d, i) => {
      assert.equal(d.bytes.length, lengths[i]);
      assert.ok(d.bytes.every((b) => b === i + 1), `datagram ${i}'s bytes`);
      assert.equal(d.from.port, local.port, "from the borrowed socket");
    });
    // The owner still works: it reads and sends as before.
    const seen = new Promise<Uint8Array>((resolve) => owner.once("message", resolve));
    rx.send(new Uint8Array([7, 7]), 2, rx.target("127.0.0.1", local.port));
    assert.deepEqual([...await seen], [7, 7]);
  } finally {
    owner.close();
  }
});

Deno.test("DatagramBatch works over IPv6 where the machine has ::1", async () => {
  let owner: dgram.Socket;
  try {
    owner = await bound("udp6", "::1");
  } catch {
    return; // no IPv6 loopback here
  }
  using rx = UdpSocket.open({ family: 6, bind: { address: "::1" } });
  try {
    const batch = new DatagramBatch({ capacity: 2, slotBytes: 64 });
    const { port } = owner.address();
    assert.ok(batch.aim({ family: 6, address: "::1", port }, {
      family: 6,
      address: "::1",
      port: rx.local.port,
    }));
    batch.slot(0).set([1, 2, 3]);
    batch.slot(1).set([4, 5]);
    assert.equal(batch.send(2, Int32Array.of(3, 2)).sent, 2);
    const got = await receive(rx, 2);
    assert.deepEqual(got.map((d) => [...d.bytes]), [[1, 2, 3], [4, 5]]);
  } finally {
    owner.close();
  }
});

Deno.test("DatagramBatch refuses bad sizes and a send before it is aimed, naming the cause", () => {
  assert.throws(
    () => new DatagramBatch({ capacity: 0, slotBytes: 10 }),
    /1 to 1024 datagrams, got 0/,
  );
  assert.throws(() => new DatagramBatch({ capacity: 4, slotBytes: 70_000 }), /got 70000/);
  const batch = new DatagramBatch({ capacity: 2, slotBytes: 10 });
  assert.throws(() => batch.send(1, Int32Array.of(5)), /aim it first/);
  assert.equal(
    batch.aim({ family: 4, address: "127.0.0.1", port: 9 }, {
      family: 4,
      address: "127.0.0.1",
      port: 9,
    }),
    false,
    "no socket of ours holds 127.0.0.1:9",
  );
  assert.throws(
    () =>
      batch.aim({ family: 4, address: "127.0.0.1", port: 9 }, {
        family: 6,
        address: "::1",
        port: 9,
      }),
    /IPv4 socket cannot send to "::1"/,
  );
});
