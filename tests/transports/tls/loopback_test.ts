/**
 * The access-unit transport end to end on 127.0.0.1: a receiver from
 * listenAuReceiver() and senders from connectAuSender(), with certificates
 * from certs/ (tests/certs/_pki.ts). Every wait is bounded.
 */
import assert from "node:assert/strict";
import {
  acceptPin,
  PinMismatchError,
  revokeCert,
  RevokedCertificateError,
} from "../../../certs/mod.ts";
import {
  connectAuSender,
  type ConnectOptions,
  listenAuReceiver,
  type ListenOptions,
  type TlsAuReceiver,
} from "../../../transports/tls/mod.ts";
import { makePki, type Pki } from "../../certs/_pki.ts";
import { run, tempDir, waitFor, within } from "../../certs/_run.ts";
import { slowLink } from "./_slow_link.ts";
import { drain, NETWORK_TIMEOUT_MS, syntheticStream, take } from "./_stream.ts";

async function withReceiver(
  pki: Pki,
  fn: (receiver: TlsAuReceiver) => Promise<void>,
  options: Partial<ListenOptions> = {},
): Promise<void> {
  const receiver = await listenAuReceiver({ certsDir: pki.dir, name: "console", ...options });
  try {
    await fn(receiver);
  } finally {
    await within(receiver.close(), NETWORK_TIMEOUT_MS, "the receiver to close");
  }
}

function senderOptions(pki: Pki, receiver: TlsAuReceiver): ConnectOptions {
  return {
    host: "127.0.0.1",
    port: receiver.port,
    certsDir: pki.dir,
    name: "alice",
    pins: [receiver.fingerprint256],
    handshakeTimeoutMs: NETWORK_TIMEOUT_MS,
  };
}

Deno.test("a pinned mTLS sender delivers every access unit to the receiver, which names the sender", async () => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "ed25519");
  await withReceiver(pki, async (receiver) => {
    const sender = await connectAuSender(senderOptions(pki, receiver));
    assert.equal(sender.serverFingerprint256, receiver.fingerprint256);
    const units = syntheticStream(45, 20_000);
    for (const unit of units) assert.equal(sender.send(unit), true);
    const got = await take(receiver, units.length);
    await sender.close();
    assert.deepEqual(
      got.map(({ peer: _, seq: __, ...unit }) => unit),
      units,
    );
    assert.deepEqual(got.map((unit) => unit.seq), units.map((_, i) => i));
    assert.equal(got[0].peer?.cn, "alice");
    assert.match(got[0].peer?.serial ?? "", /^[0-9A-F]+$/);
    assert.deepEqual(sender.stats, {
      offered: 45,
      dropped: 0,
      droppedBytes: 0,
      sent: 45,
      sentBytes: 45 * (32 + 20_000),
      queued: 0,
      queuedBytes: 0,
    });
    await waitFor(() => receiver.stats.active === 0, "the connection to end");
    assert.deepEqual(receiver.stats, {
      connections: 1,
      active: 0,
      accessUnits: 45,
      bytes: 45 * (32 + 20_000),
      errors: 0,
      gaps: 0,
      dropped: 0,
      queued: 0,
      refused: 0,
    });
  });
});

Deno.test("a sender pinned to another certificate refuses the receiver and sends nothing", async () => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "p256");
  await withReceiver(pki, async (receiver) => {
    const wrong = "AB:".repeat(31) + "AB";
    const error = await connectAuSender({ ...senderOptions(pki, receiver), pins: [wrong] })
      .then(() => null, (e: Error) => e);
    assert.ok(error instanceof PinMismatchError, String(error));
    assert.equal(error.fingerprint256, receiver.fingerprint256);
    assert.equal(receiver.stats.accessUnits, 0);
  });
});

Deno.test("a sender pinned through pins.json (eyrie certs pin --accept … --name hub) reaches the receiver", async () => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "ed25519");
  await withReceiver(pki, async (receiver) => {
    await acceptPin(pki.dir, "hub", receiver.fingerprint256.replaceAll(":", "").toLowerCase());
    const { pins: _, ...options } = senderOptions(pki, receiver);
    const sender = await connectAuSender({ ...options, remote: "hub" });
    sender.send(syntheticStream(1, 10)[0]);
    assert.equal((await take(receiver, 1))[0].peer?.cn, "alice");
    await sender.close();
    await assert.rejects(connectAuSender({ ...options, remote: "elsewhere" }), /No pin accepted/);
  });
});

Deno.test("a sender refuses a pinned receiver whose certificate is on the revocation list", async () => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "ed25519");
  await withReceiver(pki, async (receiver) => {
    await (await connectAuSender(senderOptions(pki, receiver))).close();
    await revokeCert(pki.dir, "console");
    await assert.rejects(connectAuSender(senderOptions(pki, receiver)), RevokedCertificateError);
  }, { watch: false });
});

Deno.test("a sender must pin its receiver", async () => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "ed25519");
  await withReceiver(pki, async (receiver) => {
    const { pins: _, ...unpinned } = senderOptions(pki, receiver);
    await assert.rejects(connectAuSender(unpinned), /pins its receiver: give remote or pins/);
  });
});

for (
  const [label, sender] of [
    ["comes from another CA with the same names", (pki: Pki) => ({ certsDir: pki.otherDir })],
    ["is revoked", () => ({ name: "bob" })],
    ["has expired", () => ({ name: "old" })],
  ] as const
) {
  Deno.test(`the receiver refuses a sender whose certificate ${label}, and the sender is told`, async () => {
    await using tmp = await tempDir();
    const pki = await makePki(tmp.path, "ed25519");
    const ca = await Deno.readTextFile(pki.caFile);
    await withReceiver(pki, async (receiver) => {
      const options = { ...senderOptions(pki, receiver), extraCa: [ca], ...sender(pki) };
      await assert.rejects(connectAuSender(options), /closed the connection before it greeted/);
      await waitFor(() => receiver.stats.refused === 1, "the refusal to be counted");
      assert.equal(receiver.stats.connections, 0);
      // The same receiver still admits the right certificate.
      const good = await connectAuSender(senderOptions(pki, receiver));
      await good.close();
      assert.equal(receiver.stats.connections, 1);
    });
  });
}

Deno.test("the receiver refuses TLS 1.2 and a client without a certificate (openssl s_client)", async () => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "ed25519");
  await withReceiver(pki, async (receiver) => {
    const [crt, key] = pki.client("alice");
    const base = ["s_client", "-connect", `127.0.0.1:${receiver.port}`, "-CAfile", pki.caFile];
    const old = await run("openssl", [...base, "-tls1_2", "-cert", crt, "-key", key]);
    assert.match(old.stderr, /alert protocol version/);
    const anonymous = await run("openssl", [...base, "-tls1_3", "-ign_eof"]);
    assert.doesNotMatch(anonymous.stdout, /EyAU/);
    await waitFor(() => receiver.stats.refused === 2, "both refusals to be counted");
    assert.equal(receiver.stats.connections, 0);
  });
});

Deno.test("over a link slower than the stream the sender drops to the next keyframe, and send() never waits", async () => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "ed25519");
  await withReceiver(pki, async (receiver) => {
    await using link = await slowLink(receiver.port, 2 * 1024 * 1024);
    const sender = await connectAuSender({
      ...senderOptions(pki, receiver),
      port: link.port,
      servername: "localhost",
      maxQueuedAccessUnits: 8,
    });
    // 8 MB/s for 2 s into a 2 MB/s link. The kernel buffers about 5 MB on
    // loopback (measured) before the sender's socket pushes back.
    const units = syntheticStream(200, 80 * 1024, 10);
    const consumed = drain(receiver);
    for (const unit of units) {
      // Synchronous by contract: a boolean, never a promise to wait on.
      assert.equal(typeof sender.send(unit), "boolean");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // Let the link deliver past the first drop, then cut it.
    await waitFor(() => receiver.stats.gaps > 0, "a gap to reach the receiver", NETWORK_TIMEOUT_MS);
    const stats = sender.stats;
    // What is still in the link's buffers would take seconds more.
    await link[Symbol.asyncDispose]();
    await within(sender.closed, NETWORK_TIMEOUT_MS, "the sender to see the cut");
    const got = await consumed;
    assert.ok(stats.dropped > 50, JSON.stringify(stats));
    assert.ok(got.length > 10, `only ${got.length} AUs arrived`);
    // What arrived is decodable: a predicted frame always follows the frame before it.
    for (let i = 0; i < got.length; i++) {
      if (got[i].seq % 10 !== 0) assert.equal(got[i - 1]?.seq, got[i].seq - 1, `seq ${got[i].seq}`);
    }
    // The receiver counts the sender's drops as gaps, and itself dropped nothing.
    assert.ok(receiver.stats.gaps > 0);
    assert.equal(got.length + receiver.stats.gaps, got[got.length - 1].seq + 1);
    assert.equal(receiver.stats.dropped, 0);
  });
});

Deno.test("a receiver whose consumer falls behind drops to the next keyframe of that stream", async () => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "ed25519");
  await withReceiver(pki, async (receiver) => {
    const sender = await connectAuSender(senderOptions(pki, receiver));
    const units = syntheticStream(40, 1000, 10);
    for (const unit of units) sender.send(unit);
    await sender.close();
    await waitFor(() => receiver.stats.accessUnits === 40, "every AU to arrive");
    // Nobody read while the 40 arrived: 0..4 filled the queue, 5 did not fit
    // and 6..9 depend on it, and every later AU found the queue still full.
    const got = await drain(receiver);
    assert.deepEqual(got.map((unit) => unit.seq), [0, 1, 2, 3, 4]);
    assert.equal(receiver.stats.dropped, 35);
    assert.equal(receiver.stats.gaps, 0);
  }, { maxQueued: 5 });
});

Deno.test("revoking a sender's certificate ends its live connection", async () => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "ed25519");
  const reasons: (Error | null)[] = [];
  await withReceiver(pki, async (receiver) => {
    const sender = await connectAuSender(senderOptions(pki, receiver));
    sender.send(syntheticStream(1, 100)[0]);
    await take(receiver, 1);
    await revokeCert(pki.dir, "alice");
    await within(sender.closed, NETWORK_TIMEOUT_MS, "the revoked sender to be dropped");
    assert.equal(sender.send(syntheticStream(1, 100)[0]), false);
    await assert.rejects(connectAuSender(senderOptions(pki, receiver)), /before it greeted/);
  }, { onDisconnect: (_, error) => reasons.push(error) });
  assert.equal(reasons.length, 1);
});

Deno.test("a peer that does not speak the framing is cut off and counted as an error", async () => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "ed25519");
  const reasons: (Error | null)[] = [];
  await withReceiver(pki, async (receiver) => {
    const [crt, key] = pki.client("alice");
    // openssl sends "GET / HTTP/1.0" where a frame header should be.
    const out = await run("openssl", [
      "s_client",
      "-connect",
      `127.0.0.1:${receiver.port}`,
      "-CAfile",
      pki.caFile,
      "-cert",
      crt,
      "-key",
      key,
      "-quiet",
      "-ign_eof",
    ], { stdin: "GET / HTTP/1.0\r\n\r\n".repeat(3) });
    assert.equal(out.timedOut, false);
    await waitFor(() => receiver.stats.errors === 1, "the error to be counted");
    assert.equal(receiver.stats.accessUnits, 0);
  }, { onDisconnect: (_, error) => reasons.push(error) });
  assert.match(String(reasons[0]), /Bad magic "0x47455420"/);
});
