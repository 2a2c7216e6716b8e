import assert from "node:assert/strict";
import { CONTROL_BUFFER_BYTES, Outbox, STREAM_BUFFER_BYTES } from "../../../actors/rtsp/outbox.ts";

/** A connection whose writes complete only when the test lets them. */
function slowConn() {
  const written: Uint8Array[] = [];
  const pending: (() => void)[] = [];
  return {
    written,
    release() {
      for (const r of pending.splice(0)) r();
    },
    write(bytes: Uint8Array): Promise<number> {
      written.push(bytes.slice());
      return new Promise((resolve) => pending.push(() => resolve(bytes.length)));
    },
  };
}

const packet = (n: number, fill: number) => new Uint8Array(n).fill(fill);

Deno.test("Outbox frames packets behind $, channel and length, in order, after the response before them", async () => {
  const conn = slowConn();
  const out = new Outbox(conn, { onError: (e) => assert.fail(String(e)) });
  out.carryStream();
  out.control(new TextEncoder().encode("RTSP/1.0 200 OK\r\n\r\n"));
  assert.ok(out.packet(0, packet(10, 7), 10));
  assert.ok(out.packet(1, packet(3, 9), 3));
  conn.release();
  await new Promise((r) => setTimeout(r, 0));
  conn.release();
  await out.drained();
  const all = Uint8Array.from(conn.written.flatMap((b) => [...b]));
  const head = "RTSP/1.0 200 OK\r\n\r\n".length;
  assert.equal(new TextDecoder().decode(all.subarray(0, head)), "RTSP/1.0 200 OK\r\n\r\n");
  assert.deepEqual([...all.subarray(head, head + 4)], [0x24, 0, 0, 10]);
  assert.deepEqual([...all.subarray(head + 14, head + 18)], [0x24, 1, 0, 3]);
  assert.equal(all.length, head + 14 + 7);
});

Deno.test("Outbox refuses a packet that does not fit while the client is not reading, never a response", () => {
  const conn = slowConn();
  const out = new Outbox(conn, { onError: () => {} });
  out.carryStream();
  // The first packet goes out at once (and hangs); the back buffer then fills.
  let queued = 0;
  while (out.packet(0, packet(1200, 1), 1200)) queued++;
  assert.ok(queued * 1204 >= STREAM_BUFFER_BYTES - 1204, `only ${queued} packets queued`);
  // An SDP answer bigger than what is left of the buffer.
  const response = new Uint8Array(2000).fill(0x41);
  out.control(response);
  assert.ok(out.discarded > 0, "queued packets gave way to the response");
  assert.ok(out.stalledMs() >= 0);
});

Deno.test("Outbox without a stream holds only responses' worth of bytes", () => {
  const out = new Outbox(slowConn(), { onError: () => {} });
  let queued = 0;
  while (out.packet(0, packet(1200, 1), 1200)) queued++;
  assert.ok(queued * 1204 <= 2 * CONTROL_BUFFER_BYTES);
});

Deno.test("Outbox closes and reports when a write fails", async () => {
  let reported: unknown = null;
  const out = new Outbox({ write: () => Promise.reject(new Error("reset")) }, {
    onError: (e) => (reported = e),
  });
  out.control(new Uint8Array(10));
  await out.drained();
  await new Promise((r) => setTimeout(r, 0));
  assert.match(String(reported), /reset/);
  assert.equal(out.packet(0, packet(10, 1), 10), false);
});
