/**
 * RTP over QUIC on loopback with eyrie's own PKI: x264enc's access units
 * cross as datagrams and GStreamer decodes what arrived; each kind of wrong
 * peer is refused, and both ends say why.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { FrameFlags, FrameFormat } from "../../../actors/defs.ts";
import { acceptPin, fingerprint256 } from "../../../certs/mod.ts";
import { isKeyframe } from "../../../transports/rtp/h264/mod.ts";
import {
  connectQuicSender,
  listenQuicReceiver,
  type QuicAuReceiver,
} from "../../../transports/quic/mod.ts";
import type { ReceivedAccessUnit } from "../../../transports/tls/mod.ts";
import { makePki, type Pki } from "../../certs/_pki.ts";
import { tempDir, waitFor } from "../../certs/_run.ts";
import { h264 } from "../rtp/_media.ts";
import { concat, decodeH264 } from "../rtp/_peers.ts";

const FRAMES = 60;

async function pinHub(pki: Pki): Promise<void> {
  const der = (await Deno.readTextFile(pki.server("console")[0]))
    .replace(/-----[^-]+-----|\s/g, "");
  const fp = await fingerprint256(Uint8Array.from(atob(der), (c) => c.charCodeAt(0)));
  await acceptPin(pki.dir, "hub", fp);
}

async function take(receiver: QuicAuReceiver, n: number): Promise<ReceivedAccessUnit[]> {
  const got: ReceivedAccessUnit[] = [];
  for await (const au of receiver) {
    got.push(au);
    if (got.length === n) break;
  }
  return got;
}

Deno.test("x264enc's access units cross QUIC as RTP datagrams and avdec_h264 decodes every one", async () => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "p256");
  await pinHub(pki);
  const media = await h264(FRAMES, { gop: 30 });
  const receiver = await listenQuicReceiver({ certsDir: pki.dir, name: "console" });
  const requests: number[] = [];
  const sender = await connectQuicSender({
    host: "127.0.0.1",
    port: receiver.port,
    certsDir: pki.dir,
    name: "alice",
    remote: "hub",
    onKeyframeRequest: () => requests.push(1),
  });
  try {
    assert.equal(sender.serverFingerprint256, receiver.fingerprint256);
    const got = take(receiver, FRAMES);
    const t0 = (performance.timeOrigin + performance.now()) * 1e6;
    for (let i = 0; i < FRAMES; i++) {
      const data = media.files[i];
      // Paced a little, as a camera would: loopback drops a burst of 60 frames at once.
      if (i % 5 === 0) await new Promise((r) => setTimeout(r, 5));
      assert.ok(sender.send({
        flags: isKeyframe(data) ? FrameFlags.KEYFRAME : 0,
        format: FrameFormat.H264,
        ptsNs: i * 33_333_333,
        captureNs: t0 - 1e9 + i,
        data,
      }));
    }
    const units = await got;
    assert.equal(units[0].peer?.cn, "alice");
    assert.equal(units[0].flags & FrameFlags.KEYFRAME, FrameFlags.KEYFRAME);
    assert.equal(units[30].flags & FrameFlags.KEYFRAME, FrameFlags.KEYFRAME);
    // The capture time travels in the RTP timestamp (90 kHz): each frame
    // arrives a second and a little old, to within a tick.
    const age = (u: ReceivedAccessUnit) => (u.captureNs - (t0 - 1e9)) / 1e6;
    for (const u of units) assert.ok(Math.abs(age(u)) < 0.05, `age off by ${age(u)} ms`);
    assert.equal(receiver.stats.lost, 0);
    assert.equal(receiver.stats.gaps, 0);
    assert.equal(requests.length, 0);
    const file = join(tmp.path, "got.h264");
    await Deno.writeFile(file, concat(units.map((u) => u.data)));
    const frames = await decodeH264(file, join(tmp.path, "raw"));
    assert.equal(frames.length, FRAMES);
    assert.equal(frames[0].length, 320 * 240 * 3 / 2);
    assert.equal(sender.stats.sent, FRAMES);
  } finally {
    await sender.close();
    await receiver.close();
  }
});

Deno.test("a QUIC receiver refuses a client certificate of another CA, and a revoked one; the sender says so", async () => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "ed25519");
  await pinHub(pki);
  const refusals: string[] = [];
  const receiver = await listenQuicReceiver({
    certsDir: pki.dir,
    name: "console",
    onRefused: (e) => refusals.push(e.message),
  });
  // The impostor: "alice" of the other CA, in a certs directory that trusts and pins the hub.
  await Deno.copyFile(pki.caFile, join(pki.otherDir, "ca.crt"));
  await acceptPin(pki.otherDir, "hub", receiver.fingerprint256);
  try {
    await assert.rejects(
      connectQuicSender({
        host: "127.0.0.1",
        port: receiver.port,
        certsDir: pki.otherDir,
        name: "alice",
        remote: "hub",
      }),
      /refused this sender: The certificate "[^"]*CN=alice" is not signed by a trusted eyrie CA/,
    );
    await assert.rejects(
      connectQuicSender({
        host: "127.0.0.1",
        port: receiver.port,
        certsDir: pki.dir,
        name: "bob",
        remote: "hub",
      }),
      /refused this sender: The certificate "[^"]*CN=bob" \(serial [0-9A-F]+\) is revoked/,
    );
    await waitFor(() => refusals.length === 2, "both refusals at the receiver");
    assert.match(refusals[0], /not signed by a trusted eyrie CA/);
    assert.match(refusals[1], /is revoked/);
    assert.equal(receiver.stats.refused, 2);
    assert.equal(receiver.stats.connections, 0);
  } finally {
    await receiver.close();
  }
});

Deno.test("a QUIC sender refuses a receiver that matches none of its pins, and sends nothing", async () => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "p256");
  await acceptPin(pki.dir, "hub", "AA:".repeat(31) + "AA");
  const receiver = await listenQuicReceiver({ certsDir: pki.dir, name: "console" });
  try {
    await assert.rejects(
      connectQuicSender({
        host: "127.0.0.1",
        port: receiver.port,
        certsDir: pki.dir,
        name: "alice",
        remote: "hub",
      }),
      new RegExp(`The server certificate ${receiver.fingerprint256} matches none of the 1 pin`),
    );
    assert.equal(receiver.stats.connections, 0);
  } finally {
    await receiver.close();
  }
});

Deno.test("a QUIC sender to a port where nothing listens fails with a sentence, within its timeout", async () => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "p256");
  await pinHub(pki);
  const probe = await listenQuicReceiver({ certsDir: pki.dir, name: "console" });
  const port = probe.port;
  await probe.close();
  await assert.rejects(
    connectQuicSender({
      host: "127.0.0.1",
      port,
      certsDir: pki.dir,
      name: "alice",
      remote: "hub",
      handshakeTimeoutMs: 1000,
    }),
    /No QUIC answer from 127\.0\.0\.1:\d+ \(is eyrie receive --transport quic running there\?\)/,
  );
});
