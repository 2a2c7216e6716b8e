import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import dgram from "node:dgram";
import { RTCPeerConnection } from "werift";
import { iceSettings } from "../../../actors/viewer/ice.ts";
import { RECEIVE_BYTES, shrinkReceiveBuffers } from "../../../actors/viewer/udp_receive.ts";

interface Socketish {
  address(): { port: number };
  prependListener(event: "message", listener: (data: Buffer) => void): void;
}

/** The UDP sockets of a peer connection's ICE transports (werift keeps them private). */
function sockets(pc: RTCPeerConnection): Socketish[] {
  const transports = pc.iceTransports as unknown as {
    connection: { protocols: { transport: { socket: Socketish } }[] };
  }[];
  return transports.flatMap((t) => t.connection.protocols.map((p) => p.transport.socket));
}

/** Sends `payload` to `port` on loopback and resolves with what `socket` read. */
async function roundTrip(socket: Socketish, payload: Uint8Array): Promise<Buffer> {
  const got = new Promise<Buffer>((resolve) => socket.prependListener("message", resolve));
  const sender = dgram.createSocket("udp4");
  try {
    await new Promise<void>((resolve, reject) =>
      sender.send(payload, socket.address().port, "127.0.0.1", (e) => e ? reject(e) : resolve())
    );
    return await got;
  } finally {
    sender.close();
  }
}

async function answeringPeer(): Promise<RTCPeerConnection> {
  const pc = new RTCPeerConnection(iceSettings(["127.0.0.1"]));
  pc.addTransceiver("video", { direction: "sendonly" });
  await pc.setLocalDescription(await pc.createOffer());
  return pc;
}

Deno.test("shrinkReceiveBuffers() makes werift's sockets read each datagram into 8 KiB, not 64 KiB, and loses no byte", async () => {
  const before = await answeringPeer();
  const after = await answeringPeer();
  try {
    // What Deno's node:dgram does by default: a 64 KiB buffer for a 100-byte datagram.
    const [plain] = sockets(before);
    const small = new Uint8Array(100).fill(7);
    assert.equal((await roundTrip(plain, small)).buffer.byteLength, 64 * 1024);

    assert.ok(shrinkReceiveBuffers(after) >= 1, "at least the host candidate's socket");
    for (const socket of sockets(after)) {
      // The read already waiting was given its buffer before the change.
      await roundTrip(socket, small);
      const read = await roundTrip(socket, small);
      assert.deepEqual(new Uint8Array(read), small);
      assert.equal(read.buffer.byteLength, 2 * RECEIVE_BYTES);
      // The largest datagram a browser sends (a 1500-byte MTU) and one of RECEIVE_BYTES arrive whole.
      for (const size of [1500, RECEIVE_BYTES]) {
        const big = new Uint8Array(size).map((_, i) => i & 0xff);
        assert.deepEqual(new Uint8Array(await roundTrip(socket, big)), big);
      }
    }
  } finally {
    await before.close();
    await after.close();
  }
});
