/**
 * The forward actor in its real Worker, fed through a real access-unit ring
 * by the test, sending to a real mTLS receiver: what it sends, how it comes
 * back after the receiver went away, and that a stop never waits for a
 * receiver that does not answer.
 */
import assert from "node:assert/strict";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { FrameFlags, FrameFormat, type LogRecord } from "../../../actors/defs.ts";
import {
  FORWARD_WORKER,
  type ForwardProtocol,
  type ForwardStats,
} from "../../../actors/forward/protocol.ts";
import { createByteRing, RingWriter } from "../../../actors/ring/mod.ts";
import { spawnActor } from "../../../actors/runtime/mod.ts";
import { acceptPin } from "../../../certs/mod.ts";
import {
  listenAuReceiver,
  type ReceivedAccessUnit,
  type TlsAuReceiver,
} from "../../../transports/tls/mod.ts";
import { makePki, type Pki } from "../../certs/_pki.ts";
import { tempDir, waitFor } from "../../certs/_run.ts";

function unit(i: number): Uint8Array {
  return Uint8Array.from({ length: 1000 + i }, (_, k) => (i * 31 + k) & 0xff);
}

function forward(pki: Pki, au: SharedArrayBuffer, port: number, logs: LogRecord[]) {
  let stats: ForwardStats | null = null;
  const actor = spawnActor<ForwardProtocol>({
    id: "test/forward/0",
    url: FORWARD_WORKER,
    init: {
      cameraId: "test",
      index: 0,
      config: {
        transport: "tls",
        host: "127.0.0.1",
        port,
        remote: "hub",
        cert: "alice",
        ca: "",
        dir: pki.dir,
      },
      au,
      reader: 3,
    },
    log: (r) => logs.push(r),
    onEvent: (e) => {
      if (e.type === "stats") stats = e.stats;
    },
  });
  return { actor, stats: () => stats };
}

/** Takes `n` access units from the receiver. */
async function take(receiver: TlsAuReceiver, n: number): Promise<ReceivedAccessUnit[]> {
  const got: ReceivedAccessUnit[] = [];
  for await (const au of receiver) {
    got.push(au);
    if (got.length === n) break;
  }
  return got;
}

Deno.test("the forward actor sends the ring's access units as they are, and reconnects after the receiver comes back", async () => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "ed25519");
  await acceptPin(pki.dir, "hub", (await listenAndClose(pki)).fingerprint);
  const au = createByteRing({ entries: 64, dataBytes: 1 << 20 });
  const writer = new RingWriter(au);
  const write = (i: number, key: boolean) =>
    writer.write(unit(i), {
      pts: i * 33_333_333,
      captureNs: 1e15 + i,
      durationNs: 0,
      flags: key ? FrameFlags.KEYFRAME | FrameFlags.CONFIG : 0,
      format: FrameFormat.H264,
      width: 0,
      height: 0,
      aux: 0,
    });
  let receiver = await listenAuReceiver({ certsDir: pki.dir, name: "console", port: 0 });
  const port = receiver.port;
  const logs: LogRecord[] = [];
  const f = forward(pki, au, port, logs);
  const actor = await f.actor;
  try {
    await waitFor(() => f.stats()?.state === "up", "the first connection", 10_000);
    for (let i = 0; i < 10; i++) write(i, i === 0);
    const got = await take(receiver, 10);
    assert.deepEqual(got.map((u) => u.peer?.cn), Array(10).fill("alice"));
    got.forEach((u, i) => {
      assert.deepEqual(u.data, unit(i), `unit ${i}`);
      assert.equal(u.ptsNs, i * 33_333_333);
      assert.equal(u.captureNs, 1e15 + i);
      assert.equal(u.flags & FrameFlags.KEYFRAME, i === 0 ? FrameFlags.KEYFRAME : 0);
    });

    await receiver.close();
    await waitFor(() => f.stats()?.state === "offline", "the actor to notice", 10_000);
    assert.equal(f.stats()?.cause, f.stats()?.lastError);
    receiver = await listenAuReceiver({ certsDir: pki.dir, name: "console", port });
    await waitFor(() => f.stats()?.connects === 2, "the reconnection", 10_000);
    // It resumes at the newest keyframe still in the ring (unit 0: the whole group of pictures
    // again), so the receiver can decode at once, and goes on with what comes next.
    write(10, true);
    write(11, false);
    const again = await take(receiver, 12);
    assert.equal(again[0].flags & FrameFlags.KEYFRAME, FrameFlags.KEYFRAME);
    assert.deepEqual(
      again.map((u) => u.data.length),
      Array.from({ length: 12 }, (_, i) => 1000 + i),
    );
    const notes = logs.map((r) => r.msg).join(",");
    assert.match(notes, new RegExp(`forwarding,forward 0 to 127.0.0.1:${port}: offline`));
    assert.match(notes, new RegExp(`forward 0 to 127.0.0.1:${port}: up again,forwarding`));
    assert.equal(f.stats()?.state, "up");
    assert.equal(f.stats()?.outages, 1);
  } finally {
    await actor.stop("shutdown", 2000);
    await receiver.close();
  }
});

Deno.test("stopping a forward actor does not wait for a receiver that never answers the handshake", async () => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "ed25519");
  await acceptPin(pki.dir, "hub", "00".repeat(32));
  const held = new Set<net.Socket>();
  const silent = net.createServer((socket) => held.add(socket));
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  const au = createByteRing({ entries: 64, dataBytes: 1 << 20 });
  const f = forward(pki, au, (silent.address() as AddressInfo).port, []);
  const actor = await f.actor;
  try {
    await waitFor(() => held.size === 1, "the connection attempt", 5000);
    const t0 = performance.now();
    const exit = await actor.stop("shutdown", 2000);
    assert.equal(exit.kind, "normal");
    assert.ok(performance.now() - t0 < 1500, `stop took ${performance.now() - t0} ms`);
  } finally {
    for (const s of held) s.destroy();
    await new Promise((resolve) => silent.close(resolve));
  }
});

/** The fingerprint of the receiver's certificate (what a sender pins). */
async function listenAndClose(pki: Pki): Promise<{ fingerprint: string }> {
  const r = await listenAuReceiver({ certsDir: pki.dir, name: "console", port: 0, watch: false });
  const fingerprint = r.fingerprint256;
  await r.close();
  return { fingerprint };
}

Deno.test("a forward whose receiver is down is offline with the cause, retried, one log line per change", async () => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "ed25519");
  await acceptPin(pki.dir, "hub", "00".repeat(32));
  const closed = net.createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const au = createByteRing({ entries: 64, dataBytes: 1 << 20 });
  const logs: LogRecord[] = [];
  const f = forward(pki, au, port, logs);
  const actor = await f.actor;
  try {
    await waitFor(() => (f.stats()?.tries ?? 0) >= 2, "a retry", 10_000);
    const s = f.stats()!;
    assert.equal(s.state, "offline");
    assert.equal(
      s.cause,
      `connection refused by 127.0.0.1:${port} (is eyrie receive --tls running there?)`,
    );
    assert.ok(s.retryAt! > s.since);
    assert.deepEqual(
      logs.filter((r) => r.level === "warn").map((r) => [r.msg, r.fields?.cause]),
      [[`forward 0 to 127.0.0.1:${port}: offline`, s.cause]],
    );
  } finally {
    assert.equal((await actor.stop("shutdown", 2000)).kind, "normal");
  }
});
